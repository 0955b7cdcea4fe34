import { firstHeader, type Headers } from '../../src/hits/hit.js';

/**
 * User-Agent client hints (`Sec-CH-UA*` request headers). Browsers that freeze their UA
 * string (Chromium family) report the real platform version, device model and full browser
 * version only here, so detection reads both. Header names arrive Go-canonical (`Sec-Ch-Ua`).
 */
export interface ClientHints {
  /** Brand / version pairs, from the full-version list when sent, else from `Sec-CH-UA`; GREASE entries dropped. */
  brands: readonly BrandVersion[];
  /** `Sec-CH-UA-Full-Version`: the full version of the browser's own brand. */
  fullVersion: string;
  mobile: boolean;
  platform: string;
  platformVersion: string;
  model: string;
}

export interface BrandVersion {
  brand: string;
  version: string;
}

export const NO_CLIENT_HINTS: ClientHints = { brands: [], fullVersion: '', mobile: false, platform: '', platformVersion: '', model: '' };

/** Header names as the receiver stores them (Go's canonical MIME form). */
const HEADER = {
  brands: 'Sec-Ch-Ua',
  fullVersionList: 'Sec-Ch-Ua-Full-Version-List',
  fullVersion: 'Sec-Ch-Ua-Full-Version',
  mobile: 'Sec-Ch-Ua-Mobile',
  platform: 'Sec-Ch-Ua-Platform',
  platformVersion: 'Sec-Ch-Ua-Platform-Version',
  model: 'Sec-Ch-Ua-Model',
} as const;

// Browsers add a made-up brand ("Not(A:Brand", "Not_A Brand"…) so that sites cannot rely on order.
const GREASE_BRAND = /not.{0,2}a.{0,2}brand/i;

/** A structured-field string: the text between the quotes, escapes undone; bare tokens as they are. */
export function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return trimmed;
}

/** Splits at commas that are outside quoted strings. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Parses a brand list such as `"Chromium";v="122", "Not(A:Brand";v="24"`; malformed items are skipped. */
export function parseBrandList(header: string | undefined): BrandVersion[] {
  if (header === undefined || header.trim() === '') return [];
  const brands: BrandVersion[] = [];
  for (const item of splitOutsideQuotes(header, ',')) {
    const [name, ...params] = splitOutsideQuotes(item, ';');
    const brand = unquote(name ?? '');
    if (brand === '' || GREASE_BRAND.test(brand)) continue;
    let version = '';
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim() === 'v') version = unquote(param.slice(eq + 1));
    }
    brands.push({ brand, version });
  }
  return brands;
}

export function clientHintsFromHeaders(headers: Headers): ClientHints {
  const fullList = parseBrandList(firstHeader(headers, HEADER.fullVersionList));
  const mobile = firstHeader(headers, HEADER.mobile);
  return {
    brands: fullList.length > 0 ? fullList : parseBrandList(firstHeader(headers, HEADER.brands)),
    fullVersion: unquote(firstHeader(headers, HEADER.fullVersion) ?? ''),
    mobile: mobile !== undefined && mobile.trim() === '?1',
    platform: unquote(firstHeader(headers, HEADER.platform) ?? ''),
    platformVersion: unquote(firstHeader(headers, HEADER.platformVersion) ?? ''),
    model: unquote(firstHeader(headers, HEADER.model) ?? ''),
  };
}

export function hasClientHints(hints: ClientHints): boolean {
  return hints.brands.length > 0 || hints.fullVersion !== '' || hints.mobile || hints.platform !== '' || hints.platformVersion !== '' || hints.model !== '';
}

const HINT_HEADER_NAMES: readonly string[] = Object.values(HEADER);

/**
 * The raw hint headers as one string: with the UA it keys the parse cache, so two requests
 * that differ in their hints get separate entries, and a cache hit costs no parsing.
 */
export function clientHintsKey(headers: Headers): string {
  let key = '';
  for (const name of HINT_HEADER_NAMES) {
    const value = firstHeader(headers, name);
    if (value !== undefined) key += `${name}:${value}\u0001`;
  }
  return key;
}
