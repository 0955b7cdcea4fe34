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
 *
 * The oldest parse added goes first, whatever was read since: event columns run column by
 * column over a session's events, so the reads cycle through the session's few URLs, and
 * moving each one to the back of an LRU order cost more than parsing a URL again now and then.
 */
export class RecentUrlParses {
  private readonly parses = new Map<string, Parse>();

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`recent URL parses: size must be a positive integer, got ${size}`);
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
      if (this.parses.size >= this.size) this.parses.delete(this.parses.keys().next().value!);
      this.parses.set(url, entry);
    }
    return entry;
  }
}

/** The worker computes one event at a time, so one memo serves every column. */
export const recentUrls = new RecentUrlParses(16);
