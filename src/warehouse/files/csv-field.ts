/** One CSV field's text, quoted the way Go's `encoding/csv` quotes it (RFC 4180). */

// Unicode white space as Go's unicode.IsSpace defines it (JS \s would also take U+FEFF).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const SPECIAL = /[",\r\n]/;

/** One CSV field, quoted only when a reader would otherwise misread it. */
export function csvField(text: string): string {
  if (text === '') return text;
  if (!needsQuotes(text)) return text;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Whether a field holds a quote, comma or line break, starts with white space, or is `\.`.
 * Most cells are short ASCII text, so this looks at the characters itself; the regular
 * expressions only settle a first character outside ASCII and long texts.
 */
function needsQuotes(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first < 0x80) {
    if (first === 0x20 || (first >= 0x09 && first <= 0x0d)) return true;
  } else if (LEADING_SPACE.test(text)) {
    return true;
  }
  if (text.length > 256) return SPECIAL.test(text) || text === '\\.';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) return true;
  }
  return text === '\\.';
}

