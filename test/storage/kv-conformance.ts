/**
 * Behaviour every KV implementation must show; run against each one by kv.test.ts.
 * Ported from the reference's shared KV suite (nil/empty keys, nil/empty values, overwrite,
 * binary keys, delete, and the two Set options alone and together), plus key listing.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EmptyKeyError, NilKeyError, NilValueError } from '../../src/storage/errors.js';
import type { KeyListing, KV } from '../../src/storage/kv.js';
import { bytes, NIL } from './helpers.js';

export interface KVUnderTest {
  kv: KV & KeyListing;
  done: () => void;
}

export function kvConformance(name: string, make: () => KVUnderTest): void {
  const s = suite<{ kv: KV & KeyListing; done: () => void }>(name, { kv: undefined as unknown as KV & KeyListing, done: () => {} });
  s.before.each((ctx) => {
    const made = make();
    ctx.kv = made.kv;
    ctx.done = made.done;
  });
  s.after.each((ctx) => ctx.done());

  s('a nil key is rejected by get, set and delete', ({ kv }) => {
    assert.throws(() => kv.set(NIL, bytes('v')), (e: unknown) => e instanceof NilKeyError);
    assert.throws(() => kv.get(NIL), (e: unknown) => e instanceof NilKeyError);
    assert.throws(() => kv.delete(NIL), (e: unknown) => e instanceof NilKeyError);
    assert.throws(() => kv.get(undefined as unknown as Uint8Array), (e: unknown) => e instanceof NilKeyError);
  });

  s('an empty key is rejected by get, set and delete', ({ kv }) => {
    for (const empty of [new Uint8Array(0), '']) {
      assert.throws(() => kv.set(empty, bytes('v')), (e: unknown) => e instanceof EmptyKeyError);
      assert.throws(() => kv.get(empty), (e: unknown) => e instanceof EmptyKeyError);
      assert.throws(() => kv.delete(empty), (e: unknown) => e instanceof EmptyKeyError);
    }
  });

  s('a nil value is rejected and nothing is stored', ({ kv }) => {
    assert.throws(() => kv.set(bytes('k'), NIL), (e: unknown) => e instanceof NilValueError);
    assert.is(kv.get(bytes('k')), null);
  });

  s('an empty value is stored and read back as empty, not as missing', ({ kv }) => {
    assert.is(kv.set(bytes('k'), new Uint8Array(0)), null);
    const got = kv.get(bytes('k'));
    assert.ok(got !== null);
    assert.is(got.byteLength, 0);
  });

  s('a missing key reads as null without an error', ({ kv }) => {
    assert.is(kv.get(bytes('nonexistent')), null);
  });

  s('set then get returns the value', ({ kv }) => {
    kv.set(bytes('testkey'), bytes('testvalue'));
    assert.equal(kv.get(bytes('testkey')), bytes('testvalue'));
    assert.equal(kv.get('testkey'), bytes('testvalue'), 'a string key is its UTF-8 bytes');
  });

  s('set overwrites an existing key', ({ kv }) => {
    kv.set(bytes('overwrite-key'), bytes('first value'));
    assert.equal(kv.get(bytes('overwrite-key')), bytes('first value'));
    assert.is(kv.set(bytes('overwrite-key'), bytes('second value')), null, 'no previous value unless asked');
    assert.equal(kv.get(bytes('overwrite-key')), bytes('second value'));
  });

  s('binary keys and values, special and non-ASCII characters survive', ({ kv }) => {
    const cases: [Uint8Array, Uint8Array][] = [
      [new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xff]), bytes('value for binary key')],
      [bytes('key for binary value'), new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xff])],
      [bytes('!@#$%^&*()_+{}|:<>?'), bytes('value for special chars')],
      [bytes('résumé-üñïçødê-😀'), bytes('value for unicode')],
    ];
    for (const [k, v] of cases) kv.set(k, v);
    for (const [k, v] of cases) assert.equal(kv.get(k), v);
  });

  s('returned bytes are a copy the caller cannot use to change the store', ({ kv }) => {
    const value = bytes('abc');
    kv.set(bytes('k'), value);
    value[0] = 0x7a;
    const got = kv.get(bytes('k'));
    assert.equal(got, bytes('abc'));
    got![1] = 0x7a;
    assert.equal(kv.get(bytes('k')), bytes('abc'));
  });

  s('deleting a missing key is not an error; delete removes a key', ({ kv }) => {
    kv.delete(bytes('nonexistent'));
    kv.set(bytes('testkey'), bytes('testvalue'));
    kv.delete(bytes('testkey'));
    assert.is(kv.get(bytes('testkey')), null);
  });

  s('returnPreviousValue: null for a new key, the old value on overwrite', ({ kv }) => {
    const key = bytes('get-option-key');
    assert.is(kv.set(key, bytes('original-value'), { returnPreviousValue: true }), null);
    assert.equal(kv.get(key), bytes('original-value'));
    assert.equal(kv.set(key, bytes('new-value'), { returnPreviousValue: true }), bytes('original-value'));
    assert.equal(kv.get(key), bytes('new-value'));
  });

  s('skipIfKeyAlreadyExists: stores a new key, leaves an existing one, returns null', ({ kv }) => {
    const key = bytes('skip-if-exists-key');
    assert.is(kv.set(key, bytes('original-value'), { skipIfKeyAlreadyExists: true }), null);
    assert.equal(kv.get(key), bytes('original-value'));
    assert.is(kv.set(key, bytes('new-value'), { skipIfKeyAlreadyExists: true }), null);
    assert.equal(kv.get(key), bytes('original-value'));
  });

  s('both options: null for a new key; the current, unchanged value for an existing one', ({ kv }) => {
    const key = bytes('combined-options-key');
    const both = { skipIfKeyAlreadyExists: true, returnPreviousValue: true };
    assert.is(kv.set(key, bytes('original-value'), both), null);
    assert.equal(kv.get(key), bytes('original-value'));
    assert.equal(kv.set(key, bytes('new-value'), both), bytes('original-value'));
    assert.equal(kv.get(key), bytes('original-value'));
  });

  s('keys: prefix match in byte order, limited by maxKeys, all keys for an empty prefix', ({ kv }) => {
    for (const k of ['b.2', 'a.1', 'b.10', 'b.1', 'c', 'b']) kv.set(k, bytes('x'));
    kv.set(new Uint8Array([0x62, 0x2e, 0xff]), bytes('x'));
    const text = (ks: Uint8Array[]) => ks.map((k) => Buffer.from(k).toString('latin1'));
    assert.equal(text(kv.keys('b.')), ['b.1', 'b.10', 'b.2', 'b.\xff']);
    assert.equal(text(kv.keys(bytes('b.'), 2)), ['b.1', 'b.10']);
    assert.equal(text(kv.keys('b.', 0)), ['b.1', 'b.10', 'b.2', 'b.\xff'], '0 means no limit');
    assert.equal(text(kv.keys()), ['a.1', 'b', 'b.1', 'b.10', 'b.2', 'b.\xff', 'c']);
    assert.equal(kv.keys('zzz'), []);
    assert.throws(() => kv.keys('b', -1), RangeError);
  });

  s.run();
}
