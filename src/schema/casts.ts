import { BrokenEventError } from './errors.js';
import { parseGoFloat64, parseGoInt64 } from './go-number.js';

/**
 * Value casts applied after a column has read its raw value. They follow the reference's cast
 * helpers, with one deliberate difference: strings are cut to 8,192 characters (code points,
 * so a character is never split) where the reference cuts at 8,096 bytes, possibly inside a
 * UTF-8 sequence.
 */
export type Cast = (value: unknown) => unknown;

export const MAX_STRING_LENGTH = 8192;

/** The first `MAX_STRING_LENGTH` code points of `s`; a surrogate pair is never separated. */
export function truncateString(s: string, limit: number = MAX_STRING_LENGTH): string {
  // A string has at least as many UTF-16 units as code points, so short strings need no walk.
  if (s.length <= limit) return s;
  let units = 0;
  let codePoints = 0;
  while (units < s.length && codePoints < limit) {
    const c = s.charCodeAt(units);
    const isPair = c >= 0xd800 && c <= 0xdbff && units + 1 < s.length && (s.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
    units += isPair ? 2 : 1;
    codePoints++;
  }
  return s.slice(0, units);
}

/** S: a string or a broken event; `""` becomes null; long strings are cut. */
export const castStringOrNull: Cast = (value) => {
  if (typeof value !== 'string') throw new BrokenEventError('value is not a string');
  if (value === '') return null;
  return truncateString(value);
};

/** E: a non-empty string or a broken event; long strings are cut. */
export const castNonEmptyString: Cast = (value) => {
  if (typeof value !== 'string') throw new BrokenEventError('value is not a string');
  if (value === '') throw new BrokenEventError('value is empty');
  return truncateString(value);
};

/** F: a Go-syntax float, else null (also for non-strings and `""`). */
export const castFloat64OrNull: Cast = (value) => {
  if (typeof value !== 'string' || value === '') return null;
  return parseGoFloat64(value);
};

/** I: a base-10 int64, else null (also for non-strings and `""`). */
export const castInt64OrNull: Cast = (value) => {
  if (typeof value !== 'string' || value === '') return null;
  return parseGoInt64(value);
};

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0', 'f']);

/** The bool a word stands for (trimmed, any case), or null when it is not one of the known words. */
export function parseBoolWord(s: string): boolean | null {
  const word = s.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/**
 * B: a bool is kept, a string is read as a bool word (unknown words and `""` give null), and
 * anything else gives false — the reference's rule for a hit without any query parameter.
 */
export const castBoolOrNull: Cast = (value) => {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return false;
  return parseBoolWord(value);
};

export const noCast: Cast = (value) => value;
