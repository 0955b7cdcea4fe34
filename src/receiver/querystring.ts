import type { QueryParams } from '../hits/hit.js';

/**
 * Query-string parsing with the rules trackers rely on: `&` is the only separator (`;` is an
 * ordinary character), the first `=` splits key from value, `+` is a space, `%XY` is a byte,
 * and an invalid or truncated `%` sequence is kept as written. Segments whose key and value
 * are both empty (`&&`, a lone `=`) are dropped. Every value of a repeated key is kept.
 *
 * Decoded bytes must form valid UTF-8: a tracker encodes text with encodeURIComponent, so
 * anything else is garbage and is reported with the parameter's name.
 */
export class QueryStringError extends Error {
  override readonly name = 'QueryStringError';
  constructor(readonly parameter: string, message: string) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Decodes one key or value; `what` names it in errors. */
export function decodeComponent(s: string, what: () => string): string {
  let needs = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 || c === 0x2b) {
      needs = true;
      break;
    }
  }
  return needs ? decodeEscaped(s, what) : s;
}

/** `decodeComponent` of a text known to hold a `%` or a `+`. */
function decodeEscaped(s: string, what: () => string): string {
  if (s.indexOf('%') === -1) return s.replaceAll('+', ' ');
  // The native decoder handles the common, well-formed case fast; it throws on an invalid
  // escape or invalid UTF-8, and the byte-level path below sorts those out.
  try {
    return decodeURIComponent(s.indexOf('+') === -1 ? s : s.replaceAll('+', ' '));
  } catch {
    // fall through
  }
  // Percent-escapes produce bytes, so work on the UTF-8 encoding of the raw text.
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
      } else {
        out[n++] = c;
      }
    } else {
      out[n++] = c;
    }
  }
  try {
    return utf8.decode(out.subarray(0, n));
  } catch {
    throw new QueryStringError(what(), `${what()} is not valid UTF-8 after percent-decoding`);
  }
}

function append(params: QueryParams, key: string, value: string): void {
  const existing = params.get(key);
  if (existing === undefined) params.set(key, [value]);
  else existing.push(value);
}

/** Where the next `c` stands in `raw` at or after `from`; `raw.length` when nowhere. */
function nextIndex(raw: string, c: string, from: number): number {
  const at = raw.indexOf(c, from);
  return at === -1 ? raw.length : at;
}

/**
 * Parses a raw query string (without the leading `?`) into `into` (or a new map). Where the
 * next `%` and `+` stand is kept as the segments are read, so a key or value without either
 * (most of them) is taken as it is, without a scan of its characters.
 */
export function parseQueryString(raw: string, into: QueryParams = new Map()): QueryParams {
  const len = raw.length;
  let percent = nextIndex(raw, '%', 0);
  let plus = nextIndex(raw, '+', 0);
  let start = 0;
  while (start <= len) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = len;
    if (end > start) {
      let eq = raw.indexOf('=', start);
      if (eq === -1 || eq > end) eq = end;
      if (eq > start || eq + 1 < end) {
        if (percent < start) percent = nextIndex(raw, '%', start);
        if (plus < start) plus = nextIndex(raw, '+', start);
        let key = raw.slice(start, eq);
        if (percent < eq || plus < eq) key = decodeEscaped(key, () => `the name of query parameter #${into.size + 1}`);
        let value = '';
        if (eq < end) {
          if (percent <= eq) percent = nextIndex(raw, '%', eq + 1);
          if (plus <= eq) plus = nextIndex(raw, '+', eq + 1);
          value = raw.slice(eq + 1, end);
          if (percent < end || plus < end) value = decodeEscaped(value, () => `query parameter \`${key}\``);
        }
        append(into, key, value);
      }
    }
    start = end + 1;
  }
  return into;
}

/** Overlays parameter maps: a key present in a later map replaces every earlier value of it. */
export function mergeParams(layers: readonly QueryParams[]): QueryParams {
  if (layers.length === 1) return layers[0]!;
  const merged: QueryParams = new Map();
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    for (const [k, v] of layer) {
      if (merged.has(k)) merged.delete(k);
      merged.set(k, v.slice());
    }
  }
  return merged;
}

/**
 * What the last successful `assertDecodable` learnt about its query on the way: whether a `%`
 * stands in some key. The GA4 parser reads the same string next and would otherwise look for
 * it again (see `firstRawValuesIn`).
 */
let checkedQuery: string | undefined;
let checkedPercentInKeys = true;

/**
 * Whether the bytes that the percent-escapes of `raw` stand for are certainly valid UTF-8 once
 * decoded, key by key and value by value: every multi-byte sequence is complete, well formed and
 * made of adjacent escapes only. Literal text is UTF-8 by construction and an invalid escape is
 * kept as written, so only the escapes need a look, and `indexOf` jumps between them. A false
 * answer is not a verdict: the full parser then decides. On the way it notes whether a `%`
 * stands in a key (before the first `=` of its segment), in `checkedPercentInKeys`.
 */
function escapesAreUtf8(raw: string, first: number): boolean {
  let need = 0; // continuation bytes still expected
  let lo = 0x80; // bounds of the next continuation byte
  let hi = 0xbf;
  let next = -1; // where the next escape must start while a sequence is open
  let segmentEnd = -1; // the `&` (or the end) closing the segment of the last `%` seen
  let keyEnd = -1; // the first `=` of that segment (or its end)
  let percentInKeys = false;
  for (let p = first; p !== -1; p = raw.indexOf('%', p + 1)) {
    if (p > segmentEnd) {
      const amp = raw.indexOf('&', p);
      segmentEnd = amp === -1 ? raw.length : amp;
      const eq = raw.indexOf('=', raw.lastIndexOf('&', p) + 1);
      keyEnd = eq === -1 || eq > segmentEnd ? segmentEnd : eq;
    }
    if (p < keyEnd) percentInKeys = true;
    const h1 = hexValue(raw.charCodeAt(p + 1));
    const h2 = h1 < 0 ? -1 : hexValue(raw.charCodeAt(p + 2));
    if (h2 < 0) {
      if (need > 0) return false; // a literal `%` inside a sequence
      continue;
    }
    const b = (h1 << 4) | h2;
    if (need > 0) {
      if (p !== next || b < lo || b > hi) return false;
      need--;
      lo = 0x80;
      hi = 0xbf;
    } else if (b >= 0x80) {
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b === 0xe0) (need = 2), (lo = 0xa0);
      else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
      else if (b === 0xed) (need = 2), (hi = 0x9f);
      else if (b === 0xf0) (need = 3), (lo = 0x90);
      else if (b >= 0xf1 && b <= 0xf3) need = 3;
      else if (b === 0xf4) (need = 3), (hi = 0x8f);
      else return false;
    }
    next = p + 3;
    p += 2;
  }
  checkedPercentInKeys = percentInKeys;
  return need === 0;
}

/**
 * Checks that a raw query string decodes cleanly, cheaply: when every escape is valid and the
 * bytes are UTF-8 nothing is allocated. Only when that is not certain does the full parser run,
 * to keep invalid escapes as written or to name the parameter that is not UTF-8.
 */
export function assertDecodable(raw: string): void {
  checkedQuery = undefined;
  const first = raw.indexOf('%');
  if (first === -1) {
    checkedQuery = raw;
    checkedPercentInKeys = false;
    return;
  }
  if (escapesAreUtf8(raw, first)) {
    checkedQuery = raw;
    return;
  }
  parseQueryString(raw);
}

/** Whether `raw[start, end)` holds a character that decoding changes (`%` or `+`). */
function hasEscapes(raw: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 || c === 0x2b) return true;
  }
  return false;
}

/** The first value of `key` in a raw query string, decoded; undefined when absent. */
export function firstValueIn(raw: string, key: string): string | undefined {
  const raws = firstRawValuesIn(raw, [key], [undefined]);
  const v = raws[0];
  return v === undefined ? undefined : decodeComponent(v, () => `query parameter \`${key}\``);
}

/**
 * Whether no key of a raw query string contains `ch` (`%` or `+`, the characters decoding
 * changes): then every key is what it says and can be searched for as written. Jumps from one
 * occurrence to the next segment's, so a query whose escapes are all in values costs a few
 * native searches.
 */
function noKeyContains(raw: string, ch: string): boolean {
  let p = raw.indexOf(ch);
  while (p !== -1) {
    const eq = raw.indexOf('=', raw.lastIndexOf('&', p) + 1);
    if (eq === -1 || eq > p) return false;
    const amp = raw.indexOf('&', p);
    if (amp === -1) return true;
    p = raw.indexOf(ch, amp + 1);
  }
  return true;
}

/** A key that can be searched for as written: not empty, none of `&`, `=`, `%`, `+`. */
function isPlainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x26 || c === 0x3d || c === 0x25 || c === 0x2b) return false;
  }
  return true;
}

/**
 * The raw value of the first segment whose key is exactly `key`, found by searching for the key
 * itself rather than walking every segment: a match counts only at the start of a segment and
 * followed by `=`, `&` or the end. Valid only when no key of `raw` needs decoding.
 */
function findRawValue(raw: string, key: string): string | undefined {
  const n = key.length;
  const len = raw.length;
  for (let i = raw.indexOf(key); i !== -1; i = raw.indexOf(key, i + 1)) {
    if (i > 0 && raw.charCodeAt(i - 1) !== 0x26) continue;
    const j = i + n;
    if (j === len) return '';
    const c = raw.charCodeAt(j);
    if (c === 0x3d) {
      const end = raw.indexOf('&', j + 1);
      return raw.slice(j + 1, end === -1 ? len : end);
    }
    if (c === 0x26) return '';
  }
  return undefined;
}

/**
 * For each of `keys` whose slot in `out` is still undefined, the raw (still encoded) value of
 * its first occurrence in a raw query string, or '' for a bare key. When no key of the query
 * contains `%` or `+` (the usual case) each key is searched for directly; otherwise one walk
 * over the segments compares keys in place and decodes only keys that contain `%` or `+`.
 */
function firstRawValuesIn(raw: string, keys: readonly string[], out: (string | undefined)[]): (string | undefined)[] {
  let missing = 0;
  let plain = true;
  for (let k = 0; k < keys.length; k++) {
    if (out[k] !== undefined) continue;
    missing++;
    if (!isPlainKey(keys[k]!)) plain = false;
  }
  if (missing === 0) return out;
  const percentInKeys = raw === checkedQuery ? checkedPercentInKeys : !noKeyContains(raw, '%');
  if (plain && !percentInKeys && noKeyContains(raw, '+')) {
    for (let k = 0; k < keys.length; k++) if (out[k] === undefined) out[k] = findRawValue(raw, keys[k]!);
    return out;
  }
  let start = 0;
  const len = raw.length;
  while (start <= len && missing > 0) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = len;
    if (end > start) {
      let eq = raw.indexOf('=', start);
      if (eq === -1 || eq > end) eq = end;
      const keyLength = eq - start;
      // A key with `%` or `+` is also compared decoded, once for all the keys looked for.
      const decoded = keyLength > 0 && hasEscapes(raw, start, eq) ? decodeComponent(raw.slice(start, eq), () => 'a parameter name') : undefined;
      for (let k = 0; k < keys.length; k++) {
        if (out[k] !== undefined) continue;
        const key = keys[k]!;
        const match = (keyLength === key.length && raw.startsWith(key, start)) || decoded === key;
        if (match) {
          out[k] = eq < end ? raw.slice(eq + 1, end) : '';
          missing--;
        }
      }
    }
    start = end + 1;
  }
  return out;
}

/** The first value of `key` across layers where a later layer's keys replace an earlier one's. */
export function firstValueInLayers(layers: readonly string[], key: string): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const v = firstValueIn(layers[i]!, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The raw (still encoded) first values of several keys across layers, in one pass per layer;
 * a later layer's keys replace an earlier one's. Decode each with `decodeComponent` when read.
 */
export function firstRawValuesInLayers(layers: readonly string[], keys: readonly string[]): (string | undefined)[] {
  const out: (string | undefined)[] = new Array<string | undefined>(keys.length).fill(undefined);
  for (let i = layers.length - 1; i >= 0; i--) firstRawValuesIn(layers[i]!, keys, out);
  return out;
}

/** Parses and overlays raw layers (the map a hit's `paramLayers` stand for). */
export function parseLayers(layers: readonly string[]): QueryParams {
  return layers.length === 1 ? parseQueryString(layers[0]!) : mergeParams(layers.map((l) => parseQueryString(l)));
}

/**
 * Upper bound of the bytes the decoded parameters of some layers take (keys plus values):
 * decoding never makes text longer, and the separators are not counted.
 */
export function layersSizeBound(layers: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    n += Buffer.byteLength(l, 'utf8');
    for (let p = l.indexOf('&'); p !== -1; p = l.indexOf('&', p + 1)) n--;
  }
  return n;
}
