import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileExpression, ExpressionError, ExpressionRuntimeError } from '../../src/splitter/expressions/index.js';

/** Compiles `text` and returns its ExpressionError; anything else (or success) fails the test. */
function compileError(text: string): ExpressionError {
  let thrown: unknown;
  try {
    compileExpression(text);
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof ExpressionError)) {
    throw new Error(`${JSON.stringify(text.slice(0, 60))} should throw ExpressionError, got ${thrown === undefined ? 'success' : String(thrown)}`);
  }
  assert.ok(Number.isInteger(thrown.position) && thrown.position >= 0 && thrown.position <= text.length, `position ${thrown.position} in range`);
  assert.ok(thrown.message.endsWith(` at position ${thrown.position}`));
  return thrown;
}

test('syntax errors carry the position where the problem starts', () => {
  const cases: [string, number, RegExp][] = [
    ['ip_address == "x" "y"', 18, /^unexpected token/],
    ['a b', 2, /^unexpected token/],
    ['(a == b', 7, /^unclosed parenthesis/],
    ['[1, 2', 5, /^expected/],
    ['a == b)', 6, /^unexpected token "\)"/],
    ['"abc', 0, /^unterminated string/],
    ["x == 'abc", 5, /^unterminated string/],
    ['x == `abc', 5, /^unterminated string/],
    ['"a\nb"', 0, /^unterminated string/],
    ['"\\q"', 1, /^invalid escape/],
    ['"\\u12"', 1, /^invalid escape/],
    ['"\\ud800"', 1, /escape is not a valid Unicode code point/],
    ['a ==', 4, /^missing operand after "=="/],
    ['a == == b', 5, /^missing operand/],
    ['!', 1, /^missing operand after a unary operator/],
    ['a ? b', 5, /^expected ":"/],
    ['a ? : b', 4, /^missing operand in conditional/],
    ['1abc', 1, /after a number/],
    ['1.2.3', 3, /after a number/],
    ['0x', 2, /^malformed number/],
    ['1e', 2, /^malformed exponent/],
    ['1__0', 1, /after a number/],
    ['.', 0, /^unexpected "\."/],
    ['a === b', 4, /^missing operand/],
    ['a & b', 2, /^unexpected token/],
    ['a | b', 2, /^unexpected token/],
    ['a ** b', 3, /^missing operand/],
    ['a = 1', 2, /^unexpected token/],
    ['a;', 1, /^unexpected ";"/],
    ['a, b', 1, /^unexpected ","/],
    [',a', 0, /^unexpected ","/],
    [' ;a', 1, /^unexpected ";"/],
    ['(,a)', 1, /^unexpected ","/],
    ['x == ( ;a)', 7, /^unexpected ";"/],
    ['(a, b)', 2, /^unexpected ","/],
    ['(a b)', 3, /^unexpected token/],
    ['()', 0, /^empty parentheses/],
    ['x == ( )', 5, /^empty parentheses/],
    ['', 0, /^empty expression/],
    ['   ', 0, /^empty expression/],
    ['[1,,2]', 0, /^empty array element/],
    ['f(1,)', 4, /^unexpected token/],
    ['and', 0, /^unexpected operator "and"/],
    ['x == or', 5, /^unexpected operator "or"/],
    ['x not  in ["a"]', 2, /^unexpected token|^unexpected operator/],
    ['{a: 1}', 0, /^unexpected token "\{"/],
    ['a => a', 2, /^unexpected token|^missing operand/],
    ['#', 0, /^unexpected token "#"/],
  ];
  for (const [text, position, reason] of cases) {
    const error = compileError(text);
    assert.match(error.reason, reason, `${JSON.stringify(text)}: ${error.message}`);
    assert.is(error.position, position, `${JSON.stringify(text)}: ${error.message}`);
  }
});

test('10 kB of operators, brackets and quotes fail cleanly', () => {
  const inputs = [
    '+'.repeat(10_000),
    '!'.repeat(10_000),
    '-'.repeat(10_000),
    'not '.repeat(2_500),
    '('.repeat(10_000),
    '['.repeat(10_000),
    ')'.repeat(10_000),
    '=='.repeat(5_000),
    '&&'.repeat(5_000),
    '<'.repeat(10_000),
    '"'.repeat(10_001),
    '?:'.repeat(5_000),
    '.'.repeat(10_000),
    'a ? '.repeat(2_500) + 'b',
    'a ? b : '.repeat(1_250) + 'c',
    '('.repeat(5_000) + 'a' + ')'.repeat(5_000),
    'a or '.repeat(2_500) + 'a',
    '1+'.repeat(5_000) + '1',
    'x['.repeat(3_000),
    'f('.repeat(3_000),
  ];
  for (const text of inputs) compileError(text);
});

test('reasonably deep but legitimate expressions still compile', () => {
  const ors = Array.from({ length: 300 }, (_, i) => `ip == "10.0.0.${i}"`).join(' or ');
  assert.is(compileExpression(ors).evaluate({ ip: '10.0.0.299' }), true);
  const nested = '('.repeat(150) + 'true' + ')'.repeat(150);
  assert.is(compileExpression(nested).evaluate({}), true);
});

/** A small deterministic generator, so a failure can be reproduced. */
function pseudoRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

test('random token soup only ever throws ExpressionError; what compiles only ever throws ExpressionRuntimeError', () => {
  const pieces = ['a', 'ip', ' ', '(', ')', '[', ']', '"', "'", '`', '\\', '.', ',', ';', '?', ':', '!', 'not', 'and', 'or', 'in', 'contains',
    'matches', 'startsWith', '=', '==', '!=', '<', '>=', '+', '-', '*', '/', '%', '&&', '||', '1', '0x', '_', 'e', 'nil', 'this', 'constructor',
    '__proto__', 'inCidr', 'lower', 'len', '{', '}', '$', '#', '\n', 'é', '😀', '0', '"10.0.0.0/8"', '"^a"', 'true'];
  const next = pseudoRandom(20240601);
  let compiled = 0;
  for (let k = 0; k < 20_000; k++) {
    let text = '';
    const length = 1 + next(16);
    for (let i = 0; i < length; i++) text += pieces[next(pieces.length)];
    let expression;
    try {
      expression = compileExpression(text);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
      assert.ok(error.position >= 0 && error.position <= text.length, `${JSON.stringify(text)} position`);
      continue;
    }
    compiled++;
    try {
      expression.evaluate({ a: 'x', ip: '10.0.0.1' });
    } catch (error) {
      if (!(error instanceof ExpressionRuntimeError)) throw new Error(`${JSON.stringify(text)} failed with ${String(error)}`);
    }
  }
  assert.ok(compiled > 0);
});

test('random printable strings only ever throw ExpressionError', () => {
  const next = pseudoRandom(7);
  for (let k = 0; k < 5_000; k++) {
    let text = '';
    const length = next(40);
    for (let i = 0; i < length; i++) text += String.fromCharCode(32 + next(95));
    try {
      compileExpression(text);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
    }
  }
});

test('the parser configuration survives someone else changing jsep', async () => {
  const { default: jsep } = await import('jsep');
  jsep.addBinaryOp('===', 6);
  jsep.removeBinaryOp('and');
  assert.is(compileExpression('true and true').evaluate({}), true);
  compileError('a === b');
});

test.run();
