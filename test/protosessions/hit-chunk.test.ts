import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeHitChunk, HitChunkError, readHitChunk, type ChunkHit } from '../../src/protosessions/hit-chunk.js';
import type { IdentifierKey } from '../../src/protosessions/store.js';
import { version1Chunk } from './helpers.js';
import { encodeHit } from '../../src/hits/hit-codec.js';
import { makeHit } from '../queue/helpers.js';
import { seededRandom } from '../support/random.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function readAll(chunk: Uint8Array): ChunkHit[] {
  const out: ChunkHit[] = [];
  readHitChunk(chunk, (hitId, receivedMs, payload) => out.push({ hitId, receivedMs, payload: Uint8Array.from(payload) }));
  return out;
}

test('hits come back in the order stored, with their ids, times and bytes', () => {
  const hits: ChunkHit[] = [
    { hitId: 'h-1', receivedMs: 1_750_000_000_123, payload: bytes('first') },
    { hitId: '', receivedMs: -0.5, payload: bytes('x') },
    { hitId: 'ünïcødé-ид-😀', receivedMs: 1e15, payload: new Uint8Array(70_000).fill(7) },
  ];
  assert.equal(readAll(encodeHitChunk(hits)), hits.map((h) => ({ ...h, payload: Uint8Array.from(h.payload) })));
});

test('a time that is not finite is refused when writing', () => {
  assert.throws(() => encodeHitChunk([{ hitId: 'h', receivedMs: Number.NaN, payload: bytes('x') }]), /finite/);
});

const SESSION: IdentifierKey = { type: 'session_stamp', stamp: 'ab'.repeat(32) };
const USER: IdentifierKey = { type: 'user_id', stamp: '0f'.repeat(32) };

function readIdentifiers(chunk: Uint8Array): IdentifierKey[] {
  const out: IdentifierKey[] = [];
  readHitChunk(chunk, () => undefined, (key) => out.push(key));
  return out;
}

test('identifiers stored with the hits come back before them, in order; chunks of earlier builds (version 1) still read', () => {
  const hits: ChunkHit[] = [
    { hitId: 'a', receivedMs: 1, payload: bytes('one') },
    { hitId: 'b', receivedMs: 2, payload: bytes('two') },
  ];
  const chunk = encodeHitChunk(hits, [SESSION, USER, { type: 'ga_session', stamp: '12'.repeat(32) }]);
  assert.equal(readIdentifiers(chunk), [SESSION, USER, { type: 'ga_session', stamp: '12'.repeat(32) }]);
  assert.equal(readAll(chunk).map((h) => h.hitId), ['a', 'b']);
  const order: string[] = [];
  readHitChunk(chunk, (id) => order.push(id), (key) => order.push(key.type));
  assert.equal(order, ['session_stamp', 'user_id', 'ga_session', 'a', 'b']);
  const old = version1Chunk(hits);
  assert.equal(readAll(old), readAll(chunk));
  assert.equal(readIdentifiers(old), []);
  assert.throws(() => encodeHitChunk(hits, [{ type: 'session_stamp', stamp: 'AB'.repeat(32) }]), /64 lowercase hex/);
});

test('garbage: every truncation and a wrong version are errors naming the damage, after the hits before it', () => {
  const chunk = encodeHitChunk(
    [
      { hitId: 'a', receivedMs: 1, payload: bytes('one') },
      { hitId: 'b', receivedMs: 2, payload: bytes('two') },
    ],
    [SESSION],
  );
  const hitsAt = 1 + 4 + 33;
  const firstEnd = hitsAt + 16 + 1 + 3;
  for (let n = 0; n < chunk.byteLength; n++) {
    if (n === hitsAt || n === firstEnd) continue; // whole records after the identifiers are a valid chunk
    const seen: string[] = [];
    assert.throws(
      () => readHitChunk(chunk.subarray(0, n), (id) => seen.push(id)),
      (err: unknown) => err instanceof HitChunkError,
      `truncated to ${n} bytes`,
    );
    assert.equal(seen, n > firstEnd ? ['a'] : [], `hits before the damage at ${n}`);
  }
  assert.equal(readAll(chunk.subarray(0, firstEnd)).map((h) => h.hitId), ['a']);
  const wrong = Uint8Array.from(chunk);
  wrong[0] = 9;
  assert.throws(() => readAll(wrong), /unsupported chunk version 9/);
  const many = Uint8Array.from(chunk);
  new DataView(many.buffer).setUint32(1, 0xffffffff, true);
  assert.throws(() => readAll(many), /identifiers run past the chunk's end/);
  const kind = Uint8Array.from(chunk);
  kind[5] = 7;
  assert.throws(() => readAll(kind), /identifier 0: unknown kind 7/);
  const huge = Uint8Array.from(chunk);
  new DataView(huge.buffer).setUint32(hitsAt + 8, 0xffffffff, true);
  assert.throws(() => readAll(huge), /run past the chunk's end/);
  const nan = Uint8Array.from(chunk);
  new DataView(nan.buffer).setFloat64(hitsAt, Number.NaN, true);
  assert.throws(() => readAll(nan), /not finite/);
  const empty = Uint8Array.from(chunk);
  new DataView(empty.buffer).setUint32(hitsAt + 12, 0, true);
  assert.throws(() => readAll(empty), /no hit bytes/);
  const old = version1Chunk([{ hitId: 'a', receivedMs: 1, payload: bytes('one') }]);
  for (let n = 2; n < old.byteLength; n++) {
    assert.throws(() => readAll(old.subarray(0, n)), (err: unknown) => err instanceof HitChunkError, `version 1 truncated to ${n} bytes`);
  }
});

test('random bytes never throw anything but HitChunkError', () => {
  const rnd = seededRandom(12345);
  for (let i = 0; i < 2000; i++) {
    const b = new Uint8Array(Math.floor(rnd() * 60));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
    if (b.length > 0 && rnd() < 0.7) b[0] = rnd() < 0.5 ? 1 : 2;
    try {
      readHitChunk(b, () => undefined, () => undefined);
    } catch (err) {
      assert.instance(err, HitChunkError);
    }
  }
});

test('a hit given as its item is stored as its frame, the same bytes as encoding it', () => {
  const hit = makeHit({ metadata: { protocol: 'ga4' } }, 3);
  const frame = encodeHit(hit);
  const chunk = encodeHitChunk([
    { hitId: 'as-item', receivedMs: 2, item: frame.subarray(2) },
    { hitId: 'as-frame', receivedMs: 1, payload: frame },
  ]);
  assert.equal(readAll(chunk), [
    { hitId: 'as-item', receivedMs: 2, payload: Uint8Array.from(frame) },
    { hitId: 'as-frame', receivedMs: 1, payload: Uint8Array.from(frame) },
  ]);
});

test.run();
