/**
 * The values expressions compute with, and expr-lang's rules for comparing them: values of
 * different types are never equal (no coercion: `"5" == 5` and `nil == ""` are false), and
 * ordering is defined only between two numbers or two strings.
 */
import { ExpressionRuntimeError } from './errors.js';

export type Value = string | number | boolean | null | readonly Value[];

export type ValueType = 'nil' | 'string' | 'number' | 'bool' | 'array';

export function typeOfValue(value: Value): ValueType {
  if (value === null) return 'nil';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return 'array';
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  return a === b;
}

/**
 * Orders strings by code point, which is the byte order of their UTF-8 form (how Go compares);
 * JavaScript's `<` orders by UTF-16 unit and disagrees for characters above U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xIsSurrogate = x >= 0xd800 && x <= 0xdfff;
    const yIsSurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xIsSurrogate !== yIsSurrogate) return xIsSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export type OrderingOperator = '<' | '>' | '<=' | '>=';

export function orderValues(operator: OrderingOperator, a: Value, b: Value): boolean {
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    order = a < b ? -1 : a > b ? 1 : 0;
  } else if (typeof a === 'string' && typeof b === 'string') {
    order = compareStrings(a, b);
  } else {
    throw new ExpressionRuntimeError(`invalid operation: ${typeOfValue(a)} ${operator} ${typeOfValue(b)}`);
  }
  switch (operator) {
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '>=':
      return order >= 0;
  }
}

const MAX_ARRAY_DEPTH = 32;

/**
 * Reads one variable of the environment as a Value: absent → nil; strings, finite and
 * non-finite numbers, booleans and null as they are; arrays element by element. Anything else
 * (objects, functions, symbols) is refused, so no host object ever reaches an operator.
 */
export function toValue(input: unknown, name: string, depth = 0): Value {
  if (input === undefined || input === null) return null;
  switch (typeof input) {
    case 'string':
    case 'number':
    case 'boolean':
      return input;
    case 'bigint':
      return Number(input);
    default:
      break;
  }
  if (Array.isArray(input) && depth < MAX_ARRAY_DEPTH) {
    const items: unknown[] = input;
    return items.map((item) => toValue(item, name, depth + 1));
  }
  throw new ExpressionRuntimeError(`variable ${name} has a value of unsupported type`);
}
