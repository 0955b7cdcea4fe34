/**
 * URL parsing and printing with the semantics of Go's `net/url`, which decides page hostnames,
 * paths and the re-encoded page_location in the reference. The WHATWG `URL` class differs in
 * ways that change output: it rejects relative and empty input, keeps paths percent-encoded,
 * lower-cases hosts and serialises queries differently.
 */

export class GoUrlError extends Error {
  override readonly name = 'GoUrlError';
  constructor(url: string, reason: string) {
    super(`parse ${JSON.stringify(url)}: ${reason}`);
  }
}

export interface GoUrl {
  scheme: string;
  opaque: string;
  /** Decoded user info, or null when the URL has none. */
  user: { username: string; password: string | null } | null;
  /** Host with port, as written (percent-escapes decoded). */
  host: string;
  /** Decoded path. */
  path: string;
  /** The path as written, when it differs from the canonical encoding of `path`. */
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

class EscapeError extends Error {}

/** Percent-decoding over UTF-8 bytes, with Go's per-mode rules for what may appear. */
function unescape(s: string, mode: Mode): string {
  if (!s.includes('%') && !(mode === 'queryComponent' && s.includes('+')) && mode !== 'host' && mode !== 'zone') return s;
  const bytes = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x25) {
      const hi = i + 1 < bytes.length ? unhex(bytes[i + 1]!) : -1;
      const lo = i + 2 < bytes.length ? unhex(bytes[i + 2]!) : -1;
      if (hi < 0 || lo < 0) {
        throw new EscapeError(`invalid URL escape ${JSON.stringify(bytes.subarray(i, Math.min(i + 3, bytes.length)).toString('latin1'))}`);
      }
      const escaped = bytes.subarray(i, i + 3).toString('latin1');
      // Hosts may percent-encode only non-ASCII bytes (and %25, the zone separator).
      if (mode === 'host' && hi < 8 && escaped !== '%25') throw new EscapeError(`invalid URL escape ${JSON.stringify(escaped)}`);
      if (mode === 'zone') {
        const v = (hi << 4) | lo;
        if (escaped !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) throw new EscapeError(`invalid URL escape ${JSON.stringify(escaped)}`);
      }
      out.push((hi << 4) | lo);
      i += 2;
    } else if (c === 0x2b) {
      out.push(mode === 'queryComponent' ? 0x20 : 0x2b);
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new EscapeError(`invalid character ${JSON.stringify(String.fromCharCode(c))} in host name`);
      }
      out.push(c);
    }
  }
  return utf8Decoder.decode(Uint8Array.from(out));
}

const HEX = '0123456789ABCDEF';

/** Percent-encoding of the UTF-8 bytes that `mode` does not allow; spaces become `+` in query components. */
function escape(s: string, mode: Mode): string {
  let needs = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || shouldEscape(c, mode)) {
      needs = true;
      break;
    }
  }
  if (!needs) return s;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x20 && mode === 'queryComponent') out += '+';
    else if (shouldEscape(b, mode)) out += '%' + HEX[b >> 4]! + HEX[b & 15]!;
    else out += String.fromCharCode(b);
  }
  return out;
}

export function queryEscape(s: string): string {
  return escape(s, 'queryComponent');
}

function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (`!$&'()*+,;=:@[]%`.includes(s[i]!)) continue;
    if (c >= 0x80 || shouldEscape(c, mode)) return false;
  }
  return true;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const isLetter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (isLetter) continue;
    const isDigitOrMark = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
    if (isDigitOrMark) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new EscapeError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    // Any other character means there is no scheme.
    return ['', raw];
  }
  return ['', raw];
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new EscapeError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new EscapeError(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, close), 'zone') + unescape(host.slice(close), 'host');
    }
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1) {
      const colonPort = host.slice(colon);
      if (!validOptionalPort(colonPort)) throw new EscapeError(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlnum(c)) continue;
    if (`-._:~!$&'()*+,;=%@`.includes(s[i]!)) continue;
    return false;
  }
  return true;
}

function parseAuthority(authority: string): Pick<GoUrl, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: null, host };
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) throw new EscapeError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { user: { username: unescape(userinfo, 'userPassword'), password: null }, host };
  return {
    user: { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') },
    host,
  };
}

function parseWithoutFragment(raw: string): GoUrl {
  if (hasControlCharacter(raw)) throw new EscapeError('net/url: invalid control character in URL');
  const url: GoUrl = {
    scheme: '',
    opaque: '',
    user: null,
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
  if (raw === '') return url;
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  const [scheme, afterScheme] = splitScheme(raw);
  url.scheme = scheme.toLowerCase();
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      // A rootless URL such as `mailto:someone`: everything after the scheme is opaque.
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf('/');
    const firstSegment = slash < 0 ? rest : rest.slice(0, slash);
    if (firstSegment.includes(':')) throw new EscapeError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    rest = slash < 0 ? '' : afterSlashes.slice(slash);
    Object.assign(url, parseAuthority(authority));
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  url.path = unescape(rest, 'path');
  url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
  return url;
}

/** Parses like Go's `url.Parse`; throws `GoUrlError` where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl {
  try {
    const hash = raw.indexOf('#');
    const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
    const url = parseWithoutFragment(beforeFragment);
    if (hash >= 0) {
      const rawFragment = raw.slice(hash + 1);
      url.fragment = unescape(rawFragment, 'fragment');
      url.rawFragment = escape(url.fragment, 'fragment') === rawFragment ? '' : rawFragment;
    }
    return url;
  } catch (err) {
    if (err instanceof EscapeError) throw new GoUrlError(raw, err.message);
    throw err;
  }
}

/** `URL.Hostname()`: the host without port and without IPv6 brackets, case kept. */
export function goHostname(url: GoUrl): string {
  let host = url.host;
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

function escapedPath(url: GoUrl): string {
  if (url.rawPath !== '' && validEncoded(url.rawPath, 'path') && unescape(url.rawPath, 'path') === url.path) return url.rawPath;
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

function escapedFragment(url: GoUrl): string {
  if (url.rawFragment !== '' && validEncoded(url.rawFragment, 'fragment') && unescape(url.rawFragment, 'fragment') === url.fragment) return url.rawFragment;
  return escape(url.fragment, 'fragment');
}

/** `URL.String()`: reassembles the URL the way Go prints it. */
export function formatGoUrl(url: GoUrl): string {
  let out = '';
  if (url.scheme !== '') out += url.scheme + ':';
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if (url.scheme !== '' || url.host !== '' || url.user !== null) {
      if (!(url.omitHost && url.host === '' && url.user === null)) {
        if (url.host !== '' || url.path !== '' || url.user !== null) out += '//';
        if (url.user !== null) {
          out += escape(url.user.username, 'userPassword');
          if (url.user.password !== null) out += ':' + escape(url.user.password, 'userPassword');
          out += '@';
        }
        if (url.host !== '') out += escape(url.host, 'host');
      }
    }
    const path = escapedPath(url);
    if (path !== '' && path[0] !== '/' && url.host !== '') out += '/';
    if (out === '') {
      // A relative path whose first segment holds a colon would read as a scheme.
      const slash = path.indexOf('/');
      const segment = slash < 0 ? path : path.slice(0, slash);
      if (segment.includes(':')) out += './';
    }
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += '?' + url.rawQuery;
  if (url.fragment !== '') out += '#' + escapedFragment(url);
  return out;
}

/** Query values in key order of first appearance; `url.ParseQuery` rules, malformed pairs skipped. */
export type GoQuery = Map<string, string[]>;

/** `URL.Query()`: splits on `&`, skips pairs with `;` or a bad escape, decodes `+` as space. */
export function parseGoQuery(rawQuery: string): GoQuery {
  const query: GoQuery = new Map();
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = unescape(rawKey, 'queryComponent');
      value = unescape(rawValue, 'queryComponent');
    } catch {
      continue;
    }
    const values = query.get(key);
    if (values === undefined) query.set(key, [value]);
    else values.push(value);
  }
  return query;
}

/** `url.Values.Encode()`: keys sorted (byte order), values in order, form-encoded. */
export function encodeGoQuery(query: GoQuery): string {
  const keys = [...query.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const parts: string[] = [];
  for (const key of keys) {
    const k = queryEscape(key);
    for (const v of query.get(key)!) parts.push(`${k}=${queryEscape(v)}`);
  }
  return parts.join('&');
}
