import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstParam } from '../../src/hits/hit.js';
import { receiverProtocols } from '../../src/receiver/assemble.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { TRANSPARENT_GIF } from '../../protocols/matomo/responses.js';
import { MAX_BULK_ENTRIES } from '../../protocols/matomo/requests.js';
import { send } from '../support/http.js';
import { testProperty } from '../support/properties.js';
import { startTestReceiver, type TestReceiver } from '../support/receiver.js';
import { MATOMO_JS, nodeSdkBulk, PHP_SDK_BULK } from './matomo-shapes.js';

/** The receiver as `cairn server` assembles it, with Matomo's extra paths and answers. */
function start(opts: { properties?: PropertySettings[]; trackingEndpoints?: string[]; maxHitKbytes?: number } = {}): Promise<TestReceiver> {
  return startTestReceiver({
    properties: opts.properties ?? [testProperty({ protocol: 'matomo' })],
    protocols: receiverProtocols({ matomo: { trackingEndpoints: opts.trackingEndpoints ?? ['/matomo.php'] } }),
    ...(opts.maxHitKbytes === undefined ? {} : { maxHitKbytes: opts.maxHitKbytes }),
  });
}

const UA = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
const FORM = { ...UA, 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' };

test('GET on /matomo.php, /piwik.php and a configured path: 204, no CORS headers', async () => {
  const r = await start({ trackingEndpoints: ['/matomo.php', '/track'] });
  try {
    for (const path of ['/matomo.php', '/piwik.php', '/track']) {
      const a = await send(r.port, 'GET', `${path}?${MATOMO_JS.pageView}`, { headers: UA });
      assert.is(a.status, 204, path);
      assert.is(a.headers['access-control-allow-origin'], undefined);
    }
    assert.is(r.storage.hits.length, 3);
    assert.is((await send(r.port, 'GET', `/other.php?${MATOMO_JS.pageView}`, { headers: UA })).status, 404);
    const head = await send(r.port, 'HEAD', '/matomo.php', { headers: UA });
    assert.is(head.status, 405);
    assert.is(head.headers['allow'], 'GET, OPTIONS, POST');
    assert.is((await send(r.port, 'OPTIONS', '/piwik.php', { headers: UA })).status, 200);
  } finally {
    await r.close();
  }
});

test('send_image=1 answers the transparent GIF', async () => {
  const r = await start();
  try {
    const a = await send(r.port, 'GET', '/matomo.php?idsite=1&rec=1&_id=abc&send_image=1', { headers: UA });
    assert.is(a.status, 200);
    assert.is(a.headers['content-type'], 'image/gif');
    assert.is(Number(a.headers['content-length']), TRANSPARENT_GIF.length);
    assert.is(r.storage.hits.length, 1);
  } finally {
    await r.close();
  }
});

test('sendBeacon / XHR form POST with an Origin: parsed from the body, 204 with CORS for that origin', async () => {
  const r = await start();
  try {
    const a = await send(r.port, 'POST', '/matomo.php', { headers: { ...FORM, Origin: 'https://shop.example' }, body: MATOMO_JS.siteSearch });
    assert.is(a.status, 204);
    assert.is(a.headers['access-control-allow-origin'], 'https://shop.example');
    assert.is(a.headers['access-control-allow-credentials'], 'true');
    const [h] = r.storage.hits;
    assert.is(h?.eventName, 'site_search');
    assert.is(firstParam(h!.request.queryParams, 'search'), 'trail shoes');
    assert.is(h?.metadata['protocol'], 'matomo');
  } finally {
    await r.close();
  }
});

test('bulk from the PHP and Node SDKs: 204, or the JSON status when the client accepts JSON', async () => {
  const r = await start();
  try {
    assert.is((await send(r.port, 'POST', '/matomo.php', { headers: { ...UA, 'Content-Type': 'application/json' }, body: PHP_SDK_BULK })).status, 204);
    const a = await send(r.port, 'POST', '/piwik.php', { headers: { ...UA, Accept: 'application/json' }, body: nodeSdkBulk() });
    assert.is(a.status, 200);
    assert.match(String(a.headers['content-type']), /^application\/json/);
    assert.equal(JSON.parse(a.body), { status: 'success', tracked: 2, invalid: 0 });
    assert.is(r.storage.hits.length, 4);
  } finally {
    await r.close();
  }
});

test('bad input gets a clear 400 and stores nothing: not JSON, entry without idsite, unknown idsite', async () => {
  const r = await start({ properties: [testProperty({ id: 'shop', protocol: 'matomo', measurementIds: ['3'], isDefault: false })] });
  try {
    const json = { ...UA, 'Content-Type': 'application/json', Origin: 'https://shop.example' };
    let a = await send(r.port, 'POST', '/matomo.php', { headers: json, body: '{"requests": ["?idsite=3&_id=a"' });
    assert.is(a.status, 400);
    assert.match(a.body, /^Bad Request: the bulk request body is not valid JSON/);
    assert.is(a.headers['access-control-allow-origin'], undefined, 'error answers carry no CORS headers');
    a = await send(r.port, 'POST', '/matomo.php', { headers: json, body: '{"requests": ["?idsite=3&_id=a", "?_id=b&url=x"]}' });
    assert.is(a.status, 400);
    assert.match(a.body, /`idsite` is a required parameter.*requests\[1\]/);
    a = await send(r.port, 'GET', '/matomo.php?idsite=7&_id=a', { headers: UA });
    assert.is(a.status, 400);
    assert.match(a.body, /idsite.*"7"/);
    a = await send(r.port, 'GET', '/matomo.php?_id=a', { headers: UA });
    assert.is(a.status, 400);
    assert.match(a.body, /^Bad Request: `idsite` is a required parameter/);
    assert.is(r.storage.hits.length, 0);
  } finally {
    await r.close();
  }
});

test(`${MAX_BULK_ENTRIES} entries in one bulk request: all stored, each within the hit size limit`, async () => {
  // 64 KiB per hit: far below the body (over 1 MB), far above one entry.
  const r = await start({ maxHitKbytes: 64 });
  try {
    const requests = Array.from({ length: MAX_BULK_ENTRIES }, (_, i) => `?idsite=1&rec=1&_id=${(i % 97).toString(16).padStart(16, '0')}&url=https%3A%2F%2Fshop.example%2Fp%2F${i}&action_name=Product%20${i}`);
    const body = JSON.stringify({ requests });
    assert.ok(body.length > 64 * 1024);
    const a = await send(r.port, 'POST', '/matomo.php', { headers: { ...UA, Accept: 'application/json' }, body });
    assert.is(a.status, 200);
    assert.equal(JSON.parse(a.body), { status: 'success', tracked: MAX_BULK_ENTRIES, invalid: 0 });
    assert.is(r.storage.hits.length, MAX_BULK_ENTRIES);
    const tooMany = await send(r.port, 'POST', '/matomo.php', { headers: UA, body: JSON.stringify({ requests: [...requests, requests[0]] }) });
    assert.is(tooMany.status, 400);
    assert.match(tooMany.body, /at most 10000/);
    assert.is(r.storage.hits.length, MAX_BULK_ENTRIES);
  } finally {
    await r.close();
  }
});

test('GA4 and native endpoints are still served next to Matomo', async () => {
  const r = await start({ properties: [testProperty({ protocol: 'ga4' })] });
  try {
    assert.is((await send(r.port, 'GET', '/g/collect?v=2&tid=G-1&cid=1.2&en=page_view', { headers: UA })).status, 204);
    const mismatch = await send(r.port, 'GET', '/matomo.php?idsite=1&_id=a', { headers: UA });
    assert.is(mismatch.status, 400);
    assert.is(mismatch.body, 'property protocol ga4 does not match endpoint protocol matomo');
  } finally {
    await r.close();
  }
});

test.run();
