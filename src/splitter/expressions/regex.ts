/**
 * Patterns for `matches` are written in RE2 syntax (Go's regexp, what d8a runs). JavaScript's
 * RegExp reads most of them the same, but several differ silently: `\A`, `\z`, `\pL`, POSIX
 * classes, `(?i)`, `(?P<name>…)`, a lone `{` or `]`, `\s` and `.`. This module rewrites the RE2
 * text into an equivalent JavaScript pattern (always in `u` mode, where unknown escapes are
 * errors) and refuses what RE2 refuses or what has no exact equivalent, such as lookaround,
 * backreferences and flag groups in the middle of a pattern.
 *
 * JavaScript's engine backtracks where RE2 runs in linear time, so a pathological pattern can
 * be slow on hostile input; filter patterns come from the operator's configuration.
 */

export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
}

/** RE2 refuses repetition counts above this. */
const MAX_REPEAT = 1000;

const JS_SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/'.split(''));

const RE2_SPACE = '\\t\\n\\f\\r ';

const POSIX_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
});

const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

function isAsciiAlphanumeric(ch: string): boolean {
  return /^[0-9A-Za-z]$/.test(ch);
}

function isHex(text: string): boolean {
  return /^[0-9A-Fa-f]+$/.test(text);
}

interface Cursor {
  readonly pattern: string;
  i: number;
}

/** `\p{…}` / `\pX` after the backslash and letter have been read. */
function unicodeClass(cursor: Cursor, negatedByLetter: boolean): string {
  let name: string;
  if (cursor.pattern.charAt(cursor.i) === '{') {
    const end = cursor.pattern.indexOf('}', cursor.i);
    if (end < 0) throw new RegexSyntaxError('invalid character class range: unterminated \\p{');
    name = cursor.pattern.slice(cursor.i + 1, end);
    cursor.i = end + 1;
  } else {
    name = cursor.pattern.charAt(cursor.i);
    cursor.i++;
  }
  let negated = negatedByLetter;
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  if (!/^[A-Za-z_]+$/.test(name)) throw new RegexSyntaxError(`invalid character class range: \\p{${name}}`);
  const letter = negated ? 'P' : 'p';
  if (name === 'Any') return negated ? '[^\\s\\S]' : '[\\s\\S]';
  if (GENERAL_CATEGORIES.has(name)) return `\\${letter}{${name}}`;
  return `\\${letter}{Script=${name}}`;
}

/** Reads one escape (the backslash is at cursor.i) and returns its JavaScript text. */
function escape(cursor: Cursor, inClass: boolean): string {
  const { pattern } = cursor;
  const ch = pattern.charAt(cursor.i + 1);
  cursor.i += 2;
  switch (ch) {
    case '':
      throw new RegexSyntaxError('trailing backslash at end of expression');
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
      return `\\${ch}`;
    case 'a':
      return '\\x07';
    case 's':
      return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
    case 'S':
      return inClass ? '\\S' : `[^${RE2_SPACE}]`;
    case 'b':
    case 'B':
      if (inClass) throw new RegexSyntaxError(`invalid escape sequence: \\${ch}`);
      return `\\${ch}`;
    case 'A':
      if (inClass) throw new RegexSyntaxError('invalid escape sequence: \\A');
      return '(?<![\\s\\S])';
    case 'z':
      if (inClass) throw new RegexSyntaxError('invalid escape sequence: \\z');
      return '(?![\\s\\S])';
    case 'x': {
      if (pattern.charAt(cursor.i) === '{') {
        const end = pattern.indexOf('}', cursor.i);
        const hex = end < 0 ? '' : pattern.slice(cursor.i + 1, end);
        if (!isHex(hex) || Number.parseInt(hex, 16) > 0x10ffff) throw new RegexSyntaxError('invalid escape sequence: \\x{');
        cursor.i = end + 1;
        return `\\u{${hex}}`;
      }
      const hex = pattern.slice(cursor.i, cursor.i + 2);
      if (hex.length !== 2 || !isHex(hex)) throw new RegexSyntaxError('invalid escape sequence: \\x');
      cursor.i += 2;
      return `\\x${hex}`;
    }
    case 'p':
    case 'P':
      return unicodeClass(cursor, ch === 'P');
    case 'Q': {
      if (inClass) throw new RegexSyntaxError('invalid escape sequence: \\Q');
      const end = pattern.indexOf('\\E', cursor.i);
      const literal = end < 0 ? pattern.slice(cursor.i) : pattern.slice(cursor.i, end);
      cursor.i = end < 0 ? pattern.length : end + 2;
      return [...literal].map((c) => (JS_SYNTAX_CHARACTERS.has(c) || c === '-' ? `\\${c}` : c)).join('');
    }
    default:
      break;
  }
  if (ch.charCodeAt(0) < 128 && !isAsciiAlphanumeric(ch)) {
    // RE2 lets any ASCII punctuation be escaped; in `u` mode JavaScript allows only its own
    // syntax characters (and `-` inside a class), so the rest become plain characters.
    if (JS_SYNTAX_CHARACTERS.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
    return ch === '-' ? '-' : ch;
  }
  if (/^[0-9]$/.test(ch)) throw new RegexSyntaxError(`invalid escape sequence: \\${ch} (backreferences are not supported)`);
  throw new RegexSyntaxError(`invalid escape sequence: \\${ch}`);
}

function characterClass(cursor: Cursor): string {
  const { pattern } = cursor;
  let out = '[';
  cursor.i++;
  if (pattern.charAt(cursor.i) === '^') {
    out += '^';
    cursor.i++;
  }
  // A `]` right after the opening bracket is a literal in RE2.
  if (pattern.charAt(cursor.i) === ']') {
    out += '\\]';
    cursor.i++;
  }
  for (;;) {
    if (cursor.i >= pattern.length) throw new RegexSyntaxError('missing closing ]');
    const ch = pattern.charAt(cursor.i);
    if (ch === ']') {
      cursor.i++;
      return out + ']';
    }
    if (ch === '\\') {
      out += escape(cursor, true);
      continue;
    }
    if (ch === '[' && pattern.charAt(cursor.i + 1) === ':') {
      const end = pattern.indexOf(':]', cursor.i + 2);
      if (end >= 0) {
        const name = pattern.slice(cursor.i + 2, end);
        const expansion = POSIX_CLASSES[name];
        if (expansion === undefined || !Object.prototype.hasOwnProperty.call(POSIX_CLASSES, name)) {
          throw new RegexSyntaxError(`invalid character class range: [:${name}:]`);
        }
        out += expansion;
        cursor.i = end + 2;
        continue;
      }
    }
    out += ch === '[' ? '\\[' : ch;
    cursor.i++;
  }
}

function group(cursor: Cursor): string {
  const { pattern } = cursor;
  if (pattern.charAt(cursor.i + 1) !== '?') {
    cursor.i++;
    return '(';
  }
  const rest = pattern.slice(cursor.i);
  if (rest.startsWith('(?:')) {
    cursor.i += 3;
    return '(?:';
  }
  const named = /^\(\?P?<([^>]*)>/.exec(rest);
  if (named !== null && !rest.startsWith('(?<=') && !rest.startsWith('(?<!')) {
    const name = named[1] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RegexSyntaxError(`invalid named capture: ${named[0]}`);
    cursor.i += named[0].length;
    return `(?<${name}>`;
  }
  if (/^\(\?(?:=|!|<=|<!)/.test(rest)) throw new RegexSyntaxError('invalid or unsupported Perl syntax: lookaround');
  throw new RegexSyntaxError('unsupported group: flags are accepted only at the start of the pattern');
}

/** Translates an RE2 pattern to a JavaScript RegExp, or throws RegexSyntaxError. */
export function compileRe2(pattern: string): RegExp {
  const cursor: Cursor = { pattern, i: 0 };
  const flags = new Set<string>(['u']);
  let dotAll = false;
  for (let leading = /^\(\?([A-Za-z-]*)\)/.exec(pattern); leading !== null; leading = /^\(\?([A-Za-z-]*)\)/.exec(pattern.slice(cursor.i))) {
    const letters = leading[1] ?? '';
    if (letters === '') throw new RegexSyntaxError('missing flags in (?)');
    for (const flag of letters) {
      if (flag === 'i' || flag === 'm') flags.add(flag);
      else if (flag === 's') dotAll = true;
      else throw new RegexSyntaxError(`unsupported flag: ${flag}`);
    }
    cursor.i += leading[0].length;
  }
  let out = '';
  while (cursor.i < pattern.length) {
    const ch = pattern.charAt(cursor.i);
    switch (ch) {
      case '\\':
        out += escape(cursor, false);
        break;
      case '[':
        out += characterClass(cursor);
        break;
      case '(':
        out += group(cursor);
        break;
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        cursor.i++;
        break;
      case '{': {
        const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(cursor.i));
        if (repeat === null) {
          out += '\\{';
          cursor.i++;
          break;
        }
        const counts = [repeat[1], repeat[2]].filter((c): c is string => c !== undefined && c !== '').map(Number);
        if (counts.some((n) => n > MAX_REPEAT)) throw new RegexSyntaxError(`invalid repeat count: ${repeat[0]}`);
        out += repeat[0];
        cursor.i += repeat[0].length;
        break;
      }
      case '}':
      case ']':
        out += `\\${ch}`;
        cursor.i++;
        break;
      default:
        out += ch;
        cursor.i++;
    }
  }
  try {
    return new RegExp(out, [...flags].sort().join(''));
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    throw new RegexSyntaxError(detail);
  }
}
