import type { Headers } from '../../src/hits/hit.js';

const DEFAULT_ALLOW_HEADERS = 'Content-Type, X-Requested-With';

/**
 * CORS for the GA4-shaped hit endpoints: gtag sends with credentials, so a request that names
 * its origin gets that origin echoed back with credentials allowed; others get `*`.
 */
const WILDCARD: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers': DEFAULT_ALLOW_HEADERS,
  'Access-Control-Max-Age': '86400',
});

/**
 * The answer to a request that names its origin, built once per origin: browsers on a site send
 * the same Origin with every hit. Origins come from clients, so the cache is bounded and simply
 * starts over when full.
 */
const BY_ORIGIN_LIMIT = 256;
const byOrigin = new Map<string, Readonly<Record<string, string>>>();

function forOrigin(origin: string): Record<string, string> {
  let headers = byOrigin.get(origin);
  if (headers === undefined) {
    headers = Object.freeze({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
      'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
      'Access-Control-Allow-Headers': DEFAULT_ALLOW_HEADERS,
      'Access-Control-Max-Age': '86400',
    });
    if (byOrigin.size >= BY_ORIGIN_LIMIT) byOrigin.clear();
    byOrigin.set(origin, headers);
  }
  return headers as Record<string, string>;
}

/** The headers are shared and frozen unless `preflight` (whose answer echoes the request). */
export function corsHeaders(headers: Headers, preflight: boolean): Record<string, string> {
  const origin = headers.get('Origin')?.[0];
  // The common answer to a request without Origin is always the same: share one object.
  if ((origin === undefined || origin === '') && !(preflight && headers.has('Access-Control-Request-Headers'))) return WILDCARD as Record<string, string>;
  if (!preflight && origin !== undefined && origin !== '') return forOrigin(origin);
  const out: Record<string, string> = {};
  if (origin !== undefined && origin !== '') {
    out['Access-Control-Allow-Origin'] = origin;
    out['Access-Control-Allow-Credentials'] = 'true';
    out['Vary'] = 'Origin';
  } else {
    out['Access-Control-Allow-Origin'] = '*';
  }
  out['Access-Control-Allow-Methods'] = 'POST, GET, OPTIONS';
  const requested = preflight ? headers.get('Access-Control-Request-Headers')?.[0] : undefined;
  out['Access-Control-Allow-Headers'] = requested !== undefined && requested !== '' ? requested : DEFAULT_ALLOW_HEADERS;
  out['Access-Control-Max-Age'] = '86400';
  return out;
}
