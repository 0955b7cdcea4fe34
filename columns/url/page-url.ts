import { BrokenEventError } from '../../src/schema/errors.js';
import type { Event } from '../../src/schema/session.js';
import { encodeGoQuery, formatGoUrl, GoUrlError, type GoQuery } from './go-url.js';
import { recentUrls } from './recent-urls.js';

/** Event metadata key holding the page URL before tracking parameters were stripped. */
export const ORIGINAL_PAGE_LOCATION = 'original_page_location';

/** Field name of the core `page_location` column. */
export const PAGE_LOCATION_FIELD = 'page_location';

/**
 * The URL without the excluded query parameters. When none of them is present (or the URL is
 * empty) the URL comes back exactly as given; otherwise the remaining query is re-encoded
 * with keys sorted, as Go's `url.Values.Encode` does. Throws `GoUrlError` on an unparsable URL.
 * The URL and its query are read through the shared parses, which the campaign, click-id and
 * attribution columns then find ready.
 */
export function stripExcludedParams(url: string, excluded: readonly string[]): string {
  if (url === '') return url;
  // Parsed whether or not anything is excluded: an unparsable URL fails here every time.
  const parsed = recentUrls.parse(url);
  if (excluded.length === 0) return url;
  const shared = recentUrls.query(url);
  if (!hasAny(shared, excluded)) return url;
  // The shared parse is read by other columns: strip a copy of it.
  const query = new Map(shared);
  for (const name of excluded) query.delete(name);
  return formatGoUrl({ ...parsed, rawQuery: encodeGoQuery(query) });
}

/** Whether the query holds any of `names`; most page URLs have no query at all. */
function hasAny(query: GoQuery, names: readonly string[]): boolean {
  if (query.size === 0) return false;
  for (let i = 0; i < names.length; i++) if (query.has(names[i]!)) return true;
  return false;
}

/** The page URL attribution and campaign columns read: the original one, else the stored page_location. */
export function originalPageUrl(event: Event): string {
  const original = event.metadata[ORIGINAL_PAGE_LOCATION];
  if (original !== undefined) return original;
  const location = event.values[PAGE_LOCATION_FIELD];
  return typeof location === 'string' ? location : '';
}

/**
 * The query of the event's original page URL (parsed once for all the columns that read it). An
 * unparsable URL makes the event broken, as it does for every column that reads it.
 */
export function originalPageQuery(event: Event): GoQuery {
  try {
    return recentUrls.query(originalPageUrl(event));
  } catch (err) {
    if (err instanceof GoUrlError) throw new BrokenEventError(err.message);
    throw err;
  }
}

/** First value of a parameter of the original page URL, `""` when absent. */
export function originalPageParam(event: Event, name: string): string {
  return originalPageQuery(event).get(name)?.[0] ?? '';
}
