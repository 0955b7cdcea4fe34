import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRe2, RegexSyntaxError } from '../../src/splitter/expressions/regex.js';

const matches = (pattern: string, text: string): boolean => compileRe2(pattern).test(text);

function refused(pattern: string): void {
  assert.throws(() => compileRe2(pattern), (e: unknown) => e instanceof RegexSyntaxError, pattern);
}

test('ordinary patterns behave as in RE2', () => {
  assert.ok(matches('^10\\.0\\.0\\.[0-9]{1,3}$', '10.0.0.255'));
  assert.not.ok(matches('^10\\.0\\.0\\.[0-9]{1,3}$', '10.0.0.2555'));
  assert.ok(matches('bot', 'Googlebot/2.1'), 'unanchored search');
  assert.ok(matches('a|b', 'xb'));
  assert.ok(matches('(?:ab)+c', 'ababc'));
  assert.ok(matches('x*?y', 'xxy'));
  assert.ok(matches('', 'anything'));
});

test('RE2-only syntax is translated', () => {
  assert.ok(matches('(?i)GoogleBot', 'googlebot'));
  assert.ok(matches('(?s)a.b', 'a\nb'));
  assert.ok(matches('(?m)^b$', 'a\nb\nc'));
  assert.ok(matches('(?P<host>[a-z]+)\\.com', 'example.com'));
  assert.ok(matches('\\Aab\\z', 'ab'));
  assert.not.ok(matches('\\Aab\\z', 'ab\n'));
  assert.ok(matches('^[[:alpha:]]+[[:digit:]]$', 'abc1'));
  assert.not.ok(matches('^[[:alpha:]]+$', 'ab1'));
  assert.ok(matches('^[^[:space:]]+$', 'abc'));
  assert.ok(matches('^\\pL+$', 'żółw'));
  assert.ok(matches('^\\p{Greek}+$', 'αβγ'));
  assert.not.ok(matches('^\\PL$', 'a'));
  assert.ok(matches('\\x{1F600}', '😀'));
  assert.ok(matches('\\x41', 'A'));
  assert.ok(matches('\\Qa.b*c\\E$', 'xa.b*c'));
  assert.not.ok(matches('\\Qa.b\\E', 'axb'));
  assert.ok(matches('a{,2}', 'a{,2}'), 'a brace that is not a repeat is a literal');
  assert.ok(matches('x}', 'x}'));
  assert.ok(matches('x]', 'x]'));
  assert.ok(matches('[]a]+$', 'a]'));
  assert.ok(matches('\\-\\#\\&\\~', '-#&~'), 'escaped punctuation');
  assert.ok(matches('\\a', '\x07'));
});

test('dot and \\s follow RE2: dot stops only at \\n, \\s is ASCII space', () => {
  assert.ok(matches('^a.b$', 'a\rb'));
  assert.not.ok(matches('^a.b$', 'a\nb'));
  assert.ok(matches('^\\s$', '\t'));
  assert.not.ok(matches('^\\s$', '\u00a0'));
  assert.ok(matches('^\\S$', '\u00a0'));
  assert.ok(matches('^[\\s]$', '\f'));
});

test('what RE2 refuses, or what has no exact equivalent, is refused', () => {
  for (const pattern of ['(', ')', '[a-', 'a**', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(a)\\1', '\\k<a>', 'a{1001}', 'a{2,1001}',
    'a(?i)b', '(?i:a)', '(?U)a', '(?)a', '\\', '\\e', '\\Z', '\\C', '[[:nope:]]', '\\p{NoSuchScript}', '(?P<1a>x)', '\\x{110000}', '\\xZ1', '[\\b]']) {
    refused(pattern);
  }
});

test.run();
