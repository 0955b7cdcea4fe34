/**
 * Text forms of row values, as d8a's Go drivers print them, so that files and console output
 * read the same as the reference's: Go's `%v` for floats, RFC 3339 with trimmed nanoseconds for
 * times, and Go's JSON encoding (sorted keys, HTML-safe escapes) for nested values.
 */
import { DataType, TimeUnit } from 'apache-arrow';

// ---------------------------------------------------------------- floats

/**
 * A float the way Go's `%v` prints it: the shortest digits that read back to the same value,
 * in exponent form when the decimal exponent is below -4 or at least 6 (`1e+06`, `1e-05`).
 */
export function formatFloat64(x: number): string {
  const special = nonFiniteText(x);
  if (special !== null) return special;
  return goShortest(x.toExponential());
}

/** As `formatFloat64`, with the shortest digits that identify the value as a 32-bit float. */
export function formatFloat32(x: number): string {
  const special = nonFiniteText(x);
  if (special !== null) return special;
  const single = Math.fround(x);
  for (let precision = 1; precision <= 9; precision++) {
    const text = single.toExponential(precision - 1);
    if (Math.fround(Number(text)) === single) return goShortest(text);
  }
  return goShortest(single.toExponential());
}

function nonFiniteText(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return null;
}

/** Turns JS exponential text (`-1.25e+7`) into Go's `%v` layout. */
function goShortest(exponential: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (match === null) return exponential;
  const sign = match[1] ?? '';
  const digits = (match[2] ?? '') + (match[3] ?? '');
  const exponent = Number(match[4]);
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return fraction.length > 0 ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** An integer column's value in decimal; a fractional number falls back to the float form. */
export function formatInteger(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isInteger(value)) return formatFloat64(value);
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

// ---------------------------------------------------------------- times

const NANOS_PER_UNIT: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1_000_000_000n,
  [TimeUnit.MILLISECOND]: 1_000_000n,
  [TimeUnit.MICROSECOND]: 1_000n,
  [TimeUnit.NANOSECOND]: 1n,
};

/** RFC 3339 in UTC with as many fractional digits as needed (none for whole seconds). */
export function formatInstant(epochNanos: bigint): string {
  const billion = 1_000_000_000n;
  let seconds = epochNanos / billion;
  let nanos = epochNanos % billion;
  if (nanos < 0n) {
    nanos += billion;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const base = iso.slice(0, 19);
  if (nanos === 0n) return `${base}Z`;
  const fraction = nanos.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}.${fraction}Z`;
}

export function formatDateObject(date: Date): string {
  return formatInstant(BigInt(date.getTime()) * 1_000_000n);
}

/**
 * A timestamp column's value. Rows normally carry RFC 3339 strings (kept verbatim, as d8a
 * does); a `Date` is printed in UTC; a number or bigint counts the column's own unit since the
 * epoch (seconds for `timestamp[s]`).
 */
export function formatTimestampValue(value: unknown, unit: TimeUnit): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDateObject(value);
  const perUnit = NANOS_PER_UNIT[unit] ?? 1_000_000_000n;
  if ((typeof value === 'bigint' || typeof value === 'number') && !withinDateRange((Number(value) * Number(perUnit)) / 1e6)) return null;
  if (typeof value === 'bigint') return formatInstant(value * perUnit);
  if (typeof value === 'number') {
    // Split whole and fractional units so large epochs keep their precision.
    const whole = Math.floor(value);
    const fractionNanos = BigInt(Math.round((value - whole) * Number(perUnit)));
    return formatInstant(BigInt(whole) * perUnit + fractionNanos);
  }
  return null;
}

/** Whether a Date can hold the instant (±100,000,000 days around the epoch); outside it a value prints as a number. */
function withinDateRange(epochMs: number): boolean {
  return Math.abs(epochMs) <= 8.64e15;
}

/**
 * A date column's value: `YYYY-MM-DD` strings verbatim, a `Date` as its UTC day, a number as
 * days since the epoch (date32's stored value).
 */
export function formatDateValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  const days = typeof value === 'number' ? Math.floor(value) : typeof value === 'bigint' ? Number(value) : NaN;
  const epochMs = days * 86_400_000;
  return withinDateRange(epochMs) ? new Date(epochMs).toISOString().slice(0, 10) : null;
}

// ---------------------------------------------------------------- JSON

/**
 * Go's `encoding/json` output for a JS value: object keys sorted, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, times as RFC 3339, bytes as base64, and `null` for what JSON cannot hold.
 */
export function goJson(value: unknown): string {
  const out: string[] = [];
  appendJson(value, out, 0);
  return out.join('');
}

const MAX_DEPTH = 100;

function appendJson(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new Error('value nested too deeply to encode as JSON');
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(jsonString(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (value instanceof Date) {
    out.push(Number.isNaN(value.getTime()) ? 'null' : jsonString(formatDateObject(value)));
    return;
  }
  if (value instanceof Uint8Array) {
    out.push(jsonString(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')));
    return;
  }
  if (Array.isArray(value)) {
    appendArray(value, out, depth);
    return;
  }
  if (value instanceof Map) {
    // Keys as text, as a Go map's would be; two keys with the same text keep the later value.
    const members: Record<string, unknown> = {};
    for (const [k, v] of value) Object.defineProperty(members, String(k), { value: v, enumerable: true, writable: true, configurable: true });
    appendPlainObject(members, out, depth);
    return;
  }
  if (value instanceof Set) {
    appendArray([...value], out, depth);
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // Arrow vectors and struct rows describe themselves this way.
    appendJson(toJSON.call(value), out, depth + 1);
    return;
  }
  appendPlainObject(value as Record<string, unknown>, out, depth);
}

/**
 * A plain object's members in Go's key order. Nested rows repeat a handful of shapes (an item's
 * 27 fields, a parameter's three), so the sorted, quoted keys of each recent key list are kept
 * and found again by comparing the keys themselves.
 */
function appendPlainObject(value: Record<string, unknown>, out: string[], depth: number): void {
  const keys = Object.keys(value);
  const sorted = sortedKeysOf(keys);
  out.push('{');
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!;
    out.push(i > 0 ? key.commaQuoted : key.quoted);
    appendJson(value[key.name], out, depth + 1);
  }
  out.push('}');
}

export interface SortedKey {
  name: string;
  /** `"name":` */
  quoted: string;
  /** `,"name":` */
  commaQuoted: string;
}

const KEY_SHAPE_CACHE_SIZE = 16;
const keyShapes: { keys: string[]; sorted: SortedKey[] }[] = [];

/** The keys in Go's order with their quoted forms, for a recent key list kept from before. */
export function sortedKeysOf(keys: string[]): SortedKey[] {
  for (const shape of keyShapes) {
    if (shape.keys.length !== keys.length) continue;
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (shape.keys[i] !== keys[i]) {
        same = false;
        break;
      }
    }
    if (same) return shape.sorted;
  }
  const sorted = [...keys].sort(compareCodePoints).map((name) => {
    const quoted = `${jsonString(name)}:`;
    return { name, quoted, commaQuoted: `,${quoted}` };
  });
  if (keyShapes.length >= KEY_SHAPE_CACHE_SIZE) keyShapes.pop();
  keyShapes.unshift({ keys, sorted });
  return sorted;
}

function appendArray(items: readonly unknown[], out: string[], depth: number): void {
  out.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    appendJson(items[i], out, depth + 1);
  }
  out.push(']');
}

/** Go sorts map keys by their UTF-8 bytes, which is code-point order (not UTF-16 order). */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done === true) return r.done === true ? 0 : -1;
    if (r.done === true) return 1;
    const lc = l.value.codePointAt(0) ?? 0;
    const rc = r.value.codePointAt(0) ?? 0;
    if (lc !== rc) return lc - rc;
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

// Control characters, quote, backslash, HTML-significant characters, the JS line separators and
// lone surrogates (which Go would have replaced as invalid UTF-8).
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A JSON string literal as Go writes it (HTML-safe, lone surrogates as U+FFFD). */
export function jsonString(text: string): string {
  // Most texts are plain ASCII with nothing to escape; only the others pay for the expression.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c > 0x7e) {
      return `"${text.replace(NEEDS_ESCAPE, escapeChar)}"`;
    }
  }
  return `"${text}"`;
}

function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const code = ch.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------- by Arrow type

/**
 * One cell's text for a column of `type`, or null for NULL. Nested values become Go JSON;
 * values whose JS kind does not match the column are printed by their kind rather than
 * rejected, so one odd value never blocks a whole file.
 */
export function formatCell(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  if (DataType.isTimestamp(type)) {
    const text = formatTimestampValue(value, type.unit);
    if (text !== null) return text;
  } else if (DataType.isDate(type)) {
    const text = formatDateValue(value);
    if (text !== null) return text;
  }
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (DataType.isFloat(type)) return type.precision === 0 || type.precision === 1 ? formatFloat32(value) : formatFloat64(value);
      if (DataType.isInt(type)) return formatInteger(value);
      return Number.isInteger(value) ? formatInteger(value) : formatFloat64(value);
    default:
      break;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDateObject(value);
  return goJson(value);
}
