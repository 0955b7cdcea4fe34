/**
 * Number parsing with the rules of Go's `strconv`, which the reference uses for every numeric
 * query parameter. JavaScript's `Number()` is far more lenient (it trims spaces, takes `""` as
 * 0 and `0x10` as an integer), so the syntax is checked here first.
 */

/** An int64 value: a number while it is exactly representable, a bigint beyond ±2^53. */
export type Int64 = number | bigint;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, nothing else (no spaces,
 * no underscores, no base prefix). Out-of-range or malformed input gives null.
 */
export function parseGoInt64(s: string): Int64 | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  // Up to 15 digits always fits a double exactly.
  if (s.length <= 16) {
    const n = Number(s);
    return Object.is(n, -0) ? 0 : n;
  }
  const big = BigInt(s.startsWith('+') ? s.slice(1) : s);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big;
}

// Underscores may only sit between digits (or right after a base prefix), as in Go literals.
function underscoresAllowed(s: string): boolean {
  let body = s;
  if (body.startsWith('+') || body.startsWith('-')) body = body.slice(1);
  let saw: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  let i = 0;
  let hex = false;
  if (body.length >= 2 && body[0] === '0' && 'bBoOxX'.includes(body[1]!)) {
    i = 2;
    saw = 'digit';
    hex = body[1] === 'x' || body[1] === 'X';
  }
  for (; i < body.length; i++) {
    const c = body[i]!;
    const isDigit = (c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c));
    if (isDigit) {
      saw = 'digit';
      continue;
    }
    if (c === '_') {
      if (saw !== 'digit') return false;
      saw = 'underscore';
      continue;
    }
    if (saw === 'underscore') return false;
    saw = 'other';
  }
  return saw !== 'underscore';
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*)|(?:\.[0-9a-fA-F_]+))[pP]([+-]?[0-9_]+)$/;
const SPECIAL_FLOAT = /^(?:([+-]?)(inf|infinity)|(nan))$/i;

function hasDigit(s: string, hex: boolean): boolean {
  return hex ? /[0-9a-fA-F]/.test(s) : /[0-9]/.test(s);
}

function scaleByPowerOfTwo(value: number, exponent: number): number {
  // Scale in steps so that intermediate powers of two never overflow or underflow on their own.
  let v = value;
  let e = exponent;
  while (e > 1000) {
    v *= 2 ** 1000;
    e -= 1000;
    if (!Number.isFinite(v)) return v;
  }
  while (e < -1000) {
    v *= 2 ** -1000;
    e += 1000;
    if (v === 0) return v;
  }
  return v * 2 ** e;
}

function parseHexFloat(sign: string, mantissa: string, exponent: string): number {
  const dot = mantissa.indexOf('.');
  const intDigits = dot === -1 ? mantissa : mantissa.slice(0, dot);
  const fracDigits = dot === -1 ? '' : mantissa.slice(dot + 1);
  let m = BigInt('0x' + (intDigits + fracDigits || '0'));
  let exp = Number(exponent) - 4 * fracDigits.length;
  if (!Number.isFinite(exp)) exp = exponent.startsWith('-') ? -Infinity : Infinity;
  // Keep 60 significant bits plus a sticky bit so that converting to a double rounds once, correctly.
  const bits = m.toString(2).length;
  if (bits > 60) {
    const shift = BigInt(bits - 60);
    const dropped = m & ((1n << shift) - 1n);
    m = (m >> shift) | (dropped === 0n ? 0n : 1n);
    exp += bits - 60;
  }
  let value = Number(m);
  if (value !== 0) {
    if (exp === Infinity) value = Infinity;
    else if (exp === -Infinity) value = 0;
    else value = scaleByPowerOfTwo(value, exp);
  }
  return sign === '-' ? -value : value;
}

/**
 * The value of a plain decimal (`19.9`, `-3`, `.5`, `4.`: a sign, digits and at most one point,
 * with a digit somewhere), the form nearly every number a tracker sends takes; null for
 * anything else, which the general reading below decides. Go and `Number` read these digits
 * to the same nearest double.
 */
function plainDecimal(s: string): number | null {
  const n = s.length;
  let i = 0;
  if (n > 0) {
    const first = s.charCodeAt(0);
    if (first === 0x2b || first === 0x2d) i = 1;
  }
  let digits = 0;
  let point = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && !point) point = true;
    else return null;
  }
  if (digits === 0) return null;
  const value = Number(s);
  // Too large for a double: the general reading says so.
  return Number.isFinite(value) ? value : null;
}

/**
 * `strconv.ParseFloat(s, 64)`: decimal (`1.5`, `.5`, `1e3`) and hexadecimal (`0x1p-2`) literals
 * with an optional sign, Go digit separators, and `inf` / `infinity` / `nan` in any case. No
 * surrounding spaces. A value too large for a double is an error in Go and gives null here.
 */
export function parseGoFloat64(s: string): number | null {
  return plainDecimal(s) ?? parseGoFloat64Syntax(s);
}

/** `parseGoFloat64` by the whole syntax, without the shortcut for plain decimals (tests compare the two). */
export function parseGoFloat64Syntax(s: string): number | null {
  const special = SPECIAL_FLOAT.exec(s);
  if (special !== null) {
    if (special[3] !== undefined) return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) {
    const [, sign = '', mantissa = '', exponent = ''] = hex;
    if (!hasDigit(mantissa, true) || !/[0-9]/.test(exponent)) return null;
    if (s.includes('_') && !underscoresAllowed(s)) return null;
    const value = parseHexFloat(sign, mantissa.replaceAll('_', ''), exponent.replaceAll('_', ''));
    return Number.isFinite(value) ? value : null;
  }
  if (!DECIMAL_FLOAT.test(s)) return null;
  const expAt = s.search(/[eE]/);
  const mantissa = expAt === -1 ? s : s.slice(0, expAt);
  if (!hasDigit(mantissa, false)) return null;
  if (expAt !== -1 && !hasDigit(s.slice(expAt + 1), false)) return null;
  let clean = s;
  if (s.includes('_')) {
    // Go accepts separators only when a base prefix is present or between decimal digits.
    if (!underscoresAllowed(s)) return null;
    clean = s.replaceAll('_', '');
  }
  const value = Number(clean);
  return Number.isFinite(value) ? value : null;
}
