import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HitDecodeError, decodeHit, decodeStoredHit, encodeHit, encodeHits, decodeHits, HIT_FRAME_ENVELOPE } from '../../src/hits/hit-codec.js';
import { lazyRequest, storedFrameItem, unreadRequestBytes, type Hit, type ParsedRequest } from '../../src/hits/hit.js';
import { parseLayers } from '../../src/receiver/querystring.js';
import { makeHit } from '../queue/helpers.js';

/** A request's fields as a plain object, whatever class holds them. */
function fieldsOf(r: ParsedRequest): Record<string, unknown> {
  return {
    ip: r.ip,
    host: r.host,
    serverReceivedTime: r.serverReceivedTime,
    queryParams: r.queryParams,
    paramLayers: r.paramLayers,
    body: r.body,
    path: r.path,
    method: r.method,
    headers: r.headers,
  };
}

function withoutRequest(hit: Hit): Omit<Hit, 'request'> {
  const { request: _request, ...rest } = hit;
  return rest;
}

function layeredHit(n: number): Hit {
  const hit = makeHit({ metadata: { protocol: 'ga4', isolated_session_stamp: 'ab'.repeat(32) } }, n);
  hit.request = lazyRequest(
    {
      ip: '198.51.100.4',
      host: 'collect.example',
      serverReceivedTime: 1_750_000_000_000 + n,
      body: new TextEncoder().encode('en=scroll'),
      path: '/g/collect',
      method: 'POST',
      headers: new Map([['User-Agent', ['Mozilla/5.0']], ['Accept-Language', ['pl, en;q=0.8']]]),
      paramLayers: ['v=2&tid=G-1&cid=1.2&dl=https%3A%2F%2Fexample.com%2F%C5%9B&en=page_view', 'en=scroll&epn.percent=90'],
    },
    parseLayers,
  );
  return hit;
}

test('a stored hit reads as decodeHit reads it: every field, its request once asked', () => {
  for (const hit of [makeHit({ userId: 'u-1', metadata: { protocol: 'ga4', note: 'żółw' } }), layeredHit(7)]) {
    const bytes = encodeHit(hit);
    const full = decodeHit(bytes);
    const stored = decodeStoredHit(bytes);
    assert.equal(withoutRequest(stored), withoutRequest(full));
    assert.is(stored.request.serverReceivedTime, full.request.serverReceivedTime);
    assert.is(stored.request.ip, full.request.ip);
    assert.equal(fieldsOf(stored.request), fieldsOf(full.request));
  }
});

test('the request past its time is read only when asked, and its bytes are copied while unread', () => {
  const hit = layeredHit(8);
  const bytes = encodeHit(hit);
  const stored = decodeStoredHit(bytes);
  // Address, host and time are read with the hit; closing sorts by the time without reading more.
  assert.is(stored.request.host, 'collect.example');
  const unread = unreadRequestBytes(stored.request);
  assert.ok(unread !== undefined, 'the rest is still unread');
  // Encoded again while unread, the hit is the same bytes (the rest copied as it was stored).
  assert.equal([...encodeHit(stored)], [...bytes]);
  assert.equal([...encodeHits([stored, decodeStoredHit(bytes)])], [...encodeHits([hit, hit])]);
  assert.equal(stored.request.path, '/g/collect');
  assert.is(unreadRequestBytes(stored.request), undefined, 'read once a field past the time was asked for');
  // Read, it is encoded from its fields: still the same bytes.
  assert.equal([...encodeHit(stored)], [...bytes]);
  assert.equal(fieldsOf(decodeHits(encodeHits([stored]))[0]!.request), fieldsOf(decodeHit(bytes).request));
});

test('a changed address or time is what gets encoded, with the stored rest', () => {
  const hit = layeredHit(9);
  const stored = decodeStoredHit(encodeHit(hit));
  stored.request.ip = '198.51.100.0';
  stored.request.serverReceivedTime += 1000;
  const again = decodeHit(encodeHit(stored));
  assert.is(again.request.ip, '198.51.100.0');
  assert.is(again.request.serverReceivedTime, hit.request.serverReceivedTime + 1000);
  assert.equal(again.request.paramLayers, hit.request.paramLayers);
  assert.equal(again.request.queryParams, hit.request.queryParams);
});

test('fields set on a stored request replace what was stored', () => {
  const stored = decodeStoredHit(encodeHit(layeredHit(10)));
  stored.request.path = '/mp/collect';
  stored.request.headers = new Map([['User-Agent', ['curl/8']]]);
  stored.request.queryParams = new Map([['en', ['purchase']]]);
  assert.is(stored.request.path, '/mp/collect');
  assert.equal(stored.request.queryParams.get('en'), ['purchase']);
  const again = decodeHit(encodeHit(stored));
  assert.is(again.request.path, '/mp/collect');
  assert.equal(again.request.headers.get('User-Agent'), ['curl/8']);
});

test('garbage after a stored hit\'s time fails when the request is read, with the decoding error', () => {
  const bytes = Buffer.from(encodeHit(layeredHit(11)));
  const full = decodeHit(bytes);
  // Overwrite the path's text with bytes that are no CBOR text head.
  const pathAt = bytes.indexOf(Buffer.from('/g/collect')) - 1;
  assert.ok(pathAt > 0);
  const broken = Buffer.from(bytes);
  broken.fill(0xff, pathAt, pathAt + 4);
  const stored = decodeStoredHit(broken);
  assert.is(stored.id, full.id);
  assert.is(stored.request.serverReceivedTime, full.request.serverReceivedTime);
  assert.throws(() => stored.request.path, (err: unknown) => err instanceof HitDecodeError);
  // Garbage in the head fails at once, as decodeHit does.
  assert.throws(() => decodeStoredHit(Buffer.from([0x82, 0x01, 0xff, 0x00])), (err: unknown) => err instanceof HitDecodeError);
  for (let cut = 3; cut < bytes.length; cut += 37) {
    let stored: Hit;
    try {
      stored = decodeStoredHit(bytes.subarray(0, cut));
    } catch (err) {
      assert.ok(err instanceof HitDecodeError, `cut at ${cut}: ${String(err)}`);
      continue;
    }
    // A cut inside the rest shows once the rest is read.
    assert.throws(() => stored.request.headers, (err: unknown) => err instanceof HitDecodeError, `cut at ${cut}`);
  }
});

test('a stored rest of a shape the fast reader leaves to cbor-x reads the same through cbor-x', () => {
  const hit = makeHit({}, 12);
  // A lone surrogate: the writer and cbor-x put it as three bytes that are not UTF-8.
  hit.request.path = '/g/\ud800collect';
  const bytes = encodeHit(hit);
  const stored = decodeStoredHit(bytes);
  assert.equal(fieldsOf(stored.request), fieldsOf(decodeHit(bytes).request));
});

test('a stored hit is written again from its frame, and a changed copy of it from its fields', () => {
  const hit = layeredHit(8);
  const bytes = encodeHit(hit);
  const stored = decodeStoredHit(bytes);
  // The frame's own item: the same bytes as a fresh encoding of the hits.
  assert.equal([...encodeHits([stored])], [...encodeHits([hit])]);
  // A copy shares the stored hit's request, but it is not the hit that frame was read for.
  const copy = { ...stored, metadata: { ...stored.metadata, marked_for_eviction: 'true' }, authoritativeClientId: 'owner' };
  const back = decodeHits(encodeHits([copy, stored]));
  assert.is(back[0]!.metadata['marked_for_eviction'], 'true');
  assert.is(back[0]!.authoritativeClientId, 'owner');
  assert.is(back[1]!.metadata['marked_for_eviction'], undefined);
  assert.is(back[1]!.authoritativeClientId, hit.authoritativeClientId);
});

test('hits read from a batch know the item bytes they were read from, until they change', () => {
  const hits = [layeredHit(21), layeredHit(22), layeredHit(23)];
  const batch = encodeHits(hits);
  const read = decodeHits(batch);
  // Each hit's item, and a frame made from it, are what encoding the hit gives.
  for (let i = 0; i < hits.length; i++) {
    const item = storedFrameItem(read[i]!);
    assert.ok(item !== undefined, `hit ${i} has its item`);
    assert.equal([...HIT_FRAME_ENVELOPE, ...item], [...encodeHit(hits[i]!)]);
  }
  // The items are the batch's own bytes, one after the other.
  assert.equal([...encodeHits(read)], [...batch]);
  // A copy is another hit (intake copies the hits it may change), and has no item.
  const copy = { ...read[0]!, metadata: { ...read[0]!.metadata, marked_for_eviction: 'true' } };
  assert.is(storedFrameItem(copy), undefined);
  assert.is(decodeHits(encodeHits([copy]))[0]!.metadata['marked_for_eviction'], 'true');
  assert.ok(storedFrameItem(read[0]!) !== undefined, 'the hit itself keeps its item');
});

test('a batch of hits with parameter lists (no raw layers) decodes without items, and encodes the same', () => {
  const hits = [makeHit({ metadata: { protocol: 'ga4' } }, 31), makeHit({ userId: 'u', metadata: { protocol: 'ga4' } }, 32)];
  const read = decodeHits(encodeHits(hits));
  assert.equal(read.map((h) => storedFrameItem(h)), [undefined, undefined]);
  assert.equal([...encodeHits(read)], [...encodeHits(hits)]);
});

test.run();
