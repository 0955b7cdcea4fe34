import type { Event } from '../../src/schema/session.js';
import { goHostname, type GoQuery } from '../url/go-url.js';
import { recentUrls } from '../url/recent-urls.js';
import { originalPageUrl } from '../url/page-url.js';
import { goToLower } from './normalise.js';

/** What attribution knows about the referrer of a session's first event. */
export interface ReferrerFacts {
  /** The referrer as sent, path and query included. */
  raw: string;
  /** Lower-cased host without port; for `android-app://` referrers, the app's package name. */
  host: string;
  hostWithoutWww: string;
  query: GoQuery;
}

export interface AttributionInput {
  /** Query of the landing URL as sent (before tracking parameters were stripped); null when it is missing or unparsable. */
  pageQuery: GoQuery | null;
  /** Lower-cased landing host without `www.`; null when the landing URL is missing or unparsable. */
  pageHostWithoutWww: string | null;
  /** Null when there is none, it does not parse, or the tracker asked to ignore it. */
  referrer: ReferrerFacts | null;
}

export function withoutWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** First value of a query parameter, `""` when absent (Go's `Values.Get`). */
export function firstQueryValue(query: GoQuery | null, name: string): string {
  return query?.get(name)?.[0] ?? '';
}

function readPage(event: Event): Pick<AttributionInput, 'pageQuery' | 'pageHostWithoutWww'> {
  const page = originalPageUrl(event);
  if (page === '') return { pageQuery: null, pageHostWithoutWww: null };
  try {
    const url = recentUrls.parse(page);
    return { pageQuery: recentUrls.query(page), pageHostWithoutWww: withoutWww(goToLower(goHostname(url))) };
  } catch {
    // page_location has already marked such an event broken; the referrer alone still attributes it.
    return { pageQuery: null, pageHostWithoutWww: null };
  }
}

/** The referrer attribution reads: `""` when there is none or the tracker asked to ignore it. */
export function referrerOf(event: Event): string {
  if (event.values['ignore_referrer'] === true) return '';
  const raw = event.values['page_referrer'];
  return typeof raw === 'string' ? raw : '';
}

function readReferrer(event: Event): ReferrerFacts | null {
  const raw = referrerOf(event);
  if (raw === '') return null;
  try {
    const url = recentUrls.parse(raw);
    const host = goToLower(goHostname(url)).replaceAll(' ', '-');
    return { raw, host, hostWithoutWww: withoutWww(host), query: recentUrls.query(raw) };
  } catch {
    return null;
  }
}

/** Reads the landing URL (original form), the referrer and ignore_referrer of an event. */
export function readAttributionInput(event: Event): AttributionInput {
  return { ...readPage(event), referrer: readReferrer(event) };
}
