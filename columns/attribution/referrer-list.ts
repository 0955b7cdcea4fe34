import { LruCache } from '../generic/lru-cache.js';
import { withoutWww, type ReferrerFacts } from './attribution-input.js';
import type { HostPattern } from './host-pattern.js';

/** One site or app of a referrer list: its display name and the hosts it sends visitors from. */
export interface ReferrerListEntry {
  /** As written in the list; the stored source is this name normalised (`Yahoo Mail` → `yahoo-mail`). */
  name: string;
  hosts: readonly HostPattern[];
  /** Referrer query parameters that carry the search term, in the order they are tried (search engines only). */
  termParams: readonly string[];
}

export interface ReferrerListMatch {
  entry: ReferrerListEntry;
  /** Specificity of the narrowest pattern of the entry that matched. */
  specificity: number;
}

/** Hosts whose answer a list keeps. */
const MATCHES_KEPT = 4096;

/**
 * A referrer list matched deterministically: the first entry in file order with a pattern
 * that matches the referrer host, tried as sent and then without `www.`.
 *
 * The answer depends on the host alone, and a site's referrers come from a few hosts again and
 * again (its search engines, its socials), so the answer is kept per host: trying every pattern
 * of every entry costs microseconds for a host that is found late or not at all.
 */
export class ReferrerList {
  private readonly byHost = new LruCache<string, ReferrerListMatch | null>(MATCHES_KEPT);

  constructor(readonly entries: readonly ReferrerListEntry[]) {}

  match(referrer: ReferrerFacts): ReferrerListMatch | null {
    const host = referrer.host;
    if (host === '') return null;
    const kept = this.byHost.get(host);
    if (kept !== undefined) return kept;
    const found = this.search(host);
    this.byHost.set(host, found);
    return found;
  }

  private search(host: string): ReferrerListMatch | null {
    // Derived here, not taken from the facts, so that the host alone decides the answer kept.
    const hostWithoutWww = withoutWww(host);
    for (const entry of this.entries) {
      let specificity = 0;
      for (const pattern of entry.hosts) {
        if (pattern.specificity > specificity && (pattern.matches(host) || pattern.matches(hostWithoutWww))) {
          specificity = pattern.specificity;
        }
      }
      if (specificity > 0) return { entry, specificity };
    }
    return null;
  }
}
