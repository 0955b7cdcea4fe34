/**
 * The expression grammar on top of jsep: expr-lang's operators, word operators and precedence,
 * nil, and our own scanning of numbers and strings (Go-style escapes, raw back-quoted strings,
 * `_` digit separators, hex/octal/binary integers), so that a d8a filter reads the same here.
 *
 * jsep keeps its operator tables and hooks in module-global state. Cairn is their only user, so
 * the tables are set once when this module loads; the hooks act only while `parseExpression`
 * runs, and the tables are checked (and restored) before each parse in case anything changed them.
 */
import jsep from 'jsep';
import { ExpressionError } from './errors.js';

/** jsep precedences (higher binds tighter), ordered like expr-lang's. */
const OR_PRECEDENCE = 1;
const AND_PRECEDENCE = 2;
const COMPARISON_PRECEDENCE = 6;
const ADDITIVE_PRECEDENCE = 9;
const MULTIPLICATIVE_PRECEDENCE = 10;

/**
 * Every binary operator the parser accepts. expr-lang gives all comparisons and the word
 * operators one level, so `a == b in c` groups left to right. The `not …` forms are expr-lang's
 * negated operators; jsep matches operators textually, so they need exactly one space.
 */
export const BINARY_PRECEDENCE: Readonly<Record<string, number>> = Object.freeze({
  '||': OR_PRECEDENCE,
  or: OR_PRECEDENCE,
  '&&': AND_PRECEDENCE,
  and: AND_PRECEDENCE,
  '==': COMPARISON_PRECEDENCE,
  '!=': COMPARISON_PRECEDENCE,
  '<': COMPARISON_PRECEDENCE,
  '>': COMPARISON_PRECEDENCE,
  '<=': COMPARISON_PRECEDENCE,
  '>=': COMPARISON_PRECEDENCE,
  in: COMPARISON_PRECEDENCE,
  contains: COMPARISON_PRECEDENCE,
  startsWith: COMPARISON_PRECEDENCE,
  endsWith: COMPARISON_PRECEDENCE,
  matches: COMPARISON_PRECEDENCE,
  'not in': COMPARISON_PRECEDENCE,
  'not contains': COMPARISON_PRECEDENCE,
  'not startsWith': COMPARISON_PRECEDENCE,
  'not endsWith': COMPARISON_PRECEDENCE,
  'not matches': COMPARISON_PRECEDENCE,
  '+': ADDITIVE_PRECEDENCE,
  '-': ADDITIVE_PRECEDENCE,
  '*': MULTIPLICATIVE_PRECEDENCE,
  '/': MULTIPLICATIVE_PRECEDENCE,
  '%': MULTIPLICATIVE_PRECEDENCE,
});

export const UNARY_OPERATORS: readonly string[] = Object.freeze(['!', 'not', '-', '+']);

const LITERALS: Readonly<Record<string, boolean | null>> = Object.freeze({ true: true, false: false, nil: null, null: null });

/**
 * Tokens nested deeper than this (parentheses, brackets, chains of unary operators) are refused
 * before jsep's recursive descent can exhaust the call stack.
 */
const MAX_TOKEN_NESTING = 200;

/** What a parse has open: the start index of each token being read, and the last one seen. */
interface ParseState {
  tokenStarts: { index: number; opener: string }[];
  lastIndex: number;
}

let activeParse: ParseState | null = null;

interface OperatorTables {
  binary_ops: Record<string, number>;
  unary_ops: Record<string, unknown>;
  literals: Record<string, unknown>;
}

function isTables(value: unknown): value is OperatorTables {
  if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) return false;
  const t = value as Partial<Record<keyof OperatorTables, unknown>>;
  return [t.binary_ops, t.unary_ops, t.literals].every((table) => typeof table === 'object' && table !== null);
}

/**
 * The tables jsep really reads. Its default export holds copies of the class's table references
 * taken at load, which go stale once a `removeAll…` call replaces a table, so the class itself
 * (exposed as `jsep.Jsep`) is read when present.
 */
function liveTables(): OperatorTables {
  const parserClass: unknown = (jsep as unknown as { Jsep?: unknown }).Jsep;
  if (isTables(parserClass)) return parserClass;
  return jsep as unknown as OperatorTables;
}

function grammarFingerprint(): string {
  const tables = liveTables();
  const binary = Object.entries(tables.binary_ops).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([binary, Object.keys(tables.unary_ops).sort(), Object.keys(tables.literals).sort()]);
}

function applyOperatorTables(): void {
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  jsep.removeAllLiterals();
  for (const [op, precedence] of Object.entries(BINARY_PRECEDENCE)) jsep.addBinaryOp(op, precedence);
  for (const op of UNARY_OPERATORS) jsep.addUnaryOp(op);
  for (const [name, value] of Object.entries(LITERALS)) jsep.addLiteral(name, value);
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isHexDigit = (ch: string): boolean => isDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');

function isIdentifierChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || isDigit(ch) || ch === '_' || ch === '$' || ch.charCodeAt(0) >= 128;
}

/** Reads digits of one base, allowing `_` only between two digits (as Go and expr-lang do). */
function scanDigits(scope: jsep.HookScope, accepts: (ch: string) => boolean, what: string): string {
  const text = scope.expr;
  let digits = '';
  while (scope.index < text.length) {
    const ch = text.charAt(scope.index);
    if (accepts(ch)) {
      digits += ch;
      scope.index++;
    } else if (ch === '_' && digits !== '' && accepts(text.charAt(scope.index + 1))) {
      scope.index++;
    } else {
      break;
    }
  }
  if (digits === '') scope.throwError(`malformed ${what}`);
  return digits;
}

function scanNumber(scope: jsep.HookScope): jsep.Literal {
  const text = scope.expr;
  const start = scope.index;
  let value: number;
  const prefix = text.slice(start, start + 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
    scope.index += 2;
    const base = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
    const accepts = base === 16 ? isHexDigit : base === 8 ? (ch: string) => ch >= '0' && ch <= '7' : (ch: string) => ch === '0' || ch === '1';
    const digits = scanDigits(scope, accepts, 'number');
    value = Number.parseInt(digits, base);
  } else {
    let literal = '';
    if (text.charAt(start) !== '.') literal += scanDigits(scope, isDigit, 'number');
    if (text.charAt(scope.index) === '.' && isDigit(text.charAt(scope.index + 1))) {
      scope.index++;
      literal += '.' + scanDigits(scope, isDigit, 'number');
    } else if (text.charAt(scope.index) === '.' && literal === '') {
      scope.throwError('unexpected "."');
    }
    const exponentMark = text.charAt(scope.index);
    if (exponentMark === 'e' || exponentMark === 'E') {
      scope.index++;
      let sign = '';
      const maybeSign = text.charAt(scope.index);
      if (maybeSign === '+' || maybeSign === '-') {
        sign = maybeSign;
        scope.index++;
      }
      literal += 'e' + sign + scanDigits(scope, isDigit, 'exponent');
    }
    value = Number(literal);
  }
  const next = text.charAt(scope.index);
  if (next !== '' && (isIdentifierChar(next) || next === '.')) scope.throwError(`unexpected "${next}" after a number`);
  return { type: 'Literal', value, raw: text.slice(start, scope.index) };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
});

/** A quoted string with Go's escapes; a back-quoted string is raw and may span lines. */
function scanString(scope: jsep.HookScope): jsep.Literal {
  const text = scope.expr;
  const start = scope.index;
  const quote = text.charAt(start);
  const unterminated = (): never => {
    scope.index = start;
    return scope.throwError('unterminated string');
  };
  scope.index++;
  if (quote === '`') {
    const end = text.indexOf('`', scope.index);
    if (end < 0) unterminated();
    const value = text.slice(scope.index, end);
    scope.index = end + 1;
    return { type: 'Literal', value, raw: text.slice(start, scope.index) };
  }
  let value = '';
  for (;;) {
    if (scope.index >= text.length) unterminated();
    const ch = text.charAt(scope.index);
    if (ch === quote) {
      scope.index++;
      break;
    }
    if (ch === '\n') unterminated();
    if (ch !== '\\') {
      value += ch;
      scope.index++;
      continue;
    }
    const escapeStart = scope.index;
    const code = text.charAt(scope.index + 1);
    scope.index += 2;
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      value += simple;
      continue;
    }
    const hexLength = code === 'x' ? 2 : code === 'u' ? 4 : code === 'U' ? 8 : 0;
    let codePoint: number;
    if (hexLength > 0) {
      const hex = text.slice(scope.index, scope.index + hexLength);
      if (hex.length !== hexLength || ![...hex].every(isHexDigit)) {
        scope.index = escapeStart;
        scope.throwError('invalid escape in string');
      }
      codePoint = Number.parseInt(hex, 16);
      scope.index += hexLength;
    } else if (code >= '0' && code <= '7') {
      const octal = text.slice(scope.index - 1, scope.index + 2);
      if (!/^[0-7]{3}$/.test(octal)) {
        scope.index = escapeStart;
        scope.throwError('invalid escape in string');
      }
      codePoint = Number.parseInt(octal, 8);
      scope.index += 2;
    } else {
      scope.index = escapeStart;
      return scope.throwError('invalid escape in string');
    }
    if (code === 'x' || (code >= '0' && code <= '7')) {
      // Go reads \x and octal escapes as single bytes; only the ASCII range maps to one character.
      if (codePoint > 0x7f) {
        scope.index = escapeStart;
        scope.throwError('byte escapes above \\x7f are not supported in strings');
      }
    } else if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      scope.index = escapeStart;
      scope.throwError('escape is not a valid Unicode code point');
    }
    value += String.fromCodePoint(codePoint);
  }
  return { type: 'Literal', value, raw: text.slice(start, scope.index) };
}

/** Index of the first character at or after `from` that jsep does not skip as white space. */
function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  return i;
}

function onGobbleToken(this: jsep.HookScope, env: { node?: jsep.Expression }): void {
  const state = activeParse;
  if (state === null) return;
  const start = this.index;
  const opener = this.char;
  state.lastIndex = start;
  // Pushed for every token; the after-token hook pops it, which every path of jsep's token
  // reader reaches once we scan numbers here (jsep's own number path skips that hook).
  state.tokenStarts.push({ index: start, opener });
  if (state.tokenStarts.length > MAX_TOKEN_NESTING) this.throwError('expression is nested too deeply');
  if (isDigit(opener) || opener === '.') {
    env.node = scanNumber(this);
  } else if (opener === '"' || opener === "'" || opener === '`') {
    env.node = this.gobbleTokenProperty(scanString(this));
  } else if (opener === '(') {
    const inner = firstNonSpace(this.expr, start + 1);
    const ch = this.expr.charAt(inner);
    if (ch === ')') this.throwError('empty parentheses');
    if (ch === ',' || ch === ';') {
      // jsep would skip a separator right after the parenthesis without a word.
      this.index = inner;
      this.throwError(`unexpected "${ch}"`);
    }
  }
}

function onAfterToken(env: { node?: jsep.Expression | false }): void {
  const state = activeParse;
  if (state === null) return;
  const open = state.tokenStarts.pop();
  const node = env.node;
  if (node && open !== undefined && typeof node.start !== 'number') node.start = open.index;
}

/**
 * jsep skips `;` everywhere and `,` at the top level and inside parentheses, which would let
 * `a == 1;` or `(a, )` through; separators are only meaningful inside brackets and call arguments.
 */
function onGobbleSpaces(this: jsep.HookScope): void {
  const state = activeParse;
  if (state === null) return;
  const ch = this.char;
  if (ch === ';') this.throwError('unexpected ";"');
  if (ch === ',') {
    const innermost = state.tokenStarts[state.tokenStarts.length - 1];
    if (innermost === undefined || innermost.opener === '(') this.throwError('unexpected ","');
  }
}

applyOperatorTables();
const CONFIGURED_FINGERPRINT = grammarFingerprint();
jsep.hooks.add('gobble-token', onGobbleToken);
jsep.hooks.add('after-token', onAfterToken as jsep.HookCallback);
jsep.hooks.add('gobble-spaces', onGobbleSpaces);

/** jsep's messages, reworded; `detail` is what follows the fixed part. */
function rewordParserMessage(description: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Unexpected "(.*)"$/s.exec(description)) !== null || (m = /^Unexpected (?:token )?(.*)$/s.exec(description)) !== null) {
    const token = m[1] ?? '';
    return token === '' ? 'unexpected end of expression' : `unexpected token "${token}"`;
  }
  if ((m = /^Expected expression after (.*)$/s.exec(description)) !== null) return `missing operand after "${m[1] ?? ''}"`;
  if (description === 'missing unaryOp argument') return 'missing operand after a unary operator';
  if (description === 'Unclosed (') return 'unclosed parenthesis';
  if (description === 'Unclosed [') return 'unclosed bracket';
  if (description === 'Expected comma') return 'expected ","';
  if ((m = /^Expected (.)$/s.exec(description)) !== null) return `expected "${m[1] ?? ''}"`;
  if (description === 'Expected expression') return 'missing operand in conditional';
  return description.charAt(0).toLowerCase() + description.slice(1);
}

function isParserFailure(error: unknown): error is Error & { index: number; description: string } {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & { index?: unknown; description?: unknown };
  return typeof fields.index === 'number' && typeof fields.description === 'string';
}

/**
 * Parses `text` into jsep's tree. Token nodes (and groups) carry `start`, the index where their
 * text begins. Throws ExpressionError and nothing else.
 */
export function parseExpression(text: string): jsep.Expression {
  if (grammarFingerprint() !== CONFIGURED_FINGERPRINT) applyOperatorTables();
  const leading = firstNonSpace(text, 0);
  const separator = text.charAt(leading);
  if (separator === ',' || separator === ';') throw new ExpressionError(`unexpected "${separator}"`, leading);
  const state: ParseState = { tokenStarts: [], lastIndex: 0 };
  activeParse = state;
  try {
    return jsep(text);
  } catch (error) {
    if (isParserFailure(error)) {
      let position = Math.min(Math.max(error.index, 0), text.length);
      // jsep reports a stray `)` after a trailing comma one character past it.
      if (error.description === 'Unexpected token )' && text.charAt(position - 1) === ')') position--;
      throw new ExpressionError(rewordParserMessage(error.description), position);
    }
    // A stack overflow in deeply nested conditionals, or anything else jsep did not foresee.
    throw new ExpressionError('expression is nested too deeply or malformed', state.lastIndex);
  } finally {
    activeParse = null;
  }
}
