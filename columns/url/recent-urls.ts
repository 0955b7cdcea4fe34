import { LruCache } from '../generic/lru-cache.js';
import { parseGoQuery, parseGoUrl, type GoQuery, type GoUrl } from './go-url.js';

interface Parse {
  parsed: GoUrl;
  query: GoQuery | undefined;
}

/**
 * The parses of the URLs taken apart last. page_location, its host and path, the campaign and
 * click-id columns and attribution each need the page URL parsed, and the events of a session
 * mostly share their page URL (a page view, its scrolls and clicks), so one parse serves all of
 * them. Parsing is pure, so which event asks first changes nothing. The results are shared:
 * callers must not modify them.
 *
 * A URL that does not parse is not remembered; it throws `GoUrlError` at every request.
 */
export class RecentUrlParses {
  private readonly parses: LruCache<string, Parse>;

  constructor(size: number) {
    this.parses = new LruCache(size);
  }

  /** `parseGoUrl(url)`, shared with the latest requests for the same URL. */
  parse(url: string): GoUrl {
    return this.entry(url).parsed;
  }

  /** `parseGoQuery(parseGoUrl(url).rawQuery)`, shared likewise. */
  query(url: string): GoQuery {
    const entry = this.entry(url);
    return (entry.query ??= parseGoQuery(entry.parsed.rawQuery));
  }

  private entry(url: string): Parse {
    let entry = this.parses.get(url);
    if (entry === undefined) {
      entry = { parsed: parseGoUrl(url), query: undefined };
      this.parses.set(url, entry);
    }
    return entry;
  }
}

/** The worker computes one event at a time, so one memo serves every column. */
export const recentUrls = new RecentUrlParses(8);
