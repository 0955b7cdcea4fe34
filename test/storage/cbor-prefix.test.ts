import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plainCborEncoder, safeCborDecoder } from '../../src/hits/cbor.js';
import { cborArrayEndingInBytes, CborWriter, type CborScalar } from '../../src/storage/cbor-prefix.js';

const joined = (pieces: readonly Uint8Array[]): Buffer => Buffer.concat(pieces);

test('an array ending in bytes: the head and the untouched bulk make the bytes cbor-x writes for the same array', () => {
  const bulks = [new Uint8Array(0), Buffer.from('a,b\n'), Buffer.alloc(23, 1), Buffer.alloc(24, 2), Buffer.alloc(255, 3), Buffer.alloc(256, 4), Buffer.alloc(70_000, 5)];
  const heads: CborScalar[][] = [
    [],
    [4, 0, 23, 24, 255, 256, 65_535, 65_536, 0xffffffff],
    ['', 'a', 'é'.repeat(20), 'x'.repeat(300), null],
    [3, 'nonce', null, 1000],
  ];
  for (const bulk of bulks) {
    for (const scalars of heads) {
      const pieces = cborArrayEndingInBytes(scalars, bulk);
      assert.is(pieces[1], bulk, 'the bulk is the caller\'s buffer, not a copy');
      assert.equal(joined(pieces), Buffer.from(plainCborEncoder.encode([...scalars, Buffer.from(bulk)])));
    }
  }
});

test('numbers that are not small unsigned integers are float64 and read back exactly', () => {
  const scalars: CborScalar[] = [1_763_800_000_123, -1, -0, 0.5, 2 ** 32, Number.MAX_SAFE_INTEGER, 1e300];
  const back = safeCborDecoder.decode(joined(cborArrayEndingInBytes(scalars, Buffer.from('z')))) as unknown[];
  assert.is(back.length, scalars.length + 1);
  scalars.forEach((s, i) => assert.ok(Object.is(back[i], s), `scalar ${i}: ${String(back[i])} for ${String(s)}`));
  assert.equal(Buffer.from(back[scalars.length] as Uint8Array), Buffer.from('z'));
});

test('the writer refuses to run past its buffer and lengths out of range', () => {
  assert.throws(() => new CborWriter(3).scalar('four'), /past the end/);
  assert.throws(() => new CborWriter(0).scalar(null), /past the end/);
  assert.throws(() => new CborWriter(8).scalar(0.5), /past the end/);
  assert.throws(() => new CborWriter(2).arrayHead(300), /past the end/);
  assert.throws(() => new CborWriter(4).raw(Buffer.alloc(5)), /past the end/);
  assert.throws(() => new CborWriter(8).bytesHead(-1), /out of range/);
  assert.throws(() => new CborWriter(8).arrayHead(2 ** 32), /out of range/);
});

test.run();
