import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MmdbGeoLookup } from '../../columns/geo/geo-lookup.js';
import { EMPTY_GEO_RECORD, geoRecordFromMmdb } from '../../columns/geo/geo-record.js';
import { buildMmdb, cityRecord, encodeValue, Typed } from './mmdb-writer.js';
import { fixtureDatabase } from './support.js';

const lookup = new MmdbGeoLookup(fixtureDatabase());

test('IPv4: city, region, country and continent by English name', () => {
  assert.equal(lookup.lookup('81.2.69.142'), { city: 'London', region: 'England', country: 'United Kingdom', continent: 'Europe' });
  assert.equal(lookup.lookup('192.0.2.1'), { city: 'Paris', region: 'Ile-de-France', country: 'France', continent: 'Europe' });
});

test('IPv6: looked up in the same tree', () => {
  assert.equal(lookup.lookup('2a02:8100:1234::5'), { city: 'Berlin', region: 'Land Berlin', country: 'Germany', continent: 'Europe' });
});

test('an address outside every network: empty names and no region, as the reference writes them', () => {
  assert.equal(lookup.lookup('8.8.8.8'), EMPTY_GEO_RECORD);
  assert.equal(lookup.lookup('2001:db8::1'), EMPTY_GEO_RECORD);
  assert.equal(lookup.lookup('81.2.70.1'), EMPTY_GEO_RECORD);
});

test('a record without city or subdivision: "" city, null region', () => {
  assert.equal(lookup.lookup('203.0.113.9'), { city: '', region: null, country: 'Australia', continent: 'Oceania' });
});

test('metadata of the fixture is what the writer declared', () => {
  assert.is(lookup.databaseType, 'Cairn-Test-City');
  assert.is(lookup.buildTime.toISOString(), '2025-01-01T00:00:00.000Z');
});

test('a more specific network inside a wider one wins for its addresses only', () => {
  const db = new MmdbGeoLookup(
    buildMmdb([
      { cidr: '10.0.0.0/8', record: cityRecord({ country: 'Wide', continent: 'W' }) },
      { cidr: '10.1.2.0/24', record: cityRecord({ city: 'Narrow', country: 'Wide', continent: 'W' }) },
    ]),
  );
  assert.is(db.lookup('10.1.2.3').city, 'Narrow');
  assert.is(db.lookup('10.200.0.1').city, '');
  assert.is(db.lookup('10.200.0.1').country, 'Wide');
});

test('a file that is not an MMDB is refused at load', () => {
  assert.throws(() => new MmdbGeoLookup(Buffer.from('not a database')));
});

test('record reading tolerates odd shapes: non-string names, empty subdivisions, empty region name', () => {
  assert.equal(geoRecordFromMmdb({ city: { names: { en: 5 } }, subdivisions: [] }), { city: '', region: null, country: '', continent: '' });
  assert.equal(geoRecordFromMmdb({ subdivisions: [{ names: { en: '' } }] }).region, null);
  assert.equal(geoRecordFromMmdb(null), EMPTY_GEO_RECORD);
});

test('writer: control bytes for long strings use the extended size forms', () => {
  // 29 + 1 bytes of text: size marker 29 and one extra byte.
  const thirty = encodeValue('x'.repeat(30));
  assert.is(thirty[0], (2 << 5) | 29);
  assert.is(thirty[1], 1);
  // Extended type (uint64 = 9): type byte 0, then 9 - 7.
  const big = encodeValue(new Typed('uint64', 1n));
  assert.equal([...big], [1, 2, 1]);
});

test.run();
