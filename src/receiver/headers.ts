import type { Headers } from '../hits/hit.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Canonical MIME form of a header name (`sec-ch-ua` → `Sec-Ch-Ua`): the first letter and every
 * letter after `-` upper-case, the rest lower-case. Names with characters outside the HTTP
 * token set are left as they are, the way the reference leaves them.
 */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

const canonicalCache = new Map<string, string>();

function canonical(name: string): string {
  let c = canonicalCache.get(name);
  if (c === undefined) {
    c = canonicalHeaderName(name);
    if (canonicalCache.size < 1024) canonicalCache.set(name, c);
  }
  return c;
}

/**
 * Node reads header bytes as Latin-1. Browsers send UTF-8 in a few headers (user agents of
 * some apps, referrers), so re-read such values as UTF-8 when they are valid UTF-8.
 */
function headerText(value: string): string {
  if (isAscii(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? value : text;
}

/**
 * Whether every character is ASCII. Long values (user agents) are measured natively: their UTF-8
 * length equals their length only when no character takes more than one byte.
 */
function isAscii(value: string): boolean {
  if (value.length > 24) return Buffer.byteLength(value, 'utf8') === value.length;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Builds the header map from Node's `rawHeaders` ([name, value, name, value, …], request order). */
export function headersFromRaw(rawHeaders: readonly string[]): Headers {
  const headers: Headers = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = canonical(rawHeaders[i]!);
    const value = headerText(rawHeaders[i + 1]!);
    const existing = headers.get(name);
    if (existing === undefined) headers.set(name, [value]);
    else existing.push(value);
  }
  return headers;
}

/** Builds the header map from a plain object (replayed requests, tests). */
export function headersFromRecord(record: Record<string, string | string[]>): Headers {
  const raw: string[] = [];
  for (const [k, v] of Object.entries(record)) {
    for (const value of Array.isArray(v) ? v : [v]) raw.push(k, value);
  }
  return headersFromRaw(raw);
}
