/**
 * Text rules the reference applies with Go's `strings` package. JavaScript's own
 * `toLowerCase` and `trim` differ at the edges (a final `Σ` becomes `ς`, `İ` becomes two code
 * points, U+0085 is not trimmed but U+FEFF is), which would change stored values.
 */

/** `strings.ToLower`: each code point on its own, one code point out for one in. */
export function goToLower(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    // Go maps `İ` (U+0130) to a plain `i`; JavaScript appends a combining dot.
    out += lower.length > 1 && [...lower].length > 1 ? String.fromCodePoint(lower.codePointAt(0)!) : lower;
  }
  return out;
}

/** Unicode `White_Space`, which is what Go's `unicode.IsSpace` tests. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SURROUNDING_GO_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  return s.replace(SURROUNDING_GO_SPACE, '');
}

const REMOVED_CHARACTERS = /[/\\?&=#]/g;

/**
 * The form every source, medium and term is stored in: lower case, spaces as `-`, no URL
 * punctuation, no surrounding white space — in that order, as the reference does it.
 */
export function normaliseAttributionValue(s: string): string {
  return goTrimSpace(goToLower(s).replaceAll(' ', '-').replace(REMOVED_CHARACTERS, ''));
}
