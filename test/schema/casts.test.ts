import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  castBoolOrNull,
  castFloat64OrNull,
  castInt64OrNull,
  castNonEmptyString,
  castStringOrNull,
  MAX_STRING_LENGTH,
  parseBoolWord,
  truncateString,
} from '../../src/schema/casts.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import { parseGoFloat64, parseGoFloat64Syntax, parseGoInt64 } from '../../src/schema/go-number.js';
import { seededInts } from '../support/random.js';

test('floats: Go syntax only', () => {
  const cases: [string, number | null][] = [
    ['1', 1],
    ['1.5', 1.5],
    ['-2.25', -2.25],
    ['+5', 5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['1_000.5', 1000.5],
    ['0x1p-2', 0.25],
    ['0X1.8P1', 3],
    ['-0x.8p0', -0.5],
    ['0x_1p4', 16],
    ['1e400', null],
    ['', null],
    [' 1', null],
    ['1 ', null],
    ['12abc', null],
    ['0x10', null],
    ['0x1p', null],
    ['1e', null],
    ['.', null],
    ['+', null],
    ['1__0', null],
    ['_1', null],
    ['1_', null],
    ['Infinit', null],
    ['+nan', null],
    ['1,5', null],
  ];
  for (const [input, expected] of cases) assert.is(parseGoFloat64(input), expected, `parseGoFloat64(${JSON.stringify(input)})`);
});

test('floats: inf, infinity and nan in any case', () => {
  assert.is(parseGoFloat64('inf'), Infinity);
  assert.is(parseGoFloat64('+Inf'), Infinity);
  assert.is(parseGoFloat64('-INFINITY'), -Infinity);
  assert.ok(Number.isNaN(parseGoFloat64('NaN')));
  assert.ok(Number.isNaN(parseGoFloat64('nan')));
});

test('hex floats round like a correctly rounded parser', () => {
  assert.is(parseGoFloat64('0x1.fffffffffffff8p0'), 2); // ties to even upwards
  assert.is(parseGoFloat64('0x1.0000000000000ffffp0'), 1 + 2 ** -52);
  assert.is(parseGoFloat64('0x1p-1074'), 5e-324);
  assert.is(parseGoFloat64('0x1p1024'), null);
});

test('ints: base 10, optional sign, int64 range', () => {
  const cases: [string, number | bigint | null][] = [
    ['0', 0],
    ['-0', 0],
    ['+5', 5],
    ['-42', -42],
    ['9007199254740991', 9007199254740991],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null],
    ['1.5', null],
    [' 1', null],
    ['1e3', null],
    ['0x10', null],
    ['1_000', null],
    ['', null],
    ['12abc', null],
  ];
  for (const [input, expected] of cases) assert.is(parseGoInt64(input), expected, `parseGoInt64(${JSON.stringify(input)})`);
});

test('F and I casts give null for non-strings and empty strings', () => {
  assert.is(castFloat64OrNull(null), null);
  assert.is(castFloat64OrNull(3), null);
  assert.is(castFloat64OrNull(''), null);
  assert.is(castFloat64OrNull('2.5'), 2.5);
  assert.is(castInt64OrNull(undefined), null);
  assert.is(castInt64OrNull('7'), 7);
});

test('bool words: trimmed, any case; unknown words give null', () => {
  for (const w of ['true', 'YES', ' y ', 'On', '1', 't']) assert.is(parseBoolWord(w), true, w);
  for (const w of ['false', 'No', 'n', 'OFF', '0', 'F']) assert.is(parseBoolWord(w), false, w);
  for (const w of ['', 'maybe', '2', 'tru']) assert.is(parseBoolWord(w), null, w);
});

test('B cast keeps bools, reads words, and gives false for other values', () => {
  assert.is(castBoolOrNull(true), true);
  assert.is(castBoolOrNull('yes'), true);
  assert.is(castBoolOrNull(''), null);
  assert.is(castBoolOrNull('garbage'), null);
  assert.is(castBoolOrNull(null), false);
  assert.is(castBoolOrNull(1), false);
});

test('S cast: empty is null, non-string breaks the event', () => {
  assert.is(castStringOrNull(''), null);
  assert.is(castStringOrNull('x'), 'x');
  assert.throws(() => castStringOrNull(null), (err: unknown) => err instanceof BrokenEventError);
  assert.throws(() => castNonEmptyString(''), (err: unknown) => err instanceof BrokenEventError);
  assert.is(castNonEmptyString('G-1'), 'G-1');
});

test('strings are cut to 8192 characters', () => {
  assert.is(MAX_STRING_LENGTH, 8192);
  const long = 'a'.repeat(10_000);
  assert.is(truncateString(long).length, 8192);
  assert.is(castStringOrNull(long), 'a'.repeat(8192));
  assert.is(truncateString('short'), 'short');
});

test('truncation counts code points and never separates a surrogate pair', () => {
  // 8191 ASCII characters then emoji: the 8192nd character is a whole emoji (two UTF-16 units).
  const s = 'a'.repeat(8191) + '\u{1f600}'.repeat(3);
  const cut = truncateString(s);
  assert.is(cut, 'a'.repeat(8191) + '\u{1f600}');
  assert.is([...cut].length, 8192);
  // 8192 emoji are 16384 units but exactly 8192 characters: nothing is cut.
  const emoji = '\u{1f600}'.repeat(8192);
  assert.is(truncateString(emoji), emoji);
  const cutEmoji = truncateString(emoji + 'b');
  assert.is(cutEmoji, emoji);
  assert.ok(Buffer.from(cutEmoji, 'utf8').toString('utf8') === cutEmoji);
});

test('parseGoFloat64 reads plain decimals by a shortcut that agrees with the whole syntax, on random text', () => {
  const pieces = ['0', '1', '5', '9', '19', '.', '+', '-', '_', 'e', 'E', 'x', ' ', '00', '9'.repeat(320), 'inf', 'p', '0x', '0b', '0o'];
  const next = seededInts(11);
  for (let round = 0; round < 5000; round++) {
    let s = '';
    for (let j = next(6); j > 0; j--) s += pieces[next(pieces.length)];
    const fast = parseGoFloat64(s);
    const whole = parseGoFloat64Syntax(s);
    assert.ok(Object.is(fast, whole), `${JSON.stringify(s)}: ${fast} against ${whole}`);
  }
});

test.run();
