import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DerivedHitIds } from '../../src/hits/hit-ids.js';
import { firstParam, type Hit } from '../../src/hits/hit.js';
import { decodeHits, encodeHits } from '../../src/hits/hit-codec.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import { MatomoProtocol, matomoTrackingPaths } from '../../protocols/matomo/protocol.js';
import { deriveEventName } from '../../protocols/matomo/event-name.js';
import { pickParams } from '../../protocols/matomo/params.js';
import { bulkEntryQuery, MAX_BULK_ENTRIES } from '../../protocols/matomo/requests.js';
import { ProtocolError } from '../../protocols/protocol.js';
import { testProperty } from '../support/properties.js';
import { MATOMO_JS, nodeSdkBulk, PHP_SDK_BULK, request, VISITOR } from './matomo-shapes.js';

const matomoProperty = testProperty({ protocol: 'matomo' });
const context = { properties: new PropertyRegistry([matomoProperty]), ids: new DerivedHitIds('t') };
const protocol = new MatomoProtocol();

function hitsOf(query: string, extra: Parameters<typeof request>[0] = {}): Hit[] {
  return protocol.hits(request({ rawQuery: query, ...extra }), context);
}

function only(query: string, extra: Parameters<typeof request>[0] = {}): Hit {
  const hits = hitsOf(query, extra);
  assert.is(hits.length, 1);
  return hits[0]!;
}

function param(hit: Hit, key: string): string | undefined {
  return firstParam(hit.request.queryParams, key);
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ProtocolError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable('expected a ProtocolError');
}

test('matomo.js page view: one page_view hit with the visitor id, site and every parameter', () => {
  const h = only(MATOMO_JS.pageView);
  assert.is(h.eventName, 'page_view');
  assert.is(h.clientId, VISITOR);
  assert.is(h.authoritativeClientId, VISITOR);
  assert.is(h.propertyId, 'default');
  assert.is(h.userId, null);
  assert.is(param(h, 'action_name'), 'Running shoes – Shop');
  assert.is(param(h, 'url'), 'https://shop.example/products/running-shoes?utm_source=newsletter&utm_campaign=spring');
  assert.is(param(h, 'uadata')?.startsWith('{"fullVersionList"'), true);
  assert.equal(h.request.paramLayers, [MATOMO_JS.pageView], 'the raw query is kept for a compact encoding');
});

test('matomo.js event, site search, order, content interaction and heartbeat get their names', () => {
  assert.is(only(MATOMO_JS.event).eventName, 'custom_event');
  assert.is(only(MATOMO_JS.siteSearch).eventName, 'site_search');
  assert.is(only(MATOMO_JS.order).eventName, 'ecommerce_order');
  assert.is(only(MATOMO_JS.contentInteraction).eventName, 'content_interaction');
  assert.is(only(MATOMO_JS.heartbeat).eventName, 'page_view', 'heartbeats keep d8a\'s name');
});

test('event name: d8a\'s rules, first match wins', () => {
  const name = (q: string): string => deriveEventName(pickParams([q]));
  assert.is(name('idgoal=0&ec_id=7'), 'ecommerce_order');
  assert.is(name('idgoal=0'), 'goal_conversion', 'a cart update (no order id) counts as a goal');
  assert.is(name('idgoal=4&ec_id=7'), 'goal_conversion');
  assert.is(name('idgoal=&ec_id=7'), 'page_view');
  assert.is(name('ma_id=v1&ma_mt=video&download=x'), 'video_play');
  assert.is(name('ma_id=v1&ma_mt=audio'), 'page_view');
  assert.is(name('ma_id=v1&ma_mt=Video'), 'page_view', 'the media type is matched exactly');
  assert.is(name('download=f.zip&link=https://x'), 'download');
  assert.is(name('link=https://x&search=q'), 'outlink');
  assert.is(name('search&c_i=click'), 'site_search', 'the search key alone is enough');
  assert.is(name('search=&c_i=click'), 'site_search');
  assert.is(name('c_i=click&c_n=Banner'), 'content_interaction');
  assert.is(name('c_n=Banner&e_c=a&e_a=b'), 'content_impression');
  assert.is(name('e_c=a&e_a=b'), 'custom_event');
  assert.is(name('e_c=a'), 'page_view');
  assert.is(name('e_a=b'), 'page_view');
  assert.is(name('_pks=SKU&_pkn=Shoe'), 'page_view', 'a product view is a page view');
  assert.is(name('idgoal=&idgoal=3'), 'page_view', 'the first value decides');
});

test('visitor id: _id before cid; uid becomes the user id', () => {
  assert.is(only('idsite=1&_id=aaaa&cid=bbbb').clientId, 'aaaa');
  assert.is(only('idsite=1&_id=&cid=bbbb').clientId, 'bbbb');
  assert.is(only('idsite=1&cid=bbbb&uid=user%40example.org').userId, 'user@example.org');
  assert.is(only('idsite=1&_id=a&uid=').userId, null);
});

test('no visitor id: derived from the browser headers, IP, property and day, stable within the day', () => {
  const a = only('idsite=1&url=https%3A%2F%2Fx%2F1');
  const b = only('idsite=1&url=https%3A%2F%2Fx%2F2', { serverReceivedTime: Date.UTC(2025, 5, 2, 23, 59) });
  assert.match(a.clientId, /^[0-9a-f]{16}$/);
  assert.is(a.clientId, b.clientId, 'same browser, same day: one visitor');
  assert.is.not(only('idsite=1', { ip: '198.51.100.24' }).clientId, a.clientId);
  assert.is.not(only('idsite=1', { headersRecord: { Host: 'x', 'User-Agent': 'other' } }).clientId, a.clientId);
  assert.is.not(only('idsite=1', { serverReceivedTime: Date.UTC(2025, 5, 3) }).clientId, a.clientId, 'a new day, a new id');
});

test('no visitor id with IP masking: the masked IP is what the id is made from', () => {
  const masked = { properties: new PropertyRegistry([testProperty({ protocol: 'matomo', ipMaskingLevel: 1 })]), ids: new DerivedHitIds('t') };
  const one = protocol.hits(request({ rawQuery: 'idsite=1', ip: '198.51.100.23' }), masked)[0]!;
  const two = protocol.hits(request({ rawQuery: 'idsite=1', ip: '198.51.100.99' }), masked)[0]!;
  assert.is(one.clientId, two.clientId);
});

test('idsite is required and routes to its property; an unknown one is named', () => {
  rejects(() => hitsOf('url=https%3A%2F%2Fx%2F&_id=a'), /`idsite` is a required parameter/);
  rejects(() => hitsOf('idsite=&_id=a'), /`idsite` is a required parameter/);
  const properties = new PropertyRegistry([
    testProperty({ id: 'shop', protocol: 'matomo', measurementIds: ['3'], isDefault: false }),
    testProperty({ id: 'blog', protocol: 'matomo', measurementIds: ['4'], isDefault: false }),
  ]);
  const routed = { properties, ids: new DerivedHitIds('t') };
  assert.is(protocol.hits(request({ rawQuery: 'idsite=4&_id=a' }), routed)[0]!.propertyId, 'blog');
  rejects(() => protocol.hits(request({ rawQuery: 'idsite=99&_id=a' }), routed), /`idsite` 99: .*"99"/);
});

test('form-encoded POST body (sendBeacon / XHR): parameters come from the body, the URL wins on conflicts', () => {
  const hits = protocol.hits(
    request({
      method: 'POST',
      rawQuery: 'send_image=0&idsite=5',
      body: Buffer.from(MATOMO_JS.event),
      headersRecord: { Host: 'x', 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    }),
    context,
  );
  assert.is(hits.length, 1);
  const h = hits[0]!;
  assert.is(h.eventName, 'custom_event');
  assert.is(param(h, 'idsite'), '5');
  assert.is(param(h, 'e_n'), 'Intro video');
  assert.is(h.clientId, VISITOR);
  assert.is(Buffer.from(h.request.body).toString(), MATOMO_JS.event);
});

test('a POST body that is not form-encoded is not read as parameters', () => {
  rejects(
    () => protocol.hits(request({ method: 'POST', body: Buffer.from('idsite=1&_id=a'), headersRecord: { Host: 'x', 'Content-Type': 'text/plain' } }), context),
    /`idsite` is a required/,
  );
});

test('bulk as the Node SDK sends it: one hit per entry, entries do not share parameters', () => {
  const body = nodeSdkBulk();
  const hits = protocol.hits(request({ method: 'POST', rawQuery: 'idsite=999', body: Buffer.from(body), headersRecord: { Host: 'x', 'Content-Type': 'application/json' } }), context);
  assert.equal(hits.map((h) => h.eventName), ['page_view', 'page_view']);
  assert.equal(hits.map((h) => param(h, 'action_name')), ['Home', 'Cart']);
  assert.equal(hits.map((h) => param(h, 'idsite')), ['3', '3'], 'the URL query of a bulk request is not merged in');
  assert.is(new Set(hits.map((h) => h.id)).size, 2);
  assert.is(Buffer.from(hits[0]!.request.body).toString().startsWith('url='), true, 'each hit carries its own entry as body');
});

test('hits survive the queue encoding: raw layers in, the same parameters out', () => {
  const form = { Host: 'x', 'Content-Type': 'application/x-www-form-urlencoded' };
  const hits = [
    ...protocol.hits(request({ method: 'POST', rawQuery: 'idsite=5', body: Buffer.from(MATOMO_JS.order), headersRecord: form }), context),
    ...protocol.hits(request({ method: 'POST', body: Buffer.from(nodeSdkBulk()) }), context),
  ];
  const decoded = decodeHits(encodeHits(hits));
  assert.equal(
    decoded.map((h) => [...h.request.queryParams]),
    hits.map((h) => [...h.request.queryParams]),
  );
  assert.equal(decoded.map((h) => [h.eventName, h.clientId]), hits.map((h) => [h.eventName, h.clientId]));
});

test('bulk as the PHP SDK sends it: whole tracker URLs, cid as visitor, token_auth ignored', () => {
  const hits = protocol.hits(request({ method: 'POST', body: Buffer.from(PHP_SDK_BULK) }), context);
  assert.equal(hits.map((h) => h.eventName), ['page_view', 'custom_event']);
  assert.equal(hits.map((h) => h.clientId), [VISITOR, VISITOR]);
  assert.is(param(hits[0]!, 'url'), 'https://shop.example/checkout');
  assert.is(param(hits[0]!, 'lang'), 'fr');
  assert.is(param(hits[1]!, 'e_v'), '3');
});

test('bulk entries: one leading ? or a URL before the ? is dropped; a ? inside a value stays', () => {
  assert.is(bulkEntryQuery(' ?idsite=1&a=b '), 'idsite=1&a=b');
  assert.is(bulkEntryQuery('??idsite=1'), '?idsite=1');
  assert.is(bulkEntryQuery('/matomo.php?idsite=1'), 'idsite=1');
  assert.is(bulkEntryQuery('https://h/piwik.php?idsite=1'), 'idsite=1');
  assert.is(bulkEntryQuery('idsite=1&url=https://x/?q=1'), 'idsite=1&url=https://x/?q=1');
  assert.is(bulkEntryQuery('idsite=1'), 'idsite=1');
});

test('bulk: empty or missing requests give no hits; bad bodies and bad entries are named', () => {
  const bulk = (body: string): Hit[] => protocol.hits(request({ method: 'POST', body: Buffer.from(body) }), context);
  assert.equal(bulk('{"requests":[]}'), []);
  assert.equal(bulk('  {"token_auth":"x"}  '), []);
  assert.equal(bulk('{"requests":null}'), []);
  rejects(() => bulk('{"requests":["?idsite=1&_id=a",'), /not valid JSON/);
  rejects(() => bulk('{"requests":"?idsite=1"}'), /must be a list/);
  rejects(() => bulk('{"requests":["?idsite=1&_id=a", 7]}'), /requests\[1\] is not a string/);
  rejects(() => bulk('{"requests":["?idsite=1&_id=a","?url=x&_id=a","?idsite=2"]}'), /`idsite` is a required parameter.*\(requests\[1\]\)/);
  rejects(() => bulk('{"requests":["?idsite=1&_id=%FF"]}'), /requests\[0\]:.*UTF-8/);
  rejects(() => protocol.hits(request({ method: 'POST', body: Buffer.from([0x7b, 0xff, 0x7d]) }), context), /not valid UTF-8/);
});

test('bulk: one bad entry among many rejects the request and names it', () => {
  const entries = Array.from({ length: 50 }, (_, i) => `?idsite=1&_id=v${i}`);
  entries[37] = '?_id=missing-site';
  rejects(() => protocol.hits(request({ method: 'POST', body: Buffer.from(JSON.stringify({ requests: entries })) }), context), /requests\[37\]/);
});

test(`bulk: ${MAX_BULK_ENTRIES} entries are accepted, one more is refused with a clear message`, () => {
  const entry = '?idsite=1&rec=1&_id=0123456789abcdef&url=https%3A%2F%2Fshop.example%2Fp&action_name=P';
  const many = (n: number): string => JSON.stringify({ requests: Array.from({ length: n }, () => entry) });
  const hits = protocol.hits(request({ method: 'POST', body: Buffer.from(many(MAX_BULK_ENTRIES)) }), context);
  assert.is(hits.length, MAX_BULK_ENTRIES);
  assert.is(hits[MAX_BULK_ENTRIES - 1]!.request.body.byteLength, entry.length - 1, 'each hit carries its entry only');
  rejects(() => protocol.hits(request({ method: 'POST', body: Buffer.from(many(MAX_BULK_ENTRIES + 1)) }), context), /at most 10000/);
});

test('paths: /matomo.php and /piwik.php always, configured ones after, once each', () => {
  assert.equal(matomoTrackingPaths(), ['/matomo.php', '/piwik.php']);
  assert.equal(matomoTrackingPaths(['/matomo.php', '/track', '/piwik.php']), ['/matomo.php', '/piwik.php', '/track']);
  assert.equal(new MatomoProtocol({ trackingEndpoints: ['/matomo.php', '/t'] }).hitEndpoints(), [
    { path: '/matomo.php', methods: ['GET', 'POST'] },
    { path: '/piwik.php', methods: ['GET', 'POST'] },
    { path: '/t', methods: ['GET', 'POST'] },
  ]);
});

test('answers: 204 by default, the GIF for send_image=1, bulk JSON status when asked', () => {
  const answer = (r: Parameters<typeof request>[0]) => {
    const req = request(r);
    return protocol.successResponse(req, protocol.hits(req, context));
  };
  assert.is(answer({ rawQuery: MATOMO_JS.pageView }).status, 204);
  const gif = answer({ rawQuery: 'idsite=1&_id=a&send_image=1' });
  assert.is(gif.status, 200);
  assert.is(gif.headers['Content-Type'], 'image/gif');
  assert.is(Buffer.from(gif.body).subarray(0, 6).toString('latin1'), 'GIF89a');
  const form = { Host: 'x', 'Content-Type': 'application/x-www-form-urlencoded' };
  assert.is(answer({ method: 'POST', body: Buffer.from('idsite=1&_id=a&send_image=1'), headersRecord: form }).status, 200, 'send_image from a form body');
  const bulkBody = Buffer.from(nodeSdkBulk());
  assert.is(answer({ method: 'POST', body: bulkBody }).status, 204);
  const status = answer({ method: 'POST', body: bulkBody, headersRecord: { Host: 'x', Accept: 'text/html, application/json;q=0.9' } });
  assert.is(status.status, 200);
  assert.equal(JSON.parse(String(status.body)), { status: 'success', tracked: 2, invalid: 0 });
});

test('CORS: a POST that names its origin gets it back with credentials; GET and origin-less requests get none', () => {
  assert.equal(protocol.successHeaders({ method: 'POST', headers: request({ headersRecord: { Host: 'x', Origin: 'https://shop.example' } }).headers }), {
    'Access-Control-Allow-Origin': 'https://shop.example',
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  });
  assert.equal(protocol.successHeaders({ method: 'GET', headers: request({ headersRecord: { Host: 'x', Origin: 'https://shop.example' } }).headers }), {});
  assert.equal(protocol.successHeaders({ method: 'POST', headers: request().headers }), {});
});

test('pickParams: first value per key, a later layer wins, only wanted keys decoded', () => {
  const picked = pickParams(['a=1&b=2&b=3&c=%41', 'b=9&d'], new Set(['a', 'b', 'c', 'd', 'e']));
  assert.equal(Object.fromEntries(picked), { a: '1', b: '9', c: 'A', d: '' });
  assert.equal(Object.fromEntries(pickParams(['x%5Fy=1'], new Set(['x_y']))), { x_y: '1' }, 'encoded names are decoded');
});

test.run();
