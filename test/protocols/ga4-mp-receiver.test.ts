import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENT_TIME_METADATA_KEY, firstHeader, firstParam, PLATFORM_METADATA_KEY, PROTOCOL_METADATA_KEY } from '../../src/hits/hit.js';
import { receiverProtocols } from '../../src/receiver/assemble.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { send } from '../support/http.js';
import { testProperty } from '../support/properties.js';
import { startTestReceiver, type TestReceiver } from '../support/receiver.js';
import { APP_EVENT, CUSTOM_WITH_USER_PROPERTIES, LOGIN, PURCHASE } from './ga4-mp-shapes.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SECRET = 'Xc9-q2_secret';

const WEB = testProperty({ id: 'shop', measurementIds: ['G-SHOP1'], isDefault: false, measurementProtocol: { apiSecrets: ['old-secret', SECRET] } });
const APP = testProperty({ id: 'app', measurementIds: ['1:1234567890:android:321abc456def7890'], isDefault: false, measurementProtocol: { apiSecrets: [SECRET] } });
const CLOSED = testProperty({ id: 'closed', measurementIds: ['G-CLOSED'], isDefault: false });
const MATOMO = testProperty({ id: 'site7', measurementIds: ['G-MATOMO'], isDefault: false, protocol: 'matomo', measurementProtocol: { apiSecrets: [SECRET] } });

function start(properties: PropertySettings[] = [WEB, APP, CLOSED, MATOMO]): Promise<TestReceiver> {
  return startTestReceiver({ properties, protocols: receiverProtocols(), clock: () => NOW });
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'User-Agent': 'python-requests/2.32.3', Host: 'tracker.example' };

function post(r: TestReceiver, path: string, body: unknown) {
  return send(r.port, 'POST', path, { headers: JSON_HEADERS, body: Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Runs `check` against a fresh receiver of the test properties, closing it afterwards. */
async function withReceiver(check: (r: TestReceiver) => Promise<void>): Promise<void> {
  const r = await start();
  try {
    await check(r);
  } finally {
    await r.close();
  }
}

test('POST /mp/collect: 204, one hit per event in gtag form, tagged ga4_mp, without the server\'s user agent', () =>
  withReceiver(async (r) => {
    const a = await post(r, `/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}`, PURCHASE);
    assert.is(a.status, 204, a.body);
    assert.is(a.body, '');
    const [hit] = r.storage.hits;
    assert.ok(hit);
    assert.is(r.storage.hits.length, 1);
    assert.is(hit.propertyId, 'shop');
    assert.is(hit.clientId, '1369988567.1756151735');
    assert.is(hit.eventName, 'purchase');
    assert.is(hit.metadata[PROTOCOL_METADATA_KEY], 'ga4_mp');
    assert.is(hit.request.serverReceivedTime, NOW);
    assert.is(hit.request.body.length, 0, 'the JSON is not copied into every hit');
    assert.is(firstHeader(hit.request.headers, 'User-Agent'), undefined);
    const p = (k: string) => firstParam(hit.request.queryParams, k);
    assert.is(p('tid'), 'G-SHOP1');
    assert.is(p('cid'), '1369988567.1756151735');
    assert.is(p('epn.value'), '30.03');
    assert.is(p('sid'), '1758117187');
    assert.ok(p('pr2')?.startsWith('idSKU_12346~'));

    // Several events: several hits, one request time, their own event ids.
    const b = await post(r, `/mp/collect?measurement_id=G-SHOP1&api_secret=old-secret`, {
      client_id: 'c2',
      timestamp_micros: (NOW - 3_600_000) * 1000,
      events: [{ name: 'tutorial_begin' }, { name: 'tutorial_complete', timestamp_micros: (NOW - 60_000) * 1000 }],
    });
    assert.is(b.status, 204, b.body);
    const [h1, h2] = r.storage.batches[1]!;
    assert.equal([h1!.eventName, h2!.eventName], ['tutorial_begin', 'tutorial_complete']);
    assert.is.not(h1!.id, h2!.id);
    assert.is(h1!.metadata[EVENT_TIME_METADATA_KEY], String((NOW - 3_600_000) * 1000));
    assert.is(h2!.metadata[EVENT_TIME_METADATA_KEY], String((NOW - 60_000) * 1000), 'an event\'s own timestamp wins');
  }),
);

test('app streams: firebase_app_id and app_instance_id, platform from the app id', () =>
  withReceiver(async (r) => {
    const a = await post(r, `/mp/collect?firebase_app_id=1:1234567890:android:321abc456def7890&api_secret=${SECRET}`, APP_EVENT);
    assert.is(a.status, 204, a.body);
    const hit = r.storage.hits[0]!;
    assert.is(hit.propertyId, 'app');
    assert.is(hit.clientId, APP_EVENT.app_instance_id);
    assert.is(hit.metadata[PLATFORM_METADATA_KEY], 'android');
    const b = await post(r, `/mp/collect?firebase_app_id=1:1234567890:android:321abc456def7890&api_secret=${SECRET}`, LOGIN);
    assert.is(b.status, 400);
    assert.match(b.body, /app_instance_id is required/);
  }),
);

test('api_secret: missing or wrong gets 401, 403 on the debug endpoint; nothing is stored', () =>
  withReceiver(async (r) => {
    const cases: Array<[string, number, RegExp]> = [
      ['/mp/collect?measurement_id=G-SHOP1', 401, /api_secret` is a required/],
      ['/mp/collect?measurement_id=G-SHOP1&api_secret=guess', 401, /not a secret of property shop/],
      [`/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}x`, 401, /not a secret/],
      [`/mp/collect?measurement_id=G-CLOSED&api_secret=${SECRET}`, 401, /not enabled for property closed.*measurement_protocol.api_secrets/],
      ['/debug/mp/collect?measurement_id=G-SHOP1&api_secret=guess', 403, /not a secret/],
      ['/debug/mp/collect?measurement_id=G-SHOP1', 403, /required/],
    ];
    for (const [path, status, message] of cases) {
      const a = await post(r, path, LOGIN);
      assert.is(a.status, status, path);
      assert.match(a.body, message);
    }
    assert.is(r.storage.hits.length, 0);
  }),
);

test('bad input: 400 naming the parameter or field, nothing stored', () =>
  withReceiver(async (r) => {
    const url = `/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}`;
    const cases: Array<[string, unknown, RegExp]> = [
      ['/mp/collect?api_secret=x', LOGIN, /measurement_id` \(web stream\) or `firebase_app_id`/],
      [`/mp/collect?measurement_id=G-SHOP1&firebase_app_id=1:2:ios:3&api_secret=${SECRET}`, LOGIN, /not both/],
      [`/mp/collect?measurement_id=G-MATOMO&api_secret=${SECRET}`, LOGIN, /matomo protocol/],
      [url, '', /body is empty/],
      [url, '{"client_id":', /not valid JSON/],
      [url, { client_id: 'c1', events: [{ name: '_bad' }] }, /events\[0\]\.name: .*\[_bad\]/],
      [url, { client_id: 'c1', events: [{ name: 'ok', params: { note: 'x'.repeat(101) } }] }, /events\[0\]\.params\.note: .*100 characters/],
      [url, { client_id: 'c1', timestamp_micros: (NOW - 73 * 3_600_000) * 1000, events: [{ name: 'ok' }] }, /timestamp_micros: .*72 hours/],
      [url, Buffer.from([0x7b, 0xff, 0x7d]), /not valid/],
    ];
    for (const [path, body, message] of cases) {
      const a = await send(r.port, 'POST', path, { headers: JSON_HEADERS, body: Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : JSON.stringify(body) });
      assert.is(a.status, 400, `${path} ${String(body).slice(0, 40)}`);
      assert.match(a.body, message);
    }
    assert.is((await send(r.port, 'GET', url, { headers: JSON_HEADERS })).status, 405);
    assert.is(r.storage.hits.length, 0);
  }),
);

test('POST /debug/mp/collect: GA4\'s validationMessages, nothing stored', () =>
  withReceiver(async (r) => {
    const url = `/debug/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}`;
    const ok = await post(r, url, CUSTOM_WITH_USER_PROPERTIES);
    assert.is(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /application\/json/);
    assert.equal(JSON.parse(ok.body), { validationMessages: [] });

    const bad = await post(r, url, { client_id: 'c1', events: [{ name: '_badEventName', params: { ga_x: 1, note: { a: 1 } } }] });
    assert.is(bad.status, 200);
    const messages = (JSON.parse(bad.body) as { validationMessages: Array<Record<string, string>> }).validationMessages;
    assert.equal(
      messages.map((m) => [m['fieldPath'], m['validationCode']]),
      [
        ['events[0].name', 'NAME_INVALID'],
        ['events[0].params.ga_x', 'NAME_RESERVED'],
        ['events[0].params.note', 'VALUE_INVALID'],
      ],
    );
    for (const m of messages) assert.ok(m['description']!.length > 10);
    const garbage = await post(r, url, 'garbage');
    assert.is(garbage.status, 200);
    assert.is((JSON.parse(garbage.body) as { validationMessages: Array<{ validationCode: string }> }).validationMessages[0]!.validationCode, 'VALUE_INVALID');
    assert.is(r.storage.hits.length, 0);

    const preflight = await send(r.port, 'OPTIONS', '/mp/collect', { headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } });
    assert.is(preflight.status, 204);
    assert.is(preflight.headers['access-control-allow-origin'], 'https://app.example');
  }),
);

test('LOGIN and user properties reach the hit: uid and up./upn. parameters', () =>
  withReceiver(async (r) => {
    assert.is((await post(r, `/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}`, LOGIN)).status, 204);
    assert.is(r.storage.hits[0]!.userId, 'user-42');
    assert.is((await post(r, `/mp/collect?measurement_id=G-SHOP1&api_secret=${SECRET}`, CUSTOM_WITH_USER_PROPERTIES)).status, 204);
    const params = r.storage.hits[1]!.request.queryParams;
    assert.is(params.get('up.customer_tier')?.[0], 'premium');
    assert.is(params.get('upn.lifetime_orders')?.[0], '12');
    assert.is(params.get('ep.newsletter_opt_in')?.[0], 'true');
    assert.is(params.get('epn.position')?.[0], '3');
  }),
);

test.run();
