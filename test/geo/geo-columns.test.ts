import { writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newEvent } from '../../src/schema/session.js';
import type { Event } from '../../src/schema/session.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import { stubGeoColumns } from '../../columns/core/device-geo-stubs.js';
import { geoColumns, geoColumnsFrom, geoSettings } from '../../columns/geo/columns.js';
import { GeoDatabase } from '../../columns/geo/geo-database.js';
import { StaticGeoLookup, type GeoLookup } from '../../columns/geo/geo-lookup.js';
import type { EventColumn } from '../../src/schema/column.js';
import { hit } from '../columns/fixtures.js';
import { buildMmdb, cityRecord } from './mmdb-writer.js';
import { directoryWithDatabase, recordingLogger, tempDir } from './support.js';

const GEO_FIELDS = ['geo_continent', 'geo_country', 'geo_region', 'geo_city', 'geo_sub_continent', 'geo_metro'];

function eventFrom(ip: string): Event {
  const h = hit();
  h.request.ip = ip;
  return newEvent(h);
}

function write(columns: readonly EventColumn[], event: Event): Record<string, unknown> {
  for (const c of columns) c.write(event);
  return Object.fromEntries(GEO_FIELDS.map((f) => [f, event.values[f]]));
}

function settingsWith(keys: Record<string, unknown>): { keys: ReadonlyMap<string, unknown> } {
  return { keys: new Map(Object.entries(keys)) };
}

test('the six columns implement the six geo interfaces', () => {
  const columns = geoColumnsFrom(new StaticGeoLookup({ city: 'Paris', region: 'Ile-de-France', country: 'France', continent: 'Europe' }), recordingLogger());
  assert.equal(columns.map((c) => c.implements.field.name).sort(), [...GEO_FIELDS].sort());
  assert.equal(
    columns.map((c) => c.implements.id).sort(),
    stubGeoColumns.map((c) => c.implements.id).sort(),
  );
});

test('enabled with a database: IPv4 and IPv6 events get their place; metro and sub-continent stay NULL', () => {
  const dir = directoryWithDatabase();
  const columns = geoColumns(settingsWith({ 'dbip.enabled': true, 'dbip.destination_directory': dir, 'dbip.refresh_interval': 0 }), recordingLogger());
  assert.equal(write(columns, eventFrom('81.2.69.1')), {
    geo_continent: 'Europe',
    geo_country: 'United Kingdom',
    geo_region: 'England',
    geo_city: 'London',
    geo_sub_continent: null,
    geo_metro: null,
  });
  assert.equal(write(columns, eventFrom('2a02:8100::1')), {
    geo_continent: 'Europe',
    geo_country: 'Germany',
    geo_region: 'Land Berlin',
    geo_city: 'Berlin',
    geo_sub_continent: null,
    geo_metro: null,
  });
});

test('an address the database does not cover: "" names and NULL region (the reference\'s empty record)', () => {
  const dir = directoryWithDatabase();
  const columns = geoColumns(settingsWith({ 'dbip.enabled': true, 'dbip.destination_directory': dir }), recordingLogger());
  assert.equal(write(columns, eventFrom('8.8.4.4')), {
    geo_continent: '',
    geo_country: '',
    geo_region: null,
    geo_city: '',
    geo_sub_continent: null,
    geo_metro: null,
  });
});

test('disabled (the default): the always-NULL stubs, the directory is never read', () => {
  const logger = recordingLogger();
  assert.is(geoColumns(settingsWith({}), logger), stubGeoColumns);
  assert.is(geoColumns(settingsWith({ 'dbip.enabled': false, 'dbip.destination_directory': '/nonexistent/dir' }), logger), stubGeoColumns);
  assert.equal(logger.lines, []);
});

test('enabled without any file: NULL columns and a warning naming the directory', () => {
  const dir = tempDir();
  const logger = recordingLogger();
  const columns = geoColumns(settingsWith({ 'dbip.enabled': true, 'dbip.destination_directory': dir }), logger);
  assert.equal(write(columns, eventFrom('81.2.69.1')), Object.fromEntries(GEO_FIELDS.map((f) => [f, null])));
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.fields?.['directory'] === dir));
});

test('a refresh interval is acknowledged: downloading is not available, said once at start', () => {
  const dir = directoryWithDatabase();
  const logger = recordingLogger();
  geoColumns(settingsWith({ 'dbip.enabled': true, 'dbip.destination_directory': dir, 'dbip.refresh_interval': 6 * 3600_000 }), logger);
  assert.ok(logger.lines.some((l) => l.level === 'info' && /not available/.test(l.msg)));
});

test('an address that is not an IP: NULL columns and one warning per distinct value', () => {
  const logger = recordingLogger();
  const columns = geoColumnsFrom(new StaticGeoLookup({ city: 'Paris', region: null, country: 'France', continent: 'Europe' }), logger);
  assert.equal(write(columns, eventFrom('not-an-ip')), Object.fromEntries(GEO_FIELDS.map((f) => [f, null])));
  write(columns, eventFrom('not-an-ip'));
  assert.is(logger.lines.filter((l) => l.level === 'warn').length, 1);
});

test('a failing lookup breaks the event', () => {
  const failing: GeoLookup = {
    lookup() {
      throw new Error('corrupt data section');
    },
  };
  const columns = geoColumnsFrom({ current: () => failing }, recordingLogger());
  assert.throws(
    () => (columns[0] as EventColumn).write(eventFrom('192.0.2.1')),
    (err: unknown) => err instanceof BrokenEventError && /corrupt/.test((err as Error).message),
  );
});

test('one lookup per IP across events and columns', () => {
  let calls = 0;
  const counting: GeoLookup = {
    lookup() {
      calls++;
      return { city: 'Paris', region: null, country: 'France', continent: 'Europe' };
    },
  };
  const columns = geoColumnsFrom({ current: () => counting }, recordingLogger());
  for (let i = 0; i < 5; i++) write(columns, eventFrom('192.0.2.7'));
  write(columns, eventFrom('192.0.2.8'));
  assert.is(calls, 2);
});

test('the newest file is used: highest YYYY-MM in the name, then the greatest name', () => {
  const dir = tempDir();
  const record = (city: string) => buildMmdb([{ cidr: '192.0.2.0/24', record: cityRecord({ city, country: 'X', continent: 'Y' }) }]);
  writeFileSync(join(dir, 'dbip-city-lite-2025-05.mmdb'), record('May'));
  writeFileSync(join(dir, 'dbip-city-lite-2024-12.mmdb'), record('December'));
  writeFileSync(join(dir, 'zzz-undated.mmdb'), record('Undated'));
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  const database = new GeoDatabase({ directory: dir, logger: recordingLogger(), rescanIntervalMs: 0 });
  assert.is(database.current()?.lookup('192.0.2.1').city, 'May');

  const undated = tempDir();
  writeFileSync(join(undated, 'a.mmdb'), record('A'));
  writeFileSync(join(undated, 'b.mmdb'), record('B'));
  assert.is(new GeoDatabase({ directory: undated, logger: recordingLogger(), rescanIntervalMs: 0 }).current()?.lookup('192.0.2.1').city, 'B');
});

test('a newer file is swapped in on re-scan, and cached answers are forgotten', async () => {
  const dir = tempDir();
  const record = (city: string) => buildMmdb([{ cidr: '192.0.2.0/24', record: cityRecord({ city, country: 'X', continent: 'Y' }) }]);
  writeFileSync(join(dir, 'dbip-city-lite-2025-05.mmdb'), record('Old'));
  const database = new GeoDatabase({ directory: dir, logger: recordingLogger(), rescanIntervalMs: 0 });
  const columns = geoColumnsFrom(database, recordingLogger());
  assert.is(write(columns, eventFrom('192.0.2.1'))['geo_city'], 'Old');

  writeFileSync(join(dir, 'dbip-city-lite-2025-06.mmdb'), record('New'));
  await database.rescan();
  assert.ok(database.path?.endsWith('2025-06.mmdb'));
  assert.is(write(columns, eventFrom('192.0.2.1'))['geo_city'], 'New');

  // The same file rewritten in place (new size or time) is read again too.
  writeFileSync(join(dir, 'dbip-city-lite-2025-06.mmdb'), record('Newer!'));
  utimesSync(join(dir, 'dbip-city-lite-2025-06.mmdb'), new Date(), new Date(Date.now() + 5000));
  await database.rescan();
  assert.is(write(columns, eventFrom('192.0.2.1'))['geo_city'], 'Newer!');
  database.close();
});

test('a broken newer file keeps the old database', async () => {
  const dir = directoryWithDatabase('dbip-city-lite-2025-05.mmdb');
  const logger = recordingLogger();
  const database = new GeoDatabase({ directory: dir, logger, rescanIntervalMs: 0 });
  writeFileSync(join(dir, 'dbip-city-lite-2025-07.mmdb'), 'garbage');
  await database.rescan();
  assert.is(database.current()?.lookup('81.2.69.1').city, 'London');
  assert.ok(logger.lines.some((l) => l.level === 'warn'));
});

test('settings: wrong types are refused with the key named', () => {
  assert.throws(() => geoSettings(settingsWith({ 'dbip.enabled': 'yes' })), /dbip\.enabled/);
  assert.throws(() => geoSettings(settingsWith({ 'dbip.destination_directory': 3 })), /dbip\.destination_directory/);
  assert.equal(geoSettings(settingsWith({})), { enabled: false, directory: './dbip', refreshIntervalMs: 0 });
});

test.run();
