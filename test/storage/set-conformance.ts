/**
 * Behaviour every KeyedSet implementation must show; run against each one by set.test.ts.
 * Ported from the reference's shared Set suite.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EmptyKeyError, NilKeyError, NilValueError } from '../../src/storage/errors.js';
import type { KeyedSet } from '../../src/storage/set.js';
import { bytes, NIL } from './helpers.js';

export interface SetUnderTest {
  set: KeyedSet;
  done: () => void;
}

const sorted = (vs: Uint8Array[]): Uint8Array[] => [...vs].sort((a, b) => Buffer.compare(a, b));

export function setConformance(name: string, make: () => SetUnderTest): void {
  const s = suite<{ set: KeyedSet; done: () => void }>(name, { set: undefined as unknown as KeyedSet, done: () => {} });
  s.before.each((ctx) => {
    const made = make();
    ctx.set = made.set;
    ctx.done = made.done;
  });
  s.after.each((ctx) => ctx.done());

  s('add then all returns every value', ({ set }) => {
    set.add(bytes('testkey'), bytes('value1'));
    set.add(bytes('testkey'), bytes('value2'));
    assert.equal(set.all(bytes('testkey')), [bytes('value1'), bytes('value2')]);
  });

  s('all of a missing key is an empty list', ({ set }) => {
    assert.equal(set.all(bytes('nonexistent')), []);
  });

  s('add rejects nil key, nil value and empty key; accepts an empty value', ({ set }) => {
    assert.throws(() => set.add(NIL, bytes('v')), (e: unknown) => e instanceof NilKeyError);
    assert.throws(() => set.add(bytes('testkey'), NIL), (e: unknown) => e instanceof NilValueError);
    assert.throws(() => set.add(new Uint8Array(0), bytes('v')), (e: unknown) => e instanceof EmptyKeyError);
    set.add(bytes('testkey'), new Uint8Array(0));
    const values = set.all(bytes('testkey'));
    assert.is(values.length, 1);
    assert.is(values[0]!.byteLength, 0, 'the empty value comes back as empty bytes');
  });

  s('adding the same value twice keeps one', ({ set }) => {
    set.add(bytes('duplicatetest'), bytes('duplicatevalue'));
    set.add(bytes('duplicatetest'), bytes('duplicatevalue'));
    assert.is(set.all(bytes('duplicatetest')).length, 1);
  });

  s('delete rejects nil key, empty key and nil value', ({ set }) => {
    assert.throws(() => set.delete(NIL, bytes('value')), (e: unknown) => e instanceof NilKeyError);
    assert.throws(() => set.delete(new Uint8Array(0), bytes('value')), (e: unknown) => e instanceof EmptyKeyError);
    assert.throws(() => set.delete(bytes('key'), NIL), (e: unknown) => e instanceof NilValueError);
  });

  s('delete removes one value and keeps the others', ({ set }) => {
    set.add(bytes('delete-specific'), bytes('alpha'));
    set.add(bytes('delete-specific'), bytes('beta'));
    set.delete(bytes('delete-specific'), bytes('alpha'));
    assert.equal(set.all(bytes('delete-specific')), [bytes('beta')]);
  });

  s('delete of the empty value; deleting the last value leaves an empty key', ({ set }) => {
    set.add(bytes('delete-empty'), new Uint8Array(0));
    set.delete(bytes('delete-empty'), new Uint8Array(0));
    assert.equal(set.all(bytes('delete-empty')), []);
  });

  s('deleting a missing value or from a missing key is not an error', ({ set }) => {
    set.add(bytes('delete-missing-value'), bytes('existing'));
    set.delete(bytes('delete-missing-value'), bytes('missing'));
    assert.equal(set.all(bytes('delete-missing-value')), [bytes('existing')]);
    set.delete(bytes('missing-key'), bytes('value'));
  });

  s('drop removes the key with its values; dropping a missing key is not an error', ({ set }) => {
    set.add(bytes('testkey'), bytes('testvalue'));
    set.drop(bytes('testkey'));
    assert.equal(set.all(bytes('testkey')), []);
    set.drop(bytes('nonexistent'));
  });

  s('sets of different keys do not see each other', ({ set }) => {
    set.add('a', 'x');
    set.add('b', 'y');
    set.drop('a');
    assert.equal(set.all('a'), []);
    assert.equal(set.all('b'), [bytes('y')]);
  });

  s('many interleaved adds from async tasks all arrive', async ({ set }) => {
    const key = bytes('concurrencytest');
    await Promise.all(
      Array.from({ length: 10 }, async (_, id) => {
        for (let i = 0; i < 100; i++) {
          set.add(key, bytes(String.fromCodePoint(id * 1000 + i)));
          if (i % 10 === 0) await new Promise<void>((r) => setImmediate(r));
        }
      }),
    );
    assert.is(set.all(key).length, 1000);
    set.drop(key);
    assert.equal(set.all(key), []);
  });

  s('binary values survive exactly; all lists them in byte order', ({ set }) => {
    const values = [new Uint8Array([0xff, 0xfe, 0xfd, 0xfc]), new Uint8Array([0x00, 0x01, 0x02, 0x03]), new Uint8Array([0x7f, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x1b])];
    for (const v of values) set.add(bytes('binarydatakey'), v);
    assert.equal(set.all(bytes('binarydatakey')), sorted(values));
  });

  s('a 5,000-byte value is kept whole', ({ set }) => {
    const large = new Uint8Array(5000).map((_, i) => 0x41 + (i % 26));
    set.add(bytes('largevaluekey'), large);
    const values = set.all(bytes('largevaluekey'));
    assert.is(values.length, 1);
    assert.equal(values[0], large);
  });

  s.run();
}
