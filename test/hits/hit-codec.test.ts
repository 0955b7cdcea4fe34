import { randomBytes } from 'node:crypto';
import { Encoder } from 'cbor-x';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EncodedHits, HitDecodeError, HIT_FORMAT_VERSION, assembleHits, batchEnvelope, decodeHit, decodeHitItems, decodeHits, decodeHitsGeneric, encodeHit, encodeHitItem, encodeHitItemGeneric, encodeHits } from '../../src/hits/hit-codec.js';
import type { Hit } from '../../src/hits/hit.js';
import { isSealed, keptEncoding, sealHeaders } from '../../src/hits/sealed-headers.js';
import { makeHit } from '../queue/helpers.js';
import { seededInts } from '../support/random.js';

const plainCbor = new Encoder({ useRecords: false, tagUint8Array: false });

function assertSameHit(actual: Hit, expected: Hit): void {
  assert.equal(actual, expected);
  assert.ok(Object.getPrototypeOf(actual.metadata) === Object.prototype, 'metadata keeps the plain object prototype');
}

test('a hit round-trips, unicode included', () => {
  const hit = makeHit({
    eventName: 'ścieżka_✓',
    userId: 'użytkownik-😀',
    metadata: { protocol: 'ga4', note: '日本語' },
  });
  hit.request.queryParams = new Map([
    ['dl', ['https://example.com/ß?x=☃']],
    ['ep.名前', ['値']],
  ]);
  hit.request.body = new TextEncoder().encode('en=page_view\nen=scroll 🚀');
  assertSameHit(decodeHit(encodeHit(hit)), hit);
});

test('an empty body, empty maps and a null user id round-trip', () => {
  const hit = makeHit({ userId: null, metadata: {} });
  hit.request.queryParams = new Map();
  hit.request.headers = new Map();
  hit.request.body = new Uint8Array(0);
  const back = decodeHit(encodeHit(hit));
  assertSameHit(back, hit);
  assert.is(back.request.body.byteLength, 0);
});

test('repeated values, key order and empty value lists survive', () => {
  const hit = makeHit();
  hit.request.queryParams = new Map([
    ['z', ['1', '2', '1']],
    ['a', []],
    ['m', ['', 'x']],
  ]);
  hit.request.headers = new Map([
    ['X-Forwarded-For', ['1.1.1.1', '2.2.2.2']],
    ['Accept', ['*/*']],
  ]);
  const back = decodeHit(encodeHit(hit));
  assert.equal([...back.request.queryParams.entries()], [
    ['z', ['1', '2', '1']],
    ['a', []],
    ['m', ['', 'x']],
  ]);
  assert.equal([...back.request.headers.keys()], ['X-Forwarded-For', 'Accept']);
});

test('__proto__ and constructor keys are stored as data, not as prototypes', () => {
  const metadata: Record<string, string> = {};
  Object.defineProperty(metadata, '__proto__', { value: 'polluted?', enumerable: true, writable: true, configurable: true });
  metadata['constructor'] = 'c';
  metadata['toString'] = 't';
  const hit = makeHit({ metadata });
  hit.request.queryParams = new Map([
    ['__proto__', ['x']],
    ['constructor', ['y']],
  ]);
  hit.request.headers = new Map([['__proto__', ['h']]]);
  const back = decodeHit(encodeHit(hit));
  assert.ok(Object.getPrototypeOf(back.metadata) === Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(back.metadata, '__proto__'));
  assert.is(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value, 'polluted?');
  assert.is(back.metadata['constructor'], 'c');
  assert.is(back.metadata['toString'], 't');
  assert.equal(Object.keys(back.metadata).sort(), ['__proto__', 'constructor', 'toString']);
  assert.equal(back.request.queryParams.get('__proto__'), ['x']);
  assert.equal(back.request.queryParams.get('constructor'), ['y']);
  assert.equal(back.request.headers.get('__proto__'), ['h']);
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
});

test('encoding is deterministic: same hit, same bytes; metadata order does not matter', () => {
  const a = makeHit({ metadata: { b: '2', a: '1' } }, 7);
  const b = makeHit({ metadata: { a: '1', b: '2' } }, 7);
  assert.equal(Buffer.from(encodeHit(a)), Buffer.from(encodeHit(a)));
  assert.equal(Buffer.from(encodeHit(a)), Buffer.from(encodeHit(b)));
  assert.equal(Buffer.from(encodeHits([a, b])), Buffer.from(encodeHits([b, a])));
});

test('batches round-trip, empty batches too', () => {
  const hits = [makeHit(), makeHit({ userId: 'u1' }), makeHit()];
  hits[1]!.request.body = new Uint8Array([0, 255, 1, 2]);
  assert.equal(decodeHits(encodeHits(hits)), hits);
  assert.equal(decodeHits(encodeHits([])), []);
});

test('decoded bodies are plain, independent Uint8Arrays', () => {
  const hit = makeHit();
  hit.request.body = new Uint8Array([1, 2, 3]);
  const bytes = encodeHit(hit);
  const back = decodeHit(bytes);
  assert.is(back.request.body.constructor, Uint8Array);
  bytes.fill(0);
  assert.equal([...back.request.body], [1, 2, 3]);
});

test('random bytes give a HitDecodeError', () => {
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(1 + (i % 64));
    assert.throws(() => decodeHits(junk), (e: unknown) => e instanceof HitDecodeError && /invalid hit encoding/.test(e.message));
    assert.throws(() => decodeHit(junk), (e: unknown) => e instanceof HitDecodeError);
  }
});

test('every truncation of a valid encoding gives a HitDecodeError', () => {
  const bytes = encodeHits([makeHit(), makeHit({ userId: 'x' })]);
  for (let n = 0; n < bytes.byteLength; n++) {
    assert.throws(() => decodeHits(bytes.subarray(0, n)), (e: unknown) => e instanceof HitDecodeError, `prefix of ${n} bytes`);
  }
});

test('a wrong version, a wrong frame kind or a wrong shape is named in the error', () => {
  const wire = plainCbor.encode([HIT_FORMAT_VERSION + 1, []]);
  assert.throws(() => decodeHits(wire), new RegExp(`unsupported format version ${HIT_FORMAT_VERSION + 1}`));
  assert.throws(() => decodeHits(encodeHit(makeHit())), /single-hit frame/);
  assert.throws(() => decodeHit(encodeHits([makeHit()])), /looks like a batch/);
  assert.throws(() => decodeHits(plainCbor.encode({ hits: [] })), /envelope: expected an array, got map/);
  assert.throws(() => decodeHits(new Uint8Array(0)), /input: empty/);
  // A hit whose query params are an odd-length list.
  const good = encodeHit(makeHit());
  const parsed = (new Encoder({ useRecords: false, mapsAsObjects: false }).decode(good) as unknown[])[1] as unknown[];
  parsed[10] = ['only-a-key'];
  assert.throws(() => decodeHit(plainCbor.encode([HIT_FORMAT_VERSION, parsed])), /queryParams: odd number/);
  parsed[10] = ['k', ['1'], 'k', ['2']];
  assert.throws(() => decodeHit(plainCbor.encode([HIT_FORMAT_VERSION, parsed])), /appears twice/);
  parsed[10] = [];
  parsed[9] = 'yesterday';
  assert.throws(() => decodeHit(plainCbor.encode([HIT_FORMAT_VERSION, parsed])), /serverReceivedTime: expected a finite number, got string/);
});

test('hit-time precision: fractional and large millisecond values survive', () => {
  const hit = makeHit();
  hit.request.serverReceivedTime = 1_700_000_000_123.456;
  assert.is(decodeHit(encodeHit(hit)).request.serverReceivedTime, 1_700_000_000_123.456);
});

test('parameter layers are stored instead of the parameters and parsed back identically', async () => {
  const { parseQueryString, mergeParams } = await import('../../src/receiver/querystring.js');
  const layers = ['v=2&tid=G-1&cid=c&en=ignored&dl=https%3A%2F%2Fx.example%2F%3Fa%3D1&k=1&k=2', 'en=click&_et=5&dt=%C5%BC%C3%B3%C5%82w&k=3'];
  const params = mergeParams(layers.map((l) => parseQueryString(l)));
  const base = makeHit();
  const hit = { ...base, request: { ...base.request, queryParams: params, paramLayers: layers } };
  const bytes = encodeHit(hit);
  const back = decodeHit(bytes);
  assert.equal([...back.request.queryParams], [...params]);
  assert.equal(back.request.paramLayers, layers);
  assert.ok(bytes.byteLength < encodeHit({ ...hit, request: { ...hit.request, paramLayers: undefined } }).byteLength + 200);
  assert.equal([...params.keys()], ['v', 'tid', 'cid', 'dl', 'en', '_et', 'dt', 'k']);
  assert.equal(params.get('k'), ['3']);
});

test('hits decoded from storage are written again from their stored bytes, identical to a fresh encoding', () => {
  const hits = [makeHit({ userId: 'u1' }), makeHit({ metadata: { protocol: 'ga4', isolated_client_id: 'abc' } })];
  const decoded = hits.map((h) => decodeHit(encodeHit(h)));
  const reused = encodeHits(decoded);
  assert.equal(Buffer.from(reused), Buffer.from(encodeHits(hits)));
  assert.equal(decodeHits(reused).map((h) => h.id), hits.map((h) => h.id));
  // A changed copy is a new object: encoded from its fields, with the change.
  const copy = { ...decoded[0]!, metadata: { ...decoded[0]!.metadata, marked_for_eviction: 'true' } };
  assert.is(decodeHits(encodeHits([copy, decoded[1]!]))[0]!.metadata['marked_for_eviction'], 'true');
});

test('a malformed parameter layer is a decode error, not a failure when a column reads it', () => {
  const base = makeHit();
  const bytes = encodeHit({ ...base, request: { ...base.request, paramLayers: ['a=%ff%fe'] } });
  assert.throws(() => decodeHit(bytes), (err: unknown) => err instanceof HitDecodeError && /paramLayers\[0\]/.test((err as Error).message));
});

test('the hit writer gives exactly the bytes cbor-x gives, whatever the strings, numbers and bodies', () => {
  const rnd = seededInts(11);
  const units = ['a', 'Z', '0', '%', '\u00e9', '\u07ff', '\u0800', '\u65e5', '\ud83d\ude00', '\ud800', '\udc00', '\uffff', '\u0000', '\u007f', '\u0080'];
  const lengths = [0, 1, 22, 23, 24, 25, 31, 32, 33, 63, 64, 65, 84, 85, 255, 256, 257, 1000, 21845, 21846, 65535, 65536, 70000];
  const str = (): string => {
    const n = lengths[rnd(lengths.length)]!;
    let s = '';
    const ascii = rnd(3) === 0;
    while (s.length < n) s += ascii ? 'x' : units[rnd(units.length)];
    return s.slice(0, n);
  };
  const numbers = [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, -24, -25, -256, -257, -65536, -65537, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), -(2 ** 32) - 1, 1.5, -0, NaN, Infinity, 1_700_000_000_123, 1_700_000_000_123.456];
  for (let i = 0; i < 300; i++) {
    const hit = makeHit({ id: str(), clientId: str(), userId: rnd(2) === 0 ? null : str(), metadata: rnd(2) === 0 ? {} : { protocol: str(), [str()]: str(), b: 'x' } });
    hit.request.ip = str();
    hit.request.serverReceivedTime = numbers[rnd(numbers.length)]!;
    hit.request.headers = new Map(Array.from({ length: rnd(6) }, (_, j) => [`${str()}-${j}`, Array.from({ length: rnd(3) }, str)]));
    hit.request.queryParams = new Map(Array.from({ length: rnd(6) }, (_, j) => [`${str()}-${j}`, Array.from({ length: rnd(3) }, str)]));
    const body = randomBytes(lengths[rnd(lengths.length)]!);
    hit.request.body = rnd(2) === 0 ? body : new Uint8Array(body);
    if (rnd(2) === 0) hit.request.paramLayers = Array.from({ length: rnd(3) }, str);
    const expected = Buffer.from(encodeHitItemGeneric(hit));
    assert.ok(Buffer.from(encodeHitItem(hit)).equals(expected), `hit ${i}`);
    assert.ok(Buffer.from(encodeHit(hit)).equals(Buffer.concat([Buffer.from([0x82, HIT_FORMAT_VERSION]), expected])), `frame ${i}`);
  }
});

test('values the hit writer does not handle fall back to cbor-x', () => {
  const hit = makeHit();
  (hit.request as { body: unknown }).body = new Uint16Array([1, 2]);
  assert.ok(Buffer.from(encodeHitItem(hit)).equals(Buffer.from(encodeHitItemGeneric(hit))));
  const odd = makeHit();
  (odd as { userId: unknown }).userId = 42;
  assert.ok(Buffer.from(encodeHitItem(odd)).equals(Buffer.from(encodeHitItemGeneric(odd))));
  // The writer is still in a clean state afterwards.
  const plain = makeHit();
  assert.ok(Buffer.from(encodeHitItem(plain)).equals(Buffer.from(encodeHitItemGeneric(plain))));
});

test('hits appended as runs give the same items and batch bytes as items encoded one by one', () => {
  const hits = Array.from({ length: 3000 }, (_, i) => {
    const h = makeHit();
    if (i % 500 === 7) (h.request as { body: unknown }).body = new Uint16Array([i]); // written by cbor-x
    if (i % 300 === 1) h.request.headers = new Map([['X-Big', ['x'.repeat(20_000 + i)]]]);
    return h;
  });
  const encoded = new EncodedHits();
  for (const h of hits.slice(0, 2000)) encoded.append(h);
  const later = new EncodedHits();
  for (const h of hits.slice(2000)) later.append(h);
  const all = encoded.concat(later);
  assert.is(all.length, 3000);
  const expected = hits.map((h) => Buffer.from(encodeHitItemGeneric(h)));
  const items = all.items();
  assert.is(items.length, 3000);
  items.forEach((item, i) => assert.ok(Buffer.from(item).equals(expected[i]!), `item ${i}`));
  const batch = Buffer.concat([batchEnvelope(all.length), ...all.pieces()]);
  assert.ok(batch.equals(Buffer.from(encodeHits(hits))));
  assert.ok(Buffer.from(assembleHits(items)).equals(batch));
  assert.ok(all.pieces().length < 100, 'a few runs, not one piece per item');
});

test('a batch read only through transient pieces gives its memory to the next batch; one whose items went out keeps it', () => {
  const hits = (n: number, tag: string): Hit[] => Array.from({ length: n }, (_, i) => makeHit({ id: `${tag}-${i}` }));
  const bufferOf = (e: EncodedHits): ArrayBufferLike => e.transientPieces()[0]!.buffer;

  const first = new EncodedHits();
  for (const h of hits(50, 'a')) first.append(h);
  const firstMemory = bufferOf(first);
  first.recycle();
  assert.is(first.length, 0, 'a recycled list is empty');
  const second = new EncodedHits();
  const secondHits = hits(50, 'b');
  for (const h of secondHits) second.append(h);
  assert.is(bufferOf(second), firstMemory, 'the slab is reused');
  assert.equal(decodeHitItems(second.items()).map((h) => h.id), secondHits.map((h) => h.id));

  // `second` handed out its items: recycling it must leave them as they are.
  const kept = second.items().map((item) => Buffer.from(item));
  const views = second.items();
  second.recycle();
  const third = new EncodedHits();
  for (const h of hits(50, 'c')) third.append(h);
  assert.is.not(bufferOf(third), views[0]!.buffer, 'memory with views out is not reused');
  views.forEach((v, i) => assert.ok(Buffer.from(v).equals(kept[i]!), `item ${i} unchanged`));
});

test('the hit reader gives exactly the hits cbor-x gives, whatever the strings, numbers and bodies', () => {
  const rnd = seededInts(29);
  const units = ['a', 'Z', '0', '%', '+', '\u00e9', '\u07ff', '\u0800', '\u65e5', '\ud83d\ude00', '\uffff', '\u0000', '\u007f', '\u0080'];
  const lengths = [0, 1, 15, 16, 17, 23, 24, 63, 64, 255, 256, 1000, 70000];
  const str = (): string => {
    const n = lengths[rnd(lengths.length)]!;
    let s = '';
    const ascii = rnd(2) === 0;
    while (s.length < n) s += ascii ? 'x' : units[rnd(units.length)];
    // Now and then a lone surrogate, which the writer and cbor-x put as three bytes.
    return rnd(400) === 0 ? s.slice(0, n) + (rnd(2) === 0 ? '\ud800' : '\udc00') : s.slice(0, n);
  };
  const numbers = [0, 23, 24, 65536, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 32) - 1, 1.5, -0, 1_700_000_000_123, 1_700_000_000_123.456];
  const headerSets = [new Map([['User-Agent', ['ua']]]), new Map([['User-Agent', ['ua']], ['Accept', ['a', 'b']]]), new Map<string, string[]>()];
  const hits = Array.from({ length: 200 }, () => {
    const hit = makeHit({ id: str(), clientId: str(), userId: rnd(2) === 0 ? null : str(), metadata: rnd(2) === 0 ? {} : { protocol: str(), [`k${str()}`]: str() } });
    hit.request.ip = str();
    hit.request.serverReceivedTime = numbers[rnd(numbers.length)]!;
    hit.request.headers = rnd(3) === 0 ? new Map([[`${str()}-h`, [str()]]]) : headerSets[rnd(headerSets.length)]!;
    hit.request.queryParams = new Map(Array.from({ length: rnd(4) }, (_, j) => [`${str()}-${j}`, Array.from({ length: rnd(3) }, str)]));
    hit.request.body = rnd(2) === 0 ? new Uint8Array(0) : randomBytes(rnd(300));
    if (rnd(2) === 0) hit.request.paramLayers = Array.from({ length: 1 + rnd(2) }, () => `a=${rnd(100)}&b=%C3%A9&c=${str().length}`);
    return hit;
  });
  let readDirectly = 0;
  for (let i = 0; i < hits.length; i += 5) {
    const bytes = encodeHits(hits.slice(i, i + 5));
    const read = decodeHits(bytes);
    assert.equal(read, decodeHitsGeneric(bytes), `hits ${i}…`);
    // Only the dedicated reader seals the maps it reads; a batch it leaves to cbor-x has plain ones.
    if (isSealed(read[0]!.request.headers)) readDirectly++;
  }
  assert.ok(readDirectly >= 10, `${readDirectly} of 40 batches read by the dedicated reader`);
  for (const h of hits.slice(0, 40)) assert.equal(decodeHit(encodeHit(h)), decodeHitsGeneric(encodeHits([h]))[0]);
});

test('short texts read again come back right, however many different ones share the reader\'s memory of them', () => {
  const rnd = seededInts(5);
  // Many more different texts than the reader remembers, of every length it remembers, from a
  // small alphabet so that texts of one length differ in a byte or two.
  const texts = Array.from({ length: 6000 }, () => {
    const n = rnd(66);
    let t = '';
    while (t.length < n) t += 'ab-'[rnd(3)];
    return t;
  });
  const hitOf = (i: number): Hit => makeHit({ id: texts[i]!, clientId: texts[(i * 7) % texts.length]!, metadata: { [texts[(i * 13) % texts.length]! + 'k']: texts[(i * 17) % texts.length]! } });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < texts.length; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => hitOf((i + j * (round + 1)) % texts.length));
      const read = decodeHits(encodeHits(batch));
      for (let j = 0; j < batch.length; j++) {
        assert.is(read[j]!.id, batch[j]!.id);
        assert.is(read[j]!.clientId, batch[j]!.clientId);
        assert.equal(read[j]!.metadata, batch[j]!.metadata);
      }
    }
  }
});

test('hits read with the same headers share one sealed map', () => {
  const a = makeHit({ id: 'a' });
  a.request.headers = new Map([['User-Agent', ['ua-1']], ['Accept-Language', ['en']]]);
  const b = makeHit({ id: 'b' });
  b.request.headers = new Map([['User-Agent', ['ua-1']], ['Accept-Language', ['en']]]);
  const c = makeHit({ id: 'c' });
  c.request.headers = new Map([['User-Agent', ['ua-2']]]);
  const [ra, rb, rc] = decodeHits(encodeHits([a, b, c]));
  assert.ok(ra!.request.headers === rb!.request.headers, 'the same map');
  assert.ok(ra!.request.headers !== rc!.request.headers);
  assert.equal(rc!.request.headers, c.request.headers);
  assert.throws(() => ra!.request.headers.set('X', ['y']), /sealed header map/);
  assert.throws(() => ra!.request.headers.get('User-Agent')!.push('z'));
  // Written again (a session spooled), the shared map's bytes are copied and come out the same.
  assert.ok(Buffer.from(encodeHitItem(rb!)).equals(Buffer.from(encodeHitItemGeneric(b))));
});

test('heads not in their shortest form are left to cbor-x, which reads them the same', () => {
  const item = Buffer.from(encodeHitItem(makeHit({ id: 'long-form' })));
  // [2, [item]] with the one-element list head written as 0x98 0x01 instead of 0x81.
  const longForm = Buffer.concat([Buffer.from([0x82, HIT_FORMAT_VERSION, 0x98, 0x01]), item]);
  const read = decodeHits(longForm);
  assert.equal(read, decodeHitsGeneric(longForm));
  assert.is(read[0]!.id, 'long-form');
  assert.not.ok(isSealed(read[0]!.request.headers), 'read by cbor-x');
});

test('every truncation of a batch is a decode error, never another failure', () => {
  const hits = [makeHit({ id: 'x' }), makeHit({ id: 'y', userId: 'u' })];
  hits[1]!.request.paramLayers = ['en=page_view&dl=https%3A%2F%2Fa.example%2F'];
  const bytes = Buffer.from(encodeHits(hits));
  for (let n = 0; n < bytes.length; n++) {
    try {
      decodeHits(bytes.subarray(0, n));
      assert.unreachable(`a prefix of ${n} bytes decoded`);
    } catch (err) {
      assert.instance(err, HitDecodeError, `prefix of ${n} bytes`);
    }
  }
});

test('a sealed header map is written once and copied after, and cannot be changed', () => {
  const sealed = sealHeaders(new Map([['User-Agent', ['ua']], ['Origin', ['https://a.example']]]));
  const hits = Array.from({ length: 3 }, () => makeHit());
  for (const h of hits) h.request.headers = sealed;
  const same = (h: Hit): boolean => Buffer.from(encodeHitItem(h)).equals(Buffer.from(encodeHitItemGeneric(h)));
  assert.ok(same(hits[0]!));
  assert.ok(keptEncoding(sealed) !== undefined, 'the encoding is kept');
  assert.ok(same(hits[1]!), 'copied');
  assert.throws(() => sealed.set('Accept', ['*/*']), /sealed header map/);
  assert.throws(() => sealed.delete('Origin'), /sealed header map/);
  assert.throws(() => sealed.clear(), /sealed header map/);
  assert.throws(() => sealed.get('Origin')!.push('https://b.example'));
  assert.equal([...sealed.entries()], [['User-Agent', ['ua']], ['Origin', ['https://a.example']]]);
  // An item backed out after its headers (cbor-x writes it) leaves the kept bytes intact.
  const odd = makeHit();
  odd.request.headers = sealed;
  odd.request.paramLayers = [7 as unknown as string];
  assert.ok(same(odd));
  hits[2]!.id = 'a longer id, so that this item lies differently from the one backed out';
  assert.ok(same(hits[2]!), 'after a backed-out item');
});

test('an ordinary header map is written anew each time, so changes in place show', () => {
  const headers = new Map([['User-Agent', ['ua']], ['Origin', ['https://a.example']]]);
  const hit = makeHit();
  hit.request.headers = headers;
  const same = (h: Hit): boolean => Buffer.from(encodeHitItem(h)).equals(Buffer.from(encodeHitItemGeneric(h)));
  assert.ok(same(hit));
  headers.get('Origin')!.push('https://b.example');
  assert.ok(same(hit), 'a value added');
  headers.set('Accept', ['*/*']);
  assert.ok(same(hit), 'a key added');
});

test('metadata of many keys is written in the same key order as cbor-x gives it', () => {
  const rnd = seededInts(5);
  const pieces = ['a', 'B', 'z', '_', '0', '9', '10', '\u00e9', '\u65e5', '\ud83d\ude00', '\uffff', 'isolated_', 'protocol'];
  for (let i = 0; i < 200; i++) {
    const metadata: Record<string, string> = {};
    const count = rnd(13);
    for (let k = 0; k < count; k++) {
      let key = '';
      for (let p = 1 + rnd(3); p > 0; p--) key += pieces[rnd(pieces.length)];
      metadata[key] = pieces[rnd(pieces.length)]!;
    }
    const hit = makeHit({ metadata });
    assert.ok(Buffer.from(encodeHitItem(hit)).equals(Buffer.from(encodeHitItemGeneric(hit))), `metadata ${JSON.stringify(Object.keys(metadata))}`);
    assert.equal(decodeHit(encodeHit(hit)).metadata, metadata);
  }
});

test('hits read with the same metadata get equal objects of their own, in the same key order', () => {
  const stamp = 'ab'.repeat(32);
  const md = { protocol: 'ga4', isolated_session_stamp: stamp, isolated_client_id: 'cd'.repeat(32) };
  const hits = [makeHit({ id: 'a', metadata: { ...md } }), makeHit({ id: 'b', metadata: { ...md } }), makeHit({ id: 'c', metadata: { ...md, protocol: 'd8a' } }), makeHit({ id: 'd', metadata: { ...md } })];
  const read = decodeHits(encodeHits(hits));
  const generic = decodeHitsGeneric(encodeHits(hits));
  read.forEach((hit, i) => {
    assert.equal(hit.metadata, generic[i]!.metadata);
    assert.equal(Object.keys(hit.metadata), Object.keys(generic[i]!.metadata));
  });
  assert.is(read[2]!.metadata['protocol'], 'd8a');
  // Columns and the splitter write to a hit's metadata: one hit's change stays its own.
  read[0]!.metadata['split_cause'] = 'x';
  read[1]!.metadata['protocol'] = 'changed';
  assert.is(read[3]!.metadata['split_cause'], undefined);
  assert.is(read[3]!.metadata['protocol'], 'ga4');
  const again = decodeHits(encodeHits(hits));
  assert.equal(again[0]!.metadata, md);
  assert.is(again[0]!.metadata['split_cause'], undefined);
});

test.run();
