/**
 * The variables a traffic-filter expression sees for one event: exactly the configured fields,
 * each as text the way d8a's Go formatting would print it, so string comparisons written for
 * d8a behave the same. A configured field the event lacks is the empty string; a null value is
 * the text `<nil>`; fields that are not configured are not defined at all (nil in expressions).
 */
import type { Event } from '../schema/session.js';

/** Go's shortest `%v` form of a float: plain decimals, or `1.5e+06` / `1e-05` outside 1e-4 ≤ |x| < 1e6. */
function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const magnitude = Math.abs(exponent).toString().padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  return String(value);
}

function formatNumber(value: number): string {
  // JavaScript cannot tell an int64 column from a float64 one holding a whole number; whole
  // numbers are printed as integers (every integer column), others as Go prints floats.
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  return formatGoFloat(value);
}

const MAX_FORMAT_DEPTH = 8;

/** Text of one event value as Go's `%v` prints it (the subset event columns produce). */
export function formatFieldValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '<nil>';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatNumber(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      break;
  }
  if (depth >= MAX_FORMAT_DEPTH) return '...';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '<nil>' : value.toISOString();
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    return `[${items.map((item) => formatFieldValue(item, depth + 1)).join(' ')}]`;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `[${Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).join(' ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${formatFieldValue(v, depth + 1)}`).join(' ')}]`;
  }
  return String(value);
}

export function filterEnvironment(event: Event, fields: readonly string[]): Record<string, unknown> {
  const env = Object.create(null) as Record<string, unknown>;
  for (const field of fields) {
    const present = Object.prototype.hasOwnProperty.call(event.values, field) && event.values[field] !== undefined;
    env[field] = present ? formatFieldValue(event.values[field]) : '';
  }
  return env;
}
