/**
 * The functions an expression may call: d8a's `inCidr` and the expr-lang string builtins that
 * filters use. The table is a Map so that a name like `constructor` is simply unknown.
 */
import { ExpressionRuntimeError } from './errors.js';
import { ipInCidr } from './cidr.js';
import { typeOfValue, type Value } from './values.js';

/** What the compiler may assume about a result, for its type checks. */
export type StaticType = 'string' | 'number' | 'bool' | 'array' | 'unknown';

export interface BuiltinFunction {
  readonly name: string;
  readonly minArgs: number;
  /** Infinity when extra arguments are accepted (and ignored). */
  readonly maxArgs: number;
  /** For each argument position, the static types it may have (an unknown type always fits). */
  readonly argumentTypes: readonly (readonly StaticType[])[];
  readonly resultType: StaticType;
  call(args: readonly Value[]): Value;
}

function requireString(fn: string, value: Value | undefined): string {
  if (typeof value !== 'string') throw new ExpressionRuntimeError(`${fn}() expects a string, got ${typeOfValue(value ?? null)}`);
  return value;
}

/** Go's unicode.IsSpace set, which differs from JavaScript's trim (no U+FEFF, plus U+0085). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, 'u');
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, 'u');

function trimCutset(text: string, cutset: string): string {
  const cut = new Set(cutset);
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start] ?? '')) start++;
  while (end > start && cut.has(chars[end - 1] ?? '')) end--;
  return chars.slice(start, end).join('');
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const BUILTINS: readonly BuiltinFunction[] = [
  {
    // d8a's own function: any argument that is missing, not a string, or not parsable gives false.
    name: 'inCidr',
    minArgs: 0,
    maxArgs: Infinity,
    argumentTypes: [],
    resultType: 'bool',
    call: ([ip, cidr]) => typeof ip === 'string' && typeof cidr === 'string' && ipInCidr(ip, cidr),
  },
  {
    name: 'lower',
    minArgs: 1,
    maxArgs: 1,
    argumentTypes: [['string']],
    resultType: 'string',
    call: ([text]) => requireString('lower', text).toLowerCase(),
  },
  {
    name: 'upper',
    minArgs: 1,
    maxArgs: 1,
    argumentTypes: [['string']],
    resultType: 'string',
    call: ([text]) => requireString('upper', text).toUpperCase(),
  },
  {
    name: 'trim',
    minArgs: 1,
    maxArgs: 2,
    argumentTypes: [['string'], ['string']],
    resultType: 'string',
    call: ([text, cutset]) => {
      const s = requireString('trim', text);
      if (cutset === undefined) return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
      return trimCutset(s, requireString('trim', cutset));
    },
  },
  {
    name: 'len',
    minArgs: 1,
    maxArgs: 1,
    argumentTypes: [['string', 'array']],
    resultType: 'number',
    call: ([value]) => {
      if (typeof value === 'string') return countCodePoints(value);
      if (Array.isArray(value)) return value.length;
      throw new ExpressionRuntimeError(`len() expects a string or an array, got ${typeOfValue(value ?? null)}`);
    },
  },
];

const BUILTINS_BY_NAME: ReadonlyMap<string, BuiltinFunction> = new Map(BUILTINS.map((fn) => [fn.name, fn]));

export function findBuiltin(name: string): BuiltinFunction | undefined {
  return BUILTINS_BY_NAME.get(name);
}
