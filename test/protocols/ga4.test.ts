import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DerivedHitIds } from '../../src/hits/hit-ids.js';
import { firstParam } from '../../src/hits/hit.js';
import { headersFromRecord } from '../../src/receiver/headers.js';
import { parseQueryString } from '../../src/receiver/querystring.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import { Ga4Protocol, bodyLines, mergeLine } from '../../protocols/ga4/protocol.js';
import { D8aProtocol } from '../../protocols/d8a/protocol.js';
import { ProtocolError, type TrackingRequest } from '../../protocols/protocol.js';
import { testProperty } from '../support/properties.js';

const context = { properties: new PropertyRegistry([testProperty()]), ids: new DerivedHitIds('t') };

function req(query: string, body: string | Buffer = '', key = 'k'): TrackingRequest {
  return {
    method: 'POST',
    path: '/g/collect',
    rawQuery: query,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers: headersFromRecord({ Host: 'example.com' }),
    ip: '192.0.2.1',
    host: 'example.com',
    serverReceivedTime: 1_700_000_000_000,
    key,
  };
}

// A gtag.js batch as browsers send it: shared params in the URL, one event per line.
const GTAG_URL =
  'v=2&tid=G-2VEWJC5YPE&gtm=45je5580h2v9219555710za200&_p=1758117262938&gcs=G111&gcd=13l3l3l3l1l1&npa=0&dma=0' +
  '&cid=1369988567.1756151735&ul=en-us&sr=1920x1080&uaa=x86&uab=64&uafvl=Chromium%3B140.0.7339.127' +
  '&_s=3&sid=1758117187&sct=4&seg=1&dl=https%3A%2F%2Fshop.example%2Fcart&dr=https%3A%2F%2Fwww.google.com%2F&dt=Cart&tfd=6137';
const GTAG_BODY = [
  'en=view_cart&_et=1201&ep.currency=EUR&epn.value=59.9&pr1=idSKU-1~nmT-shirt~pr19.95~qt2&pr2=idSKU-9~nmMug~pr19.99~qt1',
  'en=scroll&epn.percent_scrolled=90&_et=4300',
  'en=user_engagement&_et=7321',
].join('\n');

test('a real gtag batch: three hits sharing URL params and body', () => {
  const hits = new Ga4Protocol().hits(req(GTAG_URL, GTAG_BODY), context);
  assert.equal(hits.map((h) => h.eventName), ['view_cart', 'scroll', 'user_engagement']);
  for (const h of hits) {
    assert.is(h.clientId, '1369988567.1756151735');
    assert.is(firstParam(h.request.queryParams, 'dl'), 'https://shop.example/cart');
    assert.is(firstParam(h.request.queryParams, 'uafvl'), 'Chromium;140.0.7339.127');
    assert.is(Buffer.from(h.request.body).toString(), GTAG_BODY);
  }
  assert.is(firstParam(hits[0]!.request.queryParams, 'pr2'), 'idSKU-9~nmMug~pr19.99~qt1');
  assert.is(firstParam(hits[1]!.request.queryParams, 'epn.percent_scrolled'), '90');
  assert.is(firstParam(hits[2]!.request.queryParams, '_et'), '7321');
  assert.is(hits[1]!.request.queryParams.get('pr1'), undefined, 'line params do not leak into other lines');
});

test('hit ids are derived from the request key: same input, same ids', () => {
  const a = new Ga4Protocol().hits(req(GTAG_URL, GTAG_BODY, 'line-7'), context).map((h) => h.id);
  const b = new Ga4Protocol().hits(req(GTAG_URL, GTAG_BODY, 'line-7'), context).map((h) => h.id);
  const c = new Ga4Protocol().hits(req(GTAG_URL, GTAG_BODY, 'line-8'), context).map((h) => h.id);
  assert.equal(a, b);
  assert.is(new Set([...a, ...c]).size, 6);
});

test('merge: a key named by the line replaces every URL value of it; others are inherited', () => {
  const merged = mergeLine(parseQueryString('a=1&a=2&b=3'), parseQueryString('a=9&c=4'));
  assert.equal([...merged], [['b', ['3']], ['a', ['9']], ['c', ['4']]]);
});

test('body lines: trimmed, CRLF tolerated, blank lines skipped', () => {
  assert.equal(bodyLines(Buffer.from('\n\n a=1 \r\n\r\n\tb=2\n')), ['a=1', 'b=2']);
  assert.equal(bodyLines(Buffer.from('  \n ')), []);
});

test('empty uid becomes null; uid kept verbatim', () => {
  let [h] = new Ga4Protocol().hits(req('tid=G&cid=c&en=e&uid='), context);
  assert.is(h!.userId, null);
  [h] = new Ga4Protocol().hits(req('tid=G&cid=c&en=e&uid=%20U%201'), context);
  assert.is(h!.userId, ' U 1');
});

test('client id is used verbatim, without trimming or case folding', () => {
  const [h] = new Ga4Protocol().hits(req('tid=G&cid=%20Abc.1%20&en=e'), context);
  assert.is(h!.clientId, ' Abc.1 ');
});

test('a JSON body is read like a query string (and fails on missing params)', () => {
  assert.throws(() => new Ga4Protocol().hits(req('tid=G&cid=c', '{"en":"page_view"}'), context), (e: unknown) => e instanceof ProtocolError && /`en`/.test((e as Error).message));
});

test('the native protocol shares the parser under its own id and path', () => {
  const p = new D8aProtocol();
  assert.is(p.id, 'd8a');
  assert.equal(p.hitEndpoints(), [{ path: '/d/c', methods: ['GET', 'POST'] }]);
  assert.is(p.hits(req('tid=G&cid=c&en=e'), context).length, 1);
});

test('garbage bodies raise ProtocolError only', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 500; i++) {
    const bytes = Buffer.alloc(Math.floor(rnd() * 300));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rnd() * 256);
    try {
      new Ga4Protocol().hits(req('tid=G&cid=c&en=e', bytes), context);
    } catch (err) {
      assert.instance(err, ProtocolError);
    }
  }
});

test.run();
