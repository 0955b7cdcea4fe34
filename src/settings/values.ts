/**
 * Turns raw values (YAML scalars and lists, or env / flag text) into the typed value of a key.
 * Env and flag values always arrive as text; YAML values may already be numbers or booleans.
 */
import type { KeySpec } from './keys.js';
import { DurationSyntaxError, parseGoDuration } from './duration.js';

export type Converted = { ok: true; value: unknown } | { ok: false; problem: string };

const ok = (value: unknown): Converted => ({ ok: true, value });
const bad = (problem: string): Converted => ({ ok: false, problem });

/** Shows a raw value in a message the way the user wrote it, bounded so junk cannot flood the log. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'nothing';
  else if (value instanceof Map) text = 'a mapping';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const INT_RE = /^[+-]?\d+$/;
// Decimal floats only: hex, Infinity and NaN make no sense for any key.
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// What Go's strconv.ParseBool accepts (d8a's flag library), plus the YAML 1.1 words that d8a's
// YAML reader still maps to booleans.
const TRUE_WORDS = new Set(['1', 't', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'f', 'false', 'no', 'off']);

function boundsText(spec: KeySpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return spec.min === 0 ? ' of 0 or more' : ` of ${spec.min} or more`;
  if (spec.max !== undefined) return ` of at most ${spec.max}`;
  return '';
}

function inBounds(spec: KeySpec, n: number): boolean {
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

function toInt(spec: KeySpec, raw: unknown): Converted {
  let n: number | undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) n = raw;
  else if (typeof raw === 'string' && INT_RE.test(raw.trim())) n = Number(raw.trim());
  const want = `a whole number${boundsText(spec)}`;
  if (n === undefined || !Number.isSafeInteger(n) || !inBounds(spec, n)) return bad(`expected ${want}`);
  return ok(n);
}

function toFloat(spec: KeySpec, raw: unknown): Converted {
  let n: number | undefined;
  if (typeof raw === 'number' && Number.isFinite(raw)) n = raw;
  else if (typeof raw === 'string' && FLOAT_RE.test(raw.trim())) n = Number(raw.trim());
  if (n === undefined || !Number.isFinite(n) || !inBounds(spec, n)) return bad(`expected a number${boundsText(spec)}`);
  return ok(n);
}

export function toBool(raw: unknown): Converted {
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'string') {
    const w = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return ok(true);
    if (FALSE_WORDS.has(w)) return ok(false);
  }
  if (raw === 0 || raw === 1) return ok(raw === 1);
  return bad('expected true or false');
}

const DURATION_HINT = 'expected a duration such as 300ms, 10s or 1h30m (units ns, us, ms, s, m, h)';

function toDuration(spec: KeySpec, raw: unknown): Converted {
  if (raw === 0) return ok(0);
  if (typeof raw !== 'string') return bad(DURATION_HINT);
  try {
    const ms = parseGoDuration(raw.trim());
    if (ms < 0) return bad('a negative duration is not allowed');
    if (spec.positive && ms === 0) return bad('the duration must be greater than zero');
    return ok(ms);
  } catch (err) {
    const reason = err instanceof DurationSyntaxError ? err.reason : String(err);
    return bad(`${DURATION_HINT}; ${reason}`);
  }
}

function toScalarString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  // YAML readers often see `port: 9000` or `id: 7` where text is meant; accept those as text.
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return undefined;
}

function toString(spec: KeySpec, raw: unknown): Converted {
  const s = toScalarString(raw);
  if (s === undefined) return bad('expected a single text value');
  if (spec.nonEmpty && s.trim() === '') return bad('must not be empty');
  if (spec.allowed && !(s === '' && spec.default === '')) {
    const match = spec.ignoreCase ? spec.allowed.find((a) => a.toLowerCase() === s.toLowerCase()) : spec.allowed.find((a) => a === s);
    if (match === undefined) {
      return bad(`expected one of ${spec.allowed.filter((a) => a !== '').join(', ')}`);
    }
    return ok(match);
  }
  return ok(s);
}

/** Splits comma-separated text the way d8a's flag library does for list flags and env values. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function toStringList(raw: unknown): Converted {
  if (raw === null || raw === undefined) return ok([]);
  if (typeof raw === 'string') return ok(splitList(raw));
  if (Array.isArray(raw)) {
    const out: string[] = [];
    for (const item of raw) {
      const s = toScalarString(item);
      if (s === undefined) return bad('expected a list of text values');
      out.push(s);
    }
    return ok(out);
  }
  const single = toScalarString(raw);
  if (single !== undefined) return ok([single]);
  return bad('expected a list of text values');
}

/**
 * Converts a raw value for any key except json-list ones, which keep their entries raw for the
 * shape validation in custom-columns.ts.
 */
export function convert(spec: KeySpec, raw: unknown): Converted {
  switch (spec.type) {
    case 'string':
      return toString(spec, raw);
    case 'int':
      return toInt(spec, raw);
    case 'float':
      return toFloat(spec, raw);
    case 'bool':
      return toBool(raw);
    case 'duration':
      return toDuration(spec, raw);
    case 'string-list':
      return toStringList(raw);
    case 'json-list':
      if (raw === null || raw === undefined) return ok([]);
      return Array.isArray(raw) ? ok(raw) : bad('expected a list of entries');
  }
}

/** The typed value of a key's built-in default. */
export function defaultValue(spec: KeySpec): unknown {
  if (spec.default === null) return null;
  if (Array.isArray(spec.default)) return [...spec.default];
  const c = convert(spec, spec.default);
  if (!c.ok) throw new Error(`built-in default of ${spec.key} is invalid: ${c.problem}`);
  return c.value;
}
