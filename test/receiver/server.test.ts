import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Agent } from 'node:http';
import { firstParam } from '../../src/hits/hit.js';
import { isSealed } from '../../src/hits/sealed-headers.js';
import { StorageFullError } from '../../src/receiver/hit-storage.js';
import { send } from '../support/http.js';
import { testProperty } from '../support/properties.js';
import { startTestReceiver, type TestReceiver } from '../support/receiver.js';

let rx: TestReceiver;
const Q = '/g/collect?v=2&tid=G-TEST123&cid=client_123.456&en=page_view&uid=user_789';

test.before.each(async () => {
  rx = await startTestReceiver({ clock: () => Date.parse('2025-06-02T10:00:00.000Z') });
});
test.after.each(async () => {
  await rx.close();
});

test('GA4 GET: 204, empty body, one hit with the request captured', async () => {
  const r = await send(rx.port, 'GET', Q, { headers: { 'User-Agent': 'test-agent', 'sec-ch-ua': '"Chromium";v="122"' } });
  assert.is(r.status, 204);
  assert.is(r.body, '');
  assert.is(r.headers['access-control-allow-origin'], '*');
  const [hit] = rx.storage.hits;
  assert.ok(hit);
  assert.is(hit.clientId, 'client_123.456');
  assert.is(hit.authoritativeClientId, 'client_123.456');
  assert.is(hit.eventName, 'page_view');
  assert.is(hit.userId, 'user_789');
  assert.is(hit.propertyId, 'default');
  assert.is(hit.metadata['protocol'], 'ga4');
  assert.is(hit.request.ip, '127.0.0.1');
  assert.is(hit.request.method, 'GET');
  assert.is(hit.request.path, '/g/collect');
  assert.is(hit.request.host, `127.0.0.1:${rx.port}`);
  assert.is(hit.request.serverReceivedTime, Date.parse('2025-06-02T10:00:00.000Z'));
  assert.equal(hit.request.headers.get('User-Agent'), ['test-agent']);
  assert.equal(hit.request.headers.get('Sec-Ch-Ua'), ['"Chromium";v="122"']);
  assert.is(firstParam(hit.request.queryParams, 'tid'), 'G-TEST123');
  assert.match(hit.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a keep-alive connection repeating its headers shares one sealed header map from its second hit on', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const a = { 'User-Agent': 'agent-a' };
    const b = { 'User-Agent': 'agent-b' };
    for (const headers of [a, a, a, b, b]) assert.is((await send(rx.port, 'GET', Q, { headers, agent })).status, 204);
    const maps = rx.storage.hits.map((h) => h.request.headers);
    assert.equal(maps.map(isSealed), [false, true, true, false, true]);
    assert.ok(maps[1] === maps[2], 'the same map');
    assert.equal(maps[1], maps[0]);
    assert.equal(maps[4]!.get('User-Agent'), ['agent-b']);
  } finally {
    agent.destroy();
  }
});

test('multi-event POST: one hit per line, line params override URL params', async () => {
  const body = 'en=page_view&_et=3674\r\n\n  en=click&_et=799&dt=Test%20Page  \n';
  const r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c1&en=ignored&dt=Shop', { body });
  assert.is(r.status, 204);
  const hits = rx.storage.hits;
  assert.is(hits.length, 2);
  assert.is(hits[0]!.eventName, 'page_view');
  assert.is(firstParam(hits[0]!.request.queryParams, '_et'), '3674');
  assert.is(firstParam(hits[0]!.request.queryParams, 'dt'), 'Shop');
  assert.is(hits[1]!.eventName, 'click');
  assert.is(firstParam(hits[1]!.request.queryParams, 'dt'), 'Test Page');
  assert.is(Buffer.from(hits[1]!.request.body).toString(), body);
  assert.is(hits[0]!.request.serverReceivedTime, hits[1]!.request.serverReceivedTime);
  assert.is.not(hits[0]!.id, hits[1]!.id);
  assert.is(rx.storage.batches.length, 1, 'one push per request');
});

test('native protocol endpoint /d/c feeds a d8a property; a ga4 property refuses it', async () => {
  let r = await send(rx.port, 'GET', '/d/c?v=2&tid=X&cid=c&en=page_view');
  assert.is(r.status, 400);
  assert.is(r.body, 'property protocol ga4 does not match endpoint protocol d8a');
  await rx.close();
  rx = await startTestReceiver({ properties: [testProperty({ protocol: 'd8a' })] });
  r = await send(rx.port, 'GET', '/d/c?v=2&tid=X&cid=c&en=page_view');
  assert.is(r.status, 204);
  assert.is(rx.storage.hits[0]!.metadata['protocol'], 'd8a');
});

test('CORS: origin echoed with credentials on success; preflight echoes requested headers', async () => {
  let r = await send(rx.port, 'POST', Q, { headers: { Origin: 'https://shop.example' } });
  assert.is(r.status, 204);
  assert.is(r.headers['access-control-allow-origin'], 'https://shop.example');
  assert.is(r.headers['access-control-allow-credentials'], 'true');
  assert.is(r.headers['vary'], 'Origin');
  assert.is(r.headers['access-control-allow-methods'], 'POST, GET, OPTIONS');
  r = await send(rx.port, 'OPTIONS', '/g/collect', {
    headers: { Origin: 'https://example.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-requested-with' },
  });
  assert.is(r.status, 204);
  assert.is(r.headers['access-control-allow-origin'], 'https://example.test');
  assert.is(r.headers['access-control-allow-headers'], 'content-type,x-requested-with');
  assert.is(r.headers['access-control-max-age'], '86400');
  r = await send(rx.port, 'OPTIONS', '/g/collect');
  assert.is(r.headers['access-control-allow-origin'], '*');
  assert.is(r.headers['access-control-allow-headers'], 'Content-Type, X-Requested-With');
  assert.is(r.headers['access-control-allow-credentials'], undefined);
});

test('errors carry no CORS headers', async () => {
  const r = await send(rx.port, 'GET', '/g/collect?v=2&tid=G-1&en=page_view', { headers: { Origin: 'https://shop.example' } });
  assert.is(r.status, 400);
  assert.is(r.headers['access-control-allow-origin'], undefined);
  assert.is(r.headers['content-type'], 'text/plain; charset=utf-8');
});

test('missing cid, tid or en: 400 naming the parameter, nothing stored', async () => {
  for (const [q, name] of [
    ['v=2&tid=G-1&en=page_view', 'cid'],
    ['v=2&cid=c&en=page_view', 'tid'],
    ['v=2&tid=G-1&cid=c', 'en'],
    ['v=2&tid=G-1&cid=&en=page_view', 'cid'],
  ] as const) {
    const r = await send(rx.port, 'POST', `/g/collect?${q}`);
    assert.is(r.status, 400, q);
    assert.match(r.body, 'Bad Request');
    assert.match(r.body, `\`${name}\``);
  }
  const r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c', { body: 'en=page_view\n_et=5' });
  assert.is(r.status, 400);
  assert.match(r.body, 'body line 2');
  assert.is(rx.storage.hits.length, 0, 'all or nothing');
});

test('empty body on POST: a single hit from the URL', async () => {
  const r = await send(rx.port, 'POST', Q, { body: '   \n\r\n ' });
  assert.is(r.status, 204);
  assert.is(rx.storage.hits.length, 1);
});

test('oversize hit: 400 naming the limit', async () => {
  await rx.close();
  rx = await startTestReceiver({ maxHitKbytes: 1 });
  const r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c', { body: 'en=page_view&ep.big=' + 'x'.repeat(2000) });
  assert.is(r.status, 400);
  assert.match(r.body, 'max_hit_kbytes');
  assert.is(rx.storage.hits.length, 0);
});

test('invalid UTF-8 in the URL or the body: 400 naming where', async () => {
  let r = await send(rx.port, 'GET', Q + '&dt=%C3%28');
  assert.is(r.status, 400);
  assert.match(r.body, '`dt`');
  r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c', { body: Buffer.from([0x65, 0x6e, 0x3d, 0xff, 0xfe]) });
  assert.is(r.status, 400);
  assert.match(r.body, 'UTF-8');
});

test('invalid percent-escapes and ; in a body line are kept literally, not fatal', async () => {
  const r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c', { body: 'en=page_view&dt=100%25%20off%zz;x\nen=scroll' });
  assert.is(r.status, 204);
  assert.is(firstParam(rx.storage.hits[0]!.request.queryParams, 'dt'), '100% off%zz;x');
  assert.is(rx.storage.hits.length, 2);
});

test('1 MB of random bytes and 1 MB of random text: 4xx, server stays up', async () => {
  let r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c&en=x', { body: randomBytes(1 << 20) });
  assert.ok(r.status >= 400 && r.status < 500, String(r.status));
  const text = randomBytes(1 << 20).toString('base64').replace(/[+/]/g, '&');
  r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c&en=x', { body: text.replace(/(.{200})/g, '$1\n') });
  assert.ok(r.status >= 400 && r.status < 500, String(r.status));
  r = await send(rx.port, 'GET', Q);
  assert.is(r.status, 204);
});

test('a body over the server limit: 413', async () => {
  await rx.close();
  rx = await startTestReceiver({ maxBodyBytes: 1000 });
  const r = await send(rx.port, 'POST', '/g/collect?v=2&tid=G-1&cid=c', { body: 'en=page_view&x=' + 'y'.repeat(5000) });
  assert.is(r.status, 413);
  assert.match(r.body, '1000 bytes');
});

test('storage full: 503; storage failure: 500', async () => {
  rx.storage.failWith = new StorageFullError('spool limit');
  let r = await send(rx.port, 'GET', Q);
  assert.is(r.status, 503);
  rx.storage.failWith = new Error('disk on fire');
  r = await send(rx.port, 'GET', Q);
  assert.is(r.status, 500);
  assert.is(r.body, 'Internal Server Error');
});

test('router: 404, 405 with Allow, automatic OPTIONS, redirects keep the query', async () => {
  let r = await send(rx.port, 'GET', '/nope');
  assert.is(r.status, 404);
  assert.is(r.body, 'Not Found');
  r = await send(rx.port, 'PUT', '/g/collect');
  assert.is(r.status, 405);
  assert.is(r.headers['allow'], 'GET, OPTIONS, POST');
  r = await send(rx.port, 'HEAD', '/g/collect');
  assert.is(r.status, 405);
  r = await send(rx.port, 'OPTIONS', '/healthz');
  assert.is(r.status, 200);
  r = await send(rx.port, 'GET', '/g/collect/?v=2&tid=1');
  assert.is(r.status, 301);
  assert.is(r.headers['location'], '/g/collect?v=2&tid=1');
  r = await send(rx.port, 'POST', '/G/Collect?a=1');
  assert.is(r.status, 308);
  assert.is(r.headers['location'], '/g/collect?a=1');
  r = await send(rx.port, 'POST', '//g/collect');
  assert.is(r.status, 308);
});

test('health and readiness', async () => {
  let r = await send(rx.port, 'GET', '/healthz');
  assert.is(r.status, 200);
  assert.is(r.body, 'OK');
  r = await send(rx.port, 'HEAD', '/healthz');
  assert.is(r.status, 200);
  r = await send(rx.port, 'GET', '/readyz');
  assert.is(r.status, 200);
});

test('IP masking happens per property before storage', async () => {
  await rx.close();
  rx = await startTestReceiver({ properties: [testProperty({ ipMaskingLevel: 2, joinBySessionStamp: true })], trustedProxies: ['0.0.0.0/0', '::/0'] });
  await send(rx.port, 'GET', Q, { headers: { 'X-Real-IP': '192.168.100.123' } });
  await send(rx.port, 'GET', Q, { headers: { 'X-Real-IP': '1050:5678:9012:3456:789a:bcde:f012:3456' } });
  await send(rx.port, 'GET', Q, { headers: { 'X-Real-IP': 'not-an-ip' } });
  assert.equal(rx.storage.hits.map((h) => h.request.ip), ['192.168.0.0', '1050:5678::', 'not-an-ip']);
});

test('properties: tid routes to its property; unknown tid without a default is named', async () => {
  await rx.close();
  rx = await startTestReceiver({
    properties: [testProperty({ id: 'shop', measurementIds: ['G-SHOP'], isDefault: false }), testProperty({ id: 'blog', measurementIds: ['G-BLOG'], isDefault: false })],
  });
  await send(rx.port, 'GET', '/g/collect?tid=G-BLOG&cid=c&en=page_view');
  await send(rx.port, 'GET', '/g/collect?tid=G-SHOP&cid=c&en=page_view');
  assert.equal(rx.storage.hits.map((h) => h.propertyId), ['blog', 'shop']);
  const r = await send(rx.port, 'GET', '/g/collect?tid=G-OTHER&cid=c&en=page_view');
  assert.is(r.status, 400);
  assert.match(r.body, 'G-OTHER');
});

test('the web tracker is served at /d/wt.min.js with wildcard CORS, and its preflight answers 204', async () => {
  let r = await send(rx.port, 'GET', '/d/wt.min.js');
  assert.is(r.status, 200);
  assert.match(String(r.headers['content-type']), 'text/javascript');
  assert.is(r.headers['access-control-allow-origin'], '*');
  assert.match(r.body, '/d/c');
  assert.match(r.body, "send('page_view')");
  r = await send(rx.port, 'OPTIONS', '/d/wt.min.js');
  assert.is(r.status, 204);
  assert.is(r.headers['access-control-allow-origin'], '*');
  assert.is(r.headers['access-control-allow-credentials'], undefined);
  r = await send(rx.port, 'POST', '/d/wt.min.js');
  assert.is(r.status, 405);
});

test.run();
