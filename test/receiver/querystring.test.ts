import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertDecodable, decodeComponent, firstRawValuesInLayers, firstValueIn, parseQueryString, QueryStringError } from '../../src/receiver/querystring.js';
import { seededInts, seededRandom } from '../support/random.js';

const entries = (raw: string): [string, string[]][] => [...parseQueryString(raw)];

test('splits on & only; ; is an ordinary character', () => {
  assert.equal(entries('a=1;b=2&c=3'), [['a', ['1;b=2']], ['c', ['3']]]);
});

test('first = splits key from value; a bare key has an empty value', () => {
  assert.equal(entries('a=b=c&flag'), [['a', ['b=c']], ['flag', ['']]]);
});

test('+ is a space and %XY a byte, decoded as UTF-8', () => {
  assert.equal(entries('dt=Food+Shop%20%C5%BC%C3%B3%C5%82w'), [['dt', ['Food Shop żółw']]]);
});

test('invalid or truncated escapes are kept literally', () => {
  assert.equal(entries('a=100%&b=%zz&c=%4'), [['a', ['100%']], ['b', ['%zz']], ['c', ['%4']]]);
});

test('empty segments are dropped but =x keeps an empty key', () => {
  assert.equal(entries('&&a=1&=&&=x&'), [['a', ['1']], ['', ['x']]]);
});

test('repeated keys keep every value in order', () => {
  assert.equal(entries('k=1&j=0&k=2&k=3'), [['k', ['1', '2', '3']], ['j', ['0']]]);
});

test('already-encoded values are decoded exactly once', () => {
  assert.equal(entries('dl=https%253A%252F%252Fexample.com'), [['dl', ['https%3A%2F%2Fexample.com']]]);
});

test('__proto__ and constructor are ordinary keys', () => {
  const p = parseQueryString('__proto__=x&constructor=y');
  assert.equal(p.get('__proto__'), ['x']);
  assert.equal(p.get('constructor'), ['y']);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('bytes that are not UTF-8 are rejected with the parameter name', () => {
  try {
    parseQueryString('cid=1&dt=%FF%FE');
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, QueryStringError);
    assert.match((err as Error).message, '`dt`');
  }
});

test('raw non-ASCII text passes through', () => {
  assert.equal(entries('q=café'), [['q', ['café']]]);
});

test('garbage never throws anything but QueryStringError', () => {
  const rnd = seededRandom(42);
  const alphabet = '%&=+;?#abcXYZ019\u00e9\u0000 ';
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 40);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    try {
      parseQueryString(s);
    } catch (err) {
      assert.instance(err, QueryStringError);
    }
  }
});

test('assertDecodable refuses exactly what the parser refuses, with the same error', () => {
  const rnd = seededInts(7);
  const pieces = ['%', '&', '=', '+', 'a', 'cid', '%63id', '%C3', '%A9', '%E2', '%82', '%AC', '%F0', '%9F', '%98', '%80', '%ED', '%A0', '%BF', '%C0', '%F4', '%90', '%FF', '%2', '%zz', '%41', 'é', '\ud800', '😀', '%e2%80%93', '%25'];
  const outcome = (f: () => unknown): string => {
    try {
      f();
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  let refused = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    for (let j = rnd(12); j > 0; j--) s += pieces[rnd(pieces.length)];
    const expected = outcome(() => parseQueryString(s));
    if (expected !== 'ok') refused++;
    assert.is(outcome(() => assertDecodable(s)), expected, JSON.stringify(s));
  }
  assert.ok(refused > 1000 && refused < 19000, 'both outcomes are exercised');
});

test('first values: encoded keys match, a later layer wins, a bare key is empty', () => {
  assert.is(firstValueIn('a=1&%63id=x%20y&cid=z', 'cid'), 'x y');
  assert.is(firstValueIn('a=1&cid&cid=z', 'cid'), '');
  assert.is(firstValueIn('a=1&ci=d', 'cid'), undefined);
  assert.equal(firstRawValuesInLayers(['cid=1&en=a&tid=T', 'en=b%20c'], ['cid', 'tid', 'uid', 'en']), ['1', 'T', undefined, 'b%20c']);
});

test('first values found without parsing agree with the parsed map, escaped keys included', () => {
  const rnd = seededInts(9);
  const pieces = ['%', '&', '=', '+', 'a', 'cid', 'en', 'tid', 'uid', '%63id', 'c%69d', 'ci+d', 'e%6E', '%C3%A9', '%41', 'é', 'x', '1', 'ci', 'd', 'n', '&&', '=='];
  const keys = ['cid', 'tid', 'uid', 'en'];
  let checked = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    for (let j = rnd(16); j > 0; j--) s += pieces[rnd(pieces.length)];
    let parsed: Map<string, string[]>;
    try {
      parsed = parseQueryString(s);
    } catch {
      continue;
    }
    checked++;
    const raws = firstRawValuesInLayers([s], keys);
    keys.forEach((k, n) => {
      assert.is(firstValueIn(s, k), parsed.get(k)?.[0], `${JSON.stringify(s)} ${k}`);
      const raw = raws[n];
      assert.is(raw === undefined ? undefined : parseQueryString(`k=${raw}`).get('k')?.[0] ?? '', parsed.get(k)?.[0], `${JSON.stringify(s)} ${k} (raw)`);
    });
  }
  assert.ok(checked > 5000);
});

test('the parser reads random text as splitting and decoding each segment on its own does', () => {
  // The rules written out plainly: split on &, then on the first =, drop a segment with neither
  // key nor value, decode each part by itself.
  const plain = (raw: string): [string, string[]][] => {
    const out = new Map<string, string[]>();
    for (const segment of raw.split('&')) {
      const eq = segment.indexOf('=');
      const rawKey = eq === -1 ? segment : segment.slice(0, eq);
      const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
      if (rawKey === '' && rawValue === '') continue;
      const key = decodeComponent(rawKey, () => 'key');
      const value = decodeComponent(rawValue, () => 'value');
      const list = out.get(key);
      if (list === undefined) out.set(key, [value]);
      else list.push(value);
    }
    return [...out];
  };
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (err) {
      return err instanceof QueryStringError ? 'refused' : err;
    }
  };
  const rnd = seededInts(11);
  const pieces = ['%', '&', '=', '+', '==', '&&', 'a', 'en', 'dl', '%20', '%2B', '%26', '%3D', '%C3%A9', '%C3', '%zz', '%4', 'é', '+x', 'x+', ';', ' '];
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const n = rnd(24);
    for (let j = 0; j < n; j++) s += pieces[rnd(pieces.length)]!;
    assert.equal(outcome(() => entries(s)), outcome(() => plain(s)), JSON.stringify(s));
  }
});

test.run();
