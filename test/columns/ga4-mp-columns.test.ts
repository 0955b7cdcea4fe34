import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ga4MeasurementProtocol, MP_COLLECT_PATH } from '../../protocols/ga4-mp/protocol.js';
import { PROTOCOL_METADATA_KEY } from '../../src/hits/hit.js';
import { DerivedHitIds } from '../../src/hits/hit-ids.js';
import { headersFromRecord } from '../../src/receiver/headers.js';
import { newEvent, newSession } from '../../src/schema/session.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import { testProperty } from '../support/properties.js';
import { APP_EVENT } from '../protocols/ga4-mp-shapes.js';
import { computeColumns, T0 } from './fixtures.js';
import { columnSet } from './gtag.js';

const SECRET = 'k';

/** The rows of one Measurement Protocol request, as the worker computes them. */
function mpSession(query: string, body: unknown) {
  const protocol = new Ga4MeasurementProtocol();
  const properties = new PropertyRegistry([testProperty({ measurementProtocol: { apiSecrets: [SECRET] } })]);
  const hits = protocol.hits(
    {
      method: 'POST',
      path: MP_COLLECT_PATH,
      rawQuery: `${query}&api_secret=${SECRET}`,
      body: Buffer.from(JSON.stringify(body)),
      headers: headersFromRecord({ 'User-Agent': 'okhttp/4.12.0', 'Content-Type': 'application/json' }),
      ip: '203.0.113.9',
      host: 'tracker.example',
      serverReceivedTime: T0,
      key: 'mp-test',
    },
    { properties, ids: new DerivedHitIds('mp-test') },
  );
  // The receiver's pipeline tags every hit with the protocol that parsed it.
  for (const h of hits) h.metadata[PROTOCOL_METADATA_KEY] = protocol.hitProtocol;
  return computeColumns(columnSet(), newSession(hits.map(newEvent)));
}

test('app stream events: platform from the Firebase app id, tracking_protocol ga4_mp, params typed by JSON type', () => {
  const s = mpSession('firebase_app_id=1:1234567890:ios:321abc456def7890', APP_EVENT);
  const v = s.events[0]!.values;
  assert.is(s.events[0]!.brokenReason ?? null, null);
  assert.is(v['platform'], 'ios');
  assert.is(v['tracking_protocol'], 'ga4_mp');
  assert.is(v['name'], 'level_up');
  assert.is(v['client_id'], APP_EVENT.app_instance_id);
  assert.equal(v['params'], [
    { name: 'level', value_string: null, value_number: 5 },
    { name: 'character', value_string: 'wizard', value_number: null },
  ]);
  assert.is(v['params_character'], 'wizard');
});

test('web stream events: platform web; timestamp_micros sets timestamp_utc and date_utc', () => {
  const micros = (T0 - 26 * 3_600_000) * 1000;
  const s = mpSession('measurement_id=G-1', { client_id: 'c1', timestamp_micros: micros, events: [{ name: 'offline_sale', params: { value: 12.5, currency: 'EUR' } }] });
  const v = s.events[0]!.values;
  assert.is(v['platform'], 'web');
  assert.is(v['timestamp_utc'], new Date(micros / 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  assert.is(v['date_utc'], new Date(micros / 1000).toISOString().slice(0, 10));
  assert.is(v['params_value'], 12.5);
  assert.is(v['params_currency'], 'EUR');
});

test.run();
