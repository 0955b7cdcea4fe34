import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ColumnSet } from '../../src/schema/column.js';
import { protocolColumnSet } from '../../columns/column-sets.js';
import { StaticPropertyLookup } from '../../columns/core/property-lookup.js';
import { deviceColumns } from '../../columns/device/columns.js';
import { geoColumnsFrom } from '../../columns/geo/columns.js';
import { StaticGeoLookup } from '../../columns/geo/geo-lookup.js';
import { silentLogger } from '../../src/monitoring/logger.js';
import { testProperty } from '../support/properties.js';
import { computeColumns, sessionOf, type HitSpec } from '../columns/fixtures.js';

/**
 * The device and geo event columns wired the way the lead wires them (`deviceGeoColumns`),
 * read back by the core dominant-client session columns.
 */

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 11_0 like Mac OS X) AppleWebKit/604.1.38 (KHTML, like Gecko) Version/11.0 Mobile/15A372 Safari/604.1';
const LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36';

const paris = new StaticGeoLookup({ city: 'Paris', region: 'Ile-de-France', country: 'France', continent: 'Europe' });

function columnSet(): ColumnSet {
  const deviceGeoColumns: ColumnSet = { event: [...geoColumnsFrom(paris, silentLogger), ...deviceColumns('dd2')], sessionScoped: [], session: [] };
  return protocolColumnSet('ga4', { properties: new StaticPropertyLookup([testProperty()]), deviceGeoColumns });
}

const set = columnSet();

function session(specs: HitSpec[]) {
  return computeColumns(set, sessionOf(specs));
}

test('a single-client session mirrors its first event (conformance case ga4-session-device-geo-single)', () => {
  const s = session([{ clientId: 'client-a', query: 'ul=fr-fr&sr=390x844', headers: { 'User-Agent': IPHONE } }]);
  assert.is(s.brokenReason, null);
  assert.equal(
    {
      city: s.values['session_geo_city'],
      region: s.values['session_geo_region'],
      metro: s.values['session_geo_metro'],
      country: s.values['session_geo_country'],
      continent: s.values['session_geo_continent'],
      subContinent: s.values['session_geo_sub_continent'],
      category: s.values['session_device_category'],
      language: s.values['session_device_language'],
      brand: s.values['session_device_mobile_brand_name'],
      model: s.values['session_device_mobile_model_name'],
      os: s.values['session_device_operating_system'],
      osVersion: s.values['session_device_operating_system_version'],
      browser: s.values['session_device_web_browser'],
      browserVersion: s.values['session_device_web_browser_version'],
      resolution: s.values['session_device_screen_resolution'],
    },
    {
      city: 'Paris',
      region: 'Ile-de-France',
      metro: null,
      country: 'France',
      continent: 'Europe',
      subContinent: null,
      category: 'smartphone',
      language: 'fr-fr',
      brand: 'Apple',
      model: 'iPhone',
      os: 'iOS',
      osVersion: '11.0',
      browser: 'Mobile Safari',
      browserVersion: '11.0',
      resolution: '390x844',
    },
  );
});

test('a field the selected event lacks stays NULL (conformance case ga4-session-device-geo-missing-field)', () => {
  const s = session([{ clientId: 'client-a', query: 'ul=it-it', headers: { 'User-Agent': IPHONE } }]);
  assert.is(s.values['session_device_screen_resolution'], null);
  assert.is(s.values['session_device_web_browser'], 'Mobile Safari');
  assert.is(s.values['session_geo_country'], 'France');
});

test('joined clients: the client with most events decides, from its first event', () => {
  const s = session([
    { clientId: 'desktop', at: 0, headers: { 'User-Agent': LINUX_CHROME } },
    { clientId: 'phone', at: 1, headers: { 'User-Agent': IPHONE } },
    { clientId: 'phone', at: 2, headers: { 'User-Agent': IPHONE } },
  ]);
  assert.is(s.values['session_device_category'], 'smartphone');
  assert.is(s.values['session_device_operating_system'], 'iOS');
});

test('joined clients with equal counts: the client seen first decides', () => {
  const s = session([
    { clientId: 'desktop', at: 0, headers: { 'User-Agent': LINUX_CHROME } },
    { clientId: 'phone', at: 1, headers: { 'User-Agent': IPHONE } },
  ]);
  assert.is(s.values['session_device_category'], 'desktop');
  assert.is(s.values['session_device_web_browser'], 'Chrome');
});

test.run();
