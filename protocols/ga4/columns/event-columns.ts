import type { EventColumn } from '../../../src/schema/column.js';
import { castInt64OrNull, castNonEmptyString, castStringOrNull, parseBoolWord } from '../../../src/schema/casts.js';
import { parseGoInt64 } from '../../../src/schema/go-number.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import { utcTimestamp } from '../../../src/hits/utc-text.js';
import { queryParamEventColumn, queryParamValue } from '../../../columns/generic/query-param.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import { originalPageParam } from '../../../columns/url/page-url.js';
import { Ga4Event } from './interfaces.js';

/**
 * GA4 event columns read from the hit's own parameters (tid, sid, sct, _p, gcs) and from the
 * page URL (gtm_debug). `gcd`, `npa` and `dma` are consent signals too, but the reference
 * keeps them raw and so does Cairn: no column reads them.
 */

export const measurementIdColumn = queryParamEventColumn(Ga4Event.measurement_id, 'tid', { cast: castNonEmptyString });

export const clientSessionIdColumn = queryParamEventColumn(Ga4Event.client_session_id, 'sid', { cast: castStringOrNull });

export const clientSessionNumberColumn = queryParamEventColumn(Ga4Event.client_session_number, 'sct', { cast: castInt64OrNull });

/** Read from the page URL as sent, since `gtm_debug` may be among the stripped parameters. */
export const gtmDebugColumn = eventColumn(Ga4Event.gtm_debug, (e) => originalPageParam(e, 'gtm_debug'), {
  cast: castStringOrNull,
  dependsOn: [CoreEvent.page_location.id],
});

// The range a JavaScript Date can hold (±100,000,000 days around 1970).
const MAX_DATE_MS = 8.64e15;

/**
 * `_p` as Unix milliseconds, printed as an RFC 3339 UTC time to the second; null when absent,
 * not an integer, or outside the years 0–9999 that an RFC 3339 timestamp can write.
 */
export function pageLoadTime(raw: string | null): string | null {
  if (raw === null || raw === '') return null;
  const ms = parseGoInt64(raw);
  if (ms === null || typeof ms === 'bigint' || Math.abs(ms) > MAX_DATE_MS) return null;
  const year = new Date(ms).getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  return utcTimestamp(ms);
}

export const pageLoadHashColumn = eventColumn(Ga4Event.page_load_hash, (e) => pageLoadTime(queryParamValue(e.hit, '_p')));

/**
 * One consent flag of `gcs` (`G1<ads><analytics>`): the byte at `index` read as a yes/no
 * word. The reference indexes bytes and crashes on a value just one byte too short; here a
 * value too short for the index, or a byte that is no such word, gives null.
 */
export function consentFlag(gcs: string | null, index: number): boolean | null {
  if (gcs === null) return null;
  const byte = utf8ByteAt(gcs, index);
  if (byte === undefined || byte >= 0x80) return null;
  return parseBoolWord(String.fromCharCode(byte));
}

function utf8ByteAt(s: string, index: number): number | undefined {
  // While the text up to `index` is ASCII, byte and character positions agree (the usual case).
  for (let i = 0; i <= index && i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.from(s, 'utf8')[index];
  }
  return index < s.length ? s.charCodeAt(index) : undefined;
}

export const privacyAdsStorageColumn = eventColumn(Ga4Event.privacy_ads_storage, (e) => consentFlag(queryParamValue(e.hit, 'gcs'), 2));

export const privacyAnalyticsStorageColumn = eventColumn(Ga4Event.privacy_analytics_storage, (e) => consentFlag(queryParamValue(e.hit, 'gcs'), 3));

export function ga4HitColumns(): EventColumn[] {
  return [
    measurementIdColumn,
    clientSessionIdColumn,
    clientSessionNumberColumn,
    gtmDebugColumn,
    pageLoadHashColumn,
    privacyAdsStorageColumn,
    privacyAnalyticsStorageColumn,
  ];
}
