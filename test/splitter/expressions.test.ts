import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileExpression, ExpressionError, ExpressionRuntimeError } from '../../src/splitter/expressions/index.js';

const ENV: Record<string, unknown> = { ip: '10.1.2.3', ua: 'Mozilla Googlebot', empty: '', n: 7, t: true, f: false, list: ['a', 'b'] };

function run(text: string, env: Record<string, unknown> = ENV): unknown {
  return compileExpression(text).evaluate(env);
}

function runtimeError(text: string, env: Record<string, unknown> = ENV): string {
  const compiled = compileExpression(text);
  try {
    compiled.evaluate(env);
  } catch (error) {
    assert.instance(error, ExpressionRuntimeError);
    return (error as Error).message;
  }
  throw new Error(`${text} should fail at run time`);
}

function compileError(text: string): ExpressionError {
  try {
    compileExpression(text);
  } catch (error) {
    assert.instance(error, ExpressionError, `${JSON.stringify(text)} threw ${String(error)}`);
    return error as ExpressionError;
  }
  throw new Error(`${JSON.stringify(text)} should not compile`);
}

test('literals: strings in both quotes with escapes, raw strings, numbers, booleans, nil and null, arrays', () => {
  assert.is(run('"a\\"b\\\\c\\n"'), 'a"b\\c\n');
  assert.is(run("'it\\'s'"), "it's");
  assert.is(run('"\\u00e9\\x41\\101\\t"'), 'éAA\t');
  assert.is(run('`raw \\d`'), 'raw \\d');
  assert.is(run('42'), 42);
  assert.is(run('4.5e1'), 45);
  assert.is(run('.5'), 0.5);
  assert.is(run('1_000'), 1000);
  assert.is(run('0x1f + 0o17 + 0b11'), 31 + 15 + 3);
  assert.is(run('true'), true);
  assert.is(run('false'), false);
  assert.is(run('nil'), null);
  assert.is(run('null'), null);
  assert.equal(run('["a", 1, [true], nil]'), ['a', 1, [true], null]);
  assert.equal(run('[]'), []);
});

test('comparison operators', () => {
  assert.is(run('n == 7'), true);
  assert.is(run('n != 7'), false);
  assert.is(run('n < 8'), true);
  assert.is(run('n > 8'), false);
  assert.is(run('n <= 7'), true);
  assert.is(run('n >= 7.5'), false);
  assert.is(run('"abc" < "abd"'), true);
  assert.is(run('"b" > "abc"'), true);
  assert.is(run('ip == "10.1.2.3"'), true);
  assert.is(run('[1, "a"] == [1, "a"]'), true);
  assert.is(run('[1] == [1, 2]'), false);
});

test('no coercion between types: nil == "" and "5" == 5 are false', () => {
  assert.is(run('nil == ""'), false);
  assert.is(run('"5" == 5'), false);
  assert.is(run('"true" == true'), false);
  assert.is(run('undefined_field == nil'), true);
  assert.is(run('undefined_field != ""'), true);
  assert.is(run('empty == ""'), true);
  assert.match(runtimeError('undefined_field < 1'), /nil < number/);
  assert.match(runtimeError('ip < n'), /string < number/);
});

test('logic with symbols and words, short-circuiting', () => {
  for (const [and, or, not] of [['&&', '||', '!'], ['and', 'or', 'not ']]) {
    assert.is(run(`t ${and} f`), false);
    assert.is(run(`t ${and} t`), true);
    assert.is(run(`f ${or} t`), true);
    assert.is(run(`f ${or} f`), false);
    assert.is(run(`${not}f`), true);
    assert.is(run(`${not}(t ${and} f)`), true);
    // The right side is not evaluated, so its nil operand does not fail.
    assert.is(run(`f ${and} (missing contains "x")`), false);
    assert.is(run(`t ${or} (missing contains "x")`), true);
  }
  assert.is(run('not not t'), true);
  assert.is(run('!!t'), true);
});

test('logic operands must be booleans on the left; the right operand is passed through', () => {
  assert.match(runtimeError('missing && true'), /needs a bool, got nil/);
  assert.match(runtimeError('!missing'), /needs a bool, got nil/);
  assert.is(run('t && missing'), null);
  assert.is(run('f || ip'), '10.1.2.3');
});

test('arithmetic and string concatenation', () => {
  assert.is(run('1 + 2'), 3);
  assert.is(run('10 - 4'), 6);
  assert.is(run('3 * 4'), 12);
  assert.is(run('7 / 2'), 3.5);
  assert.is(run('7 % 3'), 1);
  assert.is(run('-7 % 3'), -1);
  assert.is(run('-n + +2'), -5);
  assert.is(run('"a" + "b" + ip'), 'ab10.1.2.3');
  assert.is(run('ip + ":" + "80" == "10.1.2.3:80"'), true);
  assert.match(runtimeError('7.5 % 2'), /integers/);
  assert.match(runtimeError('n % 0'), /divide by zero/);
  assert.match(runtimeError('ip + n'), /string \+ number/);
  assert.match(runtimeError('missing + "x"'), /nil \+ string/);
});

test('precedence follows expr-lang: or < and < comparison < + - < * / %', () => {
  assert.is(run('t or f and f'), true); // t or (f and f)
  assert.is(run('f and f or t'), true); // (f and f) or t
  assert.is(run('(t or f) and f'), false);
  assert.is(run('t || f && f'), true);
  assert.is(run('1 + 2 * 3'), 7);
  assert.is(run('(1 + 2) * 3'), 9);
  assert.is(run('10 - 4 - 3'), 3);
  assert.is(run('12 / 2 / 3'), 2);
  assert.is(run('1 + 2 == 3'), true);
  assert.is(run('1 + 1 < 3 and 2 * 2 == 4'), true);
  assert.is(run('"a" + "b" in ["ab"]'), true);
  assert.is(run('ip startsWith "10" == true'), true); // (ip startsWith "10") == true
  assert.is(run('not f == true'), true); // (not f) == true
  assert.is(run('a or b and c', { a: true, b: 'not evaluated', c: 1 }), true);
  assert.is(run('a or b and c', { a: false, b: true, c: false }), false);
});

test('ternary', () => {
  assert.is(run('t ? "yes" : "no"'), 'yes');
  assert.is(run('f ? "yes" : "no"'), 'no');
  assert.is(run('f ? 1 : t ? 2 : 3'), 2);
  assert.is(run('n > 5 ? ip startsWith "10." : false'), true);
  assert.is(run('t or f ? 1 : 2'), 1);
  assert.match(runtimeError('missing ? 1 : 2'), /needs a bool/);
});

test('in and not in: value in array, nil haystack is false, strings are not searched', () => {
  assert.is(run('ip in ["10.1.2.3", "x"]'), true);
  assert.is(run('"b" in list'), true);
  assert.is(run('"c" in list'), false);
  assert.is(run('7 in [1, 7]'), true);
  assert.is(run('"7" in [1, 7]'), false);
  assert.is(run('nil in [nil]'), true);
  assert.is(run('"x" in missing'), false);
  assert.is(run('"c" not in list'), true);
  assert.is(run('"a" not in list'), false);
  assert.match(runtimeError('"1" in ip'), /in on string/);
});

test('contains, startsWith, endsWith and their negations', () => {
  assert.is(run('ua contains "bot"'), true);
  assert.is(run('ua contains "Bot"'), false);
  assert.is(run('ua startsWith "Mozilla"'), true);
  assert.is(run('ua endsWith "bot"'), true);
  assert.is(run('ua endsWith "Mozilla"'), false);
  assert.is(run('empty contains ""'), true);
  assert.is(run('ua not contains "curl"'), true);
  assert.is(run('ua not startsWith "Mozilla"'), false);
  assert.is(run('ua not endsWith "x"'), true);
  assert.match(runtimeError('missing contains "x"'), /nil contains string/);
  assert.match(runtimeError('ip startsWith n'), /string startsWith number/);
});

test('matches with literal and dynamic RE2 patterns', () => {
  assert.is(run('ip matches "^10\\\\.1\\\\."'), true);
  assert.is(run('ip matches `^10\\.1\\.`'), true);
  assert.is(run('ip matches `^10\\.2\\.`'), false);
  assert.is(run('ua matches "(?i)googlebot"'), true);
  assert.is(run('ua matches "googlebot"'), false);
  assert.is(run('ua not matches "^curl"'), true);
  assert.is(run('ip matches pattern', { ip: '10.1.2.3', pattern: '^[0-9.]+$' }), true);
  assert.match(runtimeError('ip matches pattern', { ip: '1', pattern: '(' }), /invalid regular expression/);
  assert.match(runtimeError('ip matches missing'), /nil pattern/);
  assert.match(runtimeError('missing matches "x"'), /nil matches/);
  const error = compileError('ip matches "[a-"');
  assert.is(error.position, 11);
  assert.match(error.message, /^invalid regular expression: .* at position 11$/);
});

test('functions: inCidr, lower, upper, trim, len', () => {
  assert.is(run('inCidr(ip, "10.0.0.0/8")'), true);
  assert.is(run('inCidr(ip, "11.0.0.0/8")'), false);
  assert.is(run('inCidr(ip, "garbage")'), false);
  assert.is(run('inCidr(missing, "10.0.0.0/8")'), false);
  assert.is(run('inCidr(ip)'), false);
  assert.is(run('inCidr()'), false);
  assert.is(run('lower("AbC")'), 'abc');
  assert.is(run('upper(ip + "x")'), '10.1.2.3X');
  assert.is(run('trim("  a b \\n")'), 'a b');
  assert.is(run('trim("xxaxx", "x")'), 'a');
  assert.is(run('len("héllo😀")'), 6);
  assert.is(run('len(list)'), 2);
  assert.is(run('len([])'), 0);
  assert.match(runtimeError('lower(missing)'), /expects a string, got nil/);
  assert.match(runtimeError('len(n)'), /expects a string or an array/);
  assert.is(compileError('lower()').message, 'not enough arguments to call lower at position 0');
  assert.is(compileError('len(1, 2)').message, 'too many arguments to call len at position 0');
});

test('undefined variables are nil; prototype names are just undefined variables', () => {
  assert.is(run('nobody'), null);
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__']) {
    assert.is(run(name), null, name);
    assert.is(run(`${name} == nil`), true, name);
  }
  assert.is(run('__proto__', JSON.parse('{"__proto__": "own"}') as Record<string, unknown>), 'own');
  assert.is(run('constructor', { constructor: 'field' }), 'field');
});

test('no eval: member access, this, and calls of anything but a built-in do not compile', () => {
  assert.is(compileError('ip.length').message, 'member access is not allowed at position 2');
  assert.is(compileError('ip["length"]').position, 2);
  assert.is(compileError('"abc".constructor').position, 5);
  assert.is(compileError('[1].constructor').position, 3);
  assert.match(compileError('constructor.constructor("return process")()').message, /^member access is not allowed/);
  assert.match(compileError('__proto__.polluted').message, /^member access/);
  assert.match(compileError('ip?.length').message, /^member access/);
  assert.is(compileError('this').message, '"this" is not allowed at position 0');
  assert.is(compileError('this.x').message, 'member access is not allowed at position 4');
  assert.is(compileError('eval("1")').message, 'unknown function "eval" at position 0');
  assert.is(compileError('Function("return 1")').message, 'unknown function "Function" at position 0');
  assert.is(compileError('constructor(1)').message, 'unknown function "constructor" at position 0');
  assert.is(compileError('toString()').message, 'unknown function "toString" at position 0');
  assert.match(compileError('inCidr(ip, "x")(1)').message, /^only built-in functions can be called/);
  // A parenthesised name is still the name: only the built-in itself can be reached.
  assert.is(run('(lower)("A")'), 'a');
  assert.is(compileError('x + lower.call(1)').position, 9);
});

test('operands whose type is known and can never fit do not compile', () => {
  assert.is(compileError('ip startsWith 10').message, '"startsWith" needs string, got number at position 14');
  assert.is(compileError('1 < "a"').position, 4);
  assert.is(compileError('1 + "a"').position, 4);
  assert.is(compileError('"a" - 1').position, 0);
  assert.is(compileError('!"x"').position, 1);
  assert.is(compileError('-"x"').position, 1);
  assert.is(compileError('t && 1').position, 5);
  assert.is(compileError('1 ? 2 : 3').position, 0);
  assert.is(compileError('ip in "abc"').position, 6);
  assert.is(compileError('ip matches 1').position, 11);
  assert.is(compileError('lower(1)').position, 6);
  assert.is(compileError('len(true)').position, 4);
  // nil is untyped, as in expr-lang: these compile and fail (or not) at run time.
  compileExpression('nil contains "x"');
  compileExpression('x in nil');
});

test('a compiled expression is reusable and keeps no state between environments', () => {
  const compiled = compileExpression('ip matches "^1" && n > 1');
  assert.is(compiled.source, 'ip matches "^1" && n > 1');
  assert.is(compiled.evaluate({ ip: '1.1.1.1', n: 2 }), true);
  assert.is(compiled.evaluate({ ip: '2.1.1.1', n: 2 }), false);
  assert.is(compiled.evaluate({ ip: '1.1.1.1', n: 2 }), true);
});

test('environment values of unsupported types are refused at run time, not reached into', () => {
  assert.match(runtimeError('x == nil', { x: { a: 1 } }), /unsupported type/);
  assert.match(runtimeError('x == nil', { x: () => 1 }), /unsupported type/);
  assert.is(run('x == nil', { x: undefined }), true);
});

test.run();
