import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gtagLayer } from '../../protocols/ga4-mp/gtag-params.js';
import { readPayload, type StreamKind, type ValidationMessage } from '../../protocols/ga4-mp/payload.js';
import { parseQueryString } from '../../src/receiver/querystring.js';
import { APP_EVENT, CUSTOM_WITH_USER_PROPERTIES, LOGIN, PURCHASE } from './ga4-mp-shapes.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const HOUR_US = 3_600_000_000;
const NOW_US = NOW * 1000;

function read(body: unknown, stream: StreamKind = 'web') {
  return readPayload(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), stream, NOW);
}

/** The problems of a body: `code fieldPath` for each. */
function problems(body: unknown, stream: StreamKind = 'web'): string[] {
  const r = read(body, stream);
  assert.is(r.payload, null, 'a body with problems is refused whole');
  return r.messages.map((m: ValidationMessage) => `${m.validationCode} ${m.fieldPath}`);
}

const event = (name: string, params: Record<string, unknown> = {}) => ({ client_id: 'c1', events: [{ name, params }] });

test('the documented purchase, login and user-property bodies are accepted as sent', () => {
  const purchase = read(PURCHASE);
  assert.equal(purchase.messages, []);
  const e = purchase.payload!.events[0]!;
  assert.is(e.name, 'purchase');
  assert.equal(
    e.params.map(([k]) => k),
    ['currency', 'transaction_id', 'value', 'coupon', 'shipping', 'tax', 'session_id', 'engagement_time_msec'],
  );
  assert.is(e.items.length, 2);
  assert.equal(e.items[1], [['item_id', 'SKU_12346'], ['item_name', "Google Grey Women's Tee"], ['price', 10.01], ['quantity', 2], ['item_variant', 'gray']]);

  const login = read(LOGIN).payload!;
  assert.is(login.userId, 'user-42');
  assert.is(login.clientId, '1369988567.1756151735');

  const custom = read(CUSTOM_WITH_USER_PROPERTIES).payload!;
  assert.equal(
    custom.userProperties.map((p) => [p.name, p.value]),
    [['customer_tier', 'premium'], ['lifetime_orders', 12]],
  );
  // Booleans travel as text, the way gtag sends them.
  assert.equal(custom.events[0]!.params, [['list', 'weekly'], ['position', 3], ['newsletter_opt_in', 'true']]);

  assert.is(read(APP_EVENT, 'app').payload!.clientId, 'cbd7e1c2c4f544d2a0a8f3e6b2d1c0a9');
});

test('events become gtag parameters: dedicated ones, ep./epn. by type, prN items, up./upn. user properties', () => {
  const payload = read({ ...PURCHASE, user_id: 'u1', non_personalized_ads: true, user_properties: { tier: { value: 'gold', set_timestamp_micros: NOW_US - HOUR_US } } }).payload!;
  const params = parseQueryString(gtagLayer({ streamId: 'G-ABC123', payload }, payload.events[0]!));
  const first = (k: string) => params.get(k)?.[0];
  assert.is(first('tid'), 'G-ABC123');
  assert.is(first('cid'), '1369988567.1756151735');
  assert.is(first('uid'), 'u1');
  assert.is(first('en'), 'purchase');
  assert.is(first('sid'), '1758117187');
  assert.is(first('_et'), '100');
  assert.is(first('cu'), 'USD');
  assert.is(first('ep.currency'), 'USD');
  assert.is(first('ep.transaction_id'), 'T_12345');
  assert.is(first('epn.value'), '30.03');
  assert.is(first('epn.tax'), '1.11');
  assert.is(first('npa'), '1');
  assert.is(first('pr1'), 'idSKU_12345~nmStan and Friends Tee~afGoogle Merchandise Store~cpSUMMER_FUN~ds2.22~lp0~brGoogle~caApparel~c2Adult~lirelated_products~lnRelated Products~vagreen~loChIJIQBpAG2ahYAR_6128GcTUEo~pr9.99~qt1');
  assert.is(first('pr2'), "idSKU_12346~nmGoogle Grey Women's Tee~pr10.01~qt2~vagray");
  assert.is(first('up.tier'), 'gold');
  assert.is(first('_upt.tier'), String(NOW_US - HOUR_US));
  assert.is(params.has('ep.session_id'), false, 'session_id has its own parameter');

  const withTilde = read(event('purchase', { items: [{ item_id: 'a~b', price: 1 }] })).payload!;
  assert.is(parseQueryString(gtagLayer({ streamId: 'G-1', payload: withTilde }, withTilde.events[0]!)).get('pr1')?.[0], 'ida-b~pr1');
});

test('identifiers: client_id for web streams, a 32-digit app_instance_id for app streams, user_id up to 256 characters', () => {
  assert.equal(problems({ events: [{ name: 'login' }] }), ['VALUE_REQUIRED client_id']);
  assert.equal(problems({ client_id: '', events: [{ name: 'login' }] }), ['VALUE_REQUIRED client_id']);
  assert.equal(problems({ client_id: 12, events: [{ name: 'login' }] }), ['VALUE_INVALID client_id']);
  assert.equal(problems({ ...APP_EVENT, app_instance_id: 'not-hex' }, 'app'), ['VALUE_INVALID app_instance_id']);
  assert.equal(problems(APP_EVENT, 'web'), ['VALUE_INVALID app_instance_id', 'VALUE_REQUIRED client_id']);
  assert.equal(problems({ ...LOGIN, user_id: 'u'.repeat(257) }), ['VALUE_OUT_OF_BOUNDS user_id']);
  assert.ok(read({ ...LOGIN, user_id: 'u'.repeat(256) }).payload);
});

test('events: required, 1 to 25 per request, each an object with a valid name', () => {
  assert.equal(problems({ client_id: 'c1' }), ['VALUE_REQUIRED events']);
  assert.equal(problems({ client_id: 'c1', events: [] }), ['VALUE_REQUIRED events']);
  assert.equal(problems({ client_id: 'c1', events: {} }), ['VALUE_INVALID events']);
  const many = Array.from({ length: 26 }, () => ({ name: 'tick' }));
  assert.equal(problems({ client_id: 'c1', events: many }), ['EXCEEDED_MAX_ENTITIES events']);
  assert.is(read({ client_id: 'c1', events: many.slice(0, 25) }).payload!.events.length, 25);
  assert.equal(problems({ client_id: 'c1', events: ['login'] }), ['VALUE_INVALID events[0]']);
  assert.equal(problems({ client_id: 'c1', events: [{ params: {} }] }), ['VALUE_REQUIRED events[0].name']);
  assert.equal(problems({ client_id: 'c1', events: [{ name: 'login', extra: 1 }] }), ['VALUE_INVALID events[0].extra']);
});

test('event names: 40 characters of letters, digits and underscores from a letter, not reserved', () => {
  assert.ok(read(event('a'.repeat(40))).payload);
  assert.equal(problems(event('a'.repeat(41))), ['VALUE_OUT_OF_BOUNDS events[0].name']);
  assert.equal(problems(event('_badEventName')), ['NAME_INVALID events[0].name']);
  assert.equal(problems(event('1st_event')), ['NAME_INVALID events[0].name']);
  assert.equal(problems(event('sign-up')), ['NAME_INVALID events[0].name']);
  assert.equal(problems(event('session_start')), ['NAME_RESERVED events[0].name']);
  assert.equal(problems(event('first_visit')), ['NAME_RESERVED events[0].name']);
  assert.equal(problems(event('google_thing')), ['NAME_RESERVED events[0].name']);
  assert.equal(problems(event('firebase_x')), ['NAME_RESERVED events[0].name']);
  const r = read(event('_badEventName'));
  assert.match(r.messages[0]!.description, /\[_badEventName\].*start with a letter/);
});

test('params: 25 per event, names like event names, values up to 100 characters, scalars only', () => {
  const params = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));
  assert.ok(read(event('tick', params(25))).payload);
  assert.equal(problems(event('tick', params(26))), ['EXCEEDED_MAX_ENTITIES events[0].params']);
  assert.equal(problems(event('tick', { ['p'.repeat(41)]: 1 })), [`VALUE_OUT_OF_BOUNDS events[0].params.${'p'.repeat(41)}`]);
  assert.equal(problems(event('tick', { 'bad-name': 1 })), ['NAME_INVALID events[0].params.bad-name']);
  assert.equal(problems(event('tick', { ga_client: 'x' })), ['NAME_RESERVED events[0].params.ga_client']);
  assert.equal(problems(event('tick', { firebase_conversion: 1 })), ['NAME_RESERVED events[0].params.firebase_conversion']);
  assert.ok(read(event('tick', { note: 'x'.repeat(100) })).payload);
  assert.ok(read(event('tick', { note: 'é'.repeat(100) })).payload, 'characters, not bytes');
  assert.equal(problems(event('tick', { note: 'x'.repeat(101) })), ['VALUE_OUT_OF_BOUNDS events[0].params.note']);
  assert.equal(problems(event('tick', { note: null })), ['VALUE_INVALID events[0].params.note']);
  assert.equal(problems(event('tick', { note: { a: 1 } })), ['VALUE_INVALID events[0].params.note']);
  assert.equal(problems(event('tick', { note: [1] })), ['VALUE_INVALID events[0].params.note']);
  assert.equal(problems({ client_id: 'c1', events: [{ name: 'tick', params: 'x' }] }), ['VALUE_INVALID events[0].params']);
});

test('items: an array of objects, each with an item_id or item_name, at most 200', () => {
  assert.equal(problems(event('purchase', { items: {} })), ['VALUE_INVALID events[0].params.items']);
  assert.equal(problems(event('purchase', { items: ['SKU'] })), ['VALUE_INVALID events[0].params.items[0]']);
  assert.equal(problems(event('purchase', { items: [{ price: 1 }] })), ['VALUE_REQUIRED events[0].params.items[0].item_id']);
  assert.ok(read(event('purchase', { items: [{ item_name: 'only a name' }] })).payload);
  const items = Array.from({ length: 201 }, (_, i) => ({ item_id: `i${i}` }));
  assert.equal(problems(event('purchase', { items })), ['EXCEEDED_MAX_ENTITIES events[0].params.items']);
  assert.equal(problems(event('purchase', { items: [{ item_id: 'x'.repeat(101) }] })), ['VALUE_OUT_OF_BOUNDS events[0].params.items[0].item_id']);
});

test('user properties: 25 at most, 24-character names, 36-character values, {"value": ...} objects', () => {
  const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`up${i}`, { value: i }]));
  const withProps = (user_properties: unknown) => ({ ...LOGIN, user_properties });
  assert.ok(read(withProps(props(25))).payload);
  assert.equal(problems(withProps(props(26))), ['EXCEEDED_MAX_ENTITIES user_properties']);
  assert.equal(problems(withProps({ ['u'.repeat(25)]: { value: 1 } })), [`VALUE_OUT_OF_BOUNDS user_properties.${'u'.repeat(25)}`]);
  assert.equal(problems(withProps({ first_open_time: { value: 1 } })), ['NAME_RESERVED user_properties.first_open_time']);
  assert.equal(problems(withProps({ google_x: { value: 1 } })), ['NAME_RESERVED user_properties.google_x']);
  assert.equal(problems(withProps({ tier: { value: 'x'.repeat(37) } })), ['VALUE_OUT_OF_BOUNDS user_properties.tier.value']);
  assert.equal(problems(withProps({ tier: 'gold' })), ['VALUE_INVALID user_properties.tier']);
  assert.equal(problems(withProps({ tier: {} })), ['VALUE_REQUIRED user_properties.tier.value']);
  assert.equal(problems(withProps({ tier: { value: 'a', since: 1 } })), ['VALUE_INVALID user_properties.tier.since']);
  assert.equal(problems(withProps([1])), ['VALUE_INVALID user_properties']);
});

test('timestamp_micros: within the last 72 hours, per request or per event; numbers or digit strings', () => {
  const at = (ts: unknown) => read({ ...LOGIN, timestamp_micros: ts });
  assert.is(at(NOW_US - 71 * HOUR_US).payload!.timestampMicros, NOW_US - 71 * HOUR_US);
  assert.is(at(String(NOW_US - HOUR_US)).payload!.timestampMicros, NOW_US - HOUR_US);
  assert.equal(problems({ ...LOGIN, timestamp_micros: NOW_US - 73 * HOUR_US }), ['VALUE_OUT_OF_BOUNDS timestamp_micros']);
  assert.equal(problems({ ...LOGIN, timestamp_micros: NOW_US + HOUR_US }), ['VALUE_OUT_OF_BOUNDS timestamp_micros']);
  assert.equal(problems({ ...LOGIN, timestamp_micros: 'yesterday' }), ['VALUE_INVALID timestamp_micros']);
  assert.equal(problems({ ...LOGIN, timestamp_micros: 1.5 }), ['VALUE_INVALID timestamp_micros']);
  assert.match(read({ ...LOGIN, timestamp_micros: NOW_US - 73 * HOUR_US }).messages[0]!.description, /72 hours/);
  const perEvent = read({ client_id: 'c1', events: [{ name: 'login', timestamp_micros: NOW_US - HOUR_US }] }).payload!;
  assert.is(perEvent.events[0]!.timestampMicros, NOW_US - HOUR_US);
  assert.equal(problems({ client_id: 'c1', events: [{ name: 'login', timestamp_micros: 5 }] }), ['VALUE_OUT_OF_BOUNDS events[0].timestamp_micros']);
});

test('consent, non_personalized_ads, ip_override, device and unknown fields', () => {
  assert.equal(read({ ...LOGIN, consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' } }).payload!.consent, { adUserData: 'GRANTED', adPersonalization: 'DENIED' });
  assert.equal(problems({ ...LOGIN, consent: { ad_user_data: 'yes' } }), ['VALUE_INVALID consent.ad_user_data']);
  assert.equal(problems({ ...LOGIN, consent: { ad_storage: 'GRANTED' } }), ['VALUE_INVALID consent.ad_storage']);
  assert.equal(problems({ ...LOGIN, non_personalized_ads: 'true' }), ['VALUE_INVALID non_personalized_ads']);
  assert.is(read({ ...LOGIN, ip_override: '2001:db8::1' }).payload!.ipOverride, '2001:db8::1');
  assert.equal(problems({ ...LOGIN, ip_override: '999.1.1.1' }), ['VALUE_INVALID ip_override']);
  assert.equal(read({ ...LOGIN, device: { language: 'de-de', screen_resolution: '1280x720', category: 'mobile' } }).payload!.device, { language: 'de-de', screenResolution: '1280x720' });
  assert.equal(problems({ ...LOGIN, user_propertis: {} }), ['VALUE_INVALID user_propertis']);
  assert.ok(read({ ...LOGIN, user_data: { sha256_email_address: ['a'.repeat(64)] }, validation_behavior: 'ENFORCE_RECOMMENDATIONS' }).payload);
});

test('garbage never throws: each gets a message naming what is wrong', () => {
  const garbage: Array<string | Buffer> = [
    '',
    'not json',
    '[]',
    '"text"',
    '42',
    'null',
    '{"client_id": "c1", "events": [{"name": "login"}]',
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 256)),
    JSON.stringify({ client_id: { deep: [1, 2, { x: null }] }, events: [null, 1, 'x', [], { name: 7 }] }),
  ];
  for (const body of garbage) {
    const r = readPayload(typeof body === 'string' ? Buffer.from(body) : body, 'web', NOW);
    assert.is(r.payload, null);
    assert.ok(r.messages.length > 0);
    for (const m of r.messages) assert.ok(m.description.length > 0 && m.validationCode.length > 0);
  }
  assert.match(read('').messages[0]!.description, /empty/);
  assert.match(read('not json').messages[0]!.description, /not valid JSON/);
});

test.run();
