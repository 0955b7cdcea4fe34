import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeHitChunk, HitChunkError, readHitChunk, type ChunkHit } from '../../src/protosessions/hit-chunk.js';
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

test('garbage: every truncation and a wrong version are errors naming the damage, after the hits before it', () => {
  const chunk = encodeHitChunk([
    { hitId: 'a', receivedMs: 1, payload: bytes('one') },
    { hitId: 'b', receivedMs: 2, payload: bytes('two') },
  ]);
  const firstEnd = 1 + 16 + 1 + 3;
  for (let n = 0; n < chunk.byteLength; n++) {
    if (n === 1 || n === firstEnd) continue; // a version byte alone, or whole records, is a valid chunk
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
  const huge = Uint8Array.from(chunk);
  new DataView(huge.buffer).setUint32(1 + 8, 0xffffffff, true);
  assert.throws(() => readAll(huge), /run past the chunk's end/);
  const nan = Uint8Array.from(chunk);
  new DataView(nan.buffer).setFloat64(1, Number.NaN, true);
  assert.throws(() => readAll(nan), /not finite/);
  const empty = Uint8Array.from(chunk);
  new DataView(empty.buffer).setUint32(1 + 12, 0, true);
  assert.throws(() => readAll(empty), /no hit bytes/);
});

test('random bytes never throw anything but HitChunkError', () => {
  const rnd = seededRandom(12345);
  for (let i = 0; i < 2000; i++) {
    const b = new Uint8Array(Math.floor(rnd() * 60));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
    if (b.length > 0 && rnd() < 0.7) b[0] = 1;
    try {
      readHitChunk(b, () => undefined);
    } catch (err) {
      assert.instance(err, HitChunkError);
    }
  }
});

test.run();
