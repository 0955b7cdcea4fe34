import type { ReferrerFacts } from './attribution-input.js';
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

/** Hosts whose answer a list keeps; beyond it the kept answers are dropped and gathered anew. */
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
  private readonly byHost = new Map<string, ReferrerListMatch | null>();

  constructor(readonly entries: readonly ReferrerListEntry[]) {}

  match(referrer: ReferrerFacts): ReferrerListMatch | null {
    if (referrer.host === '') return null;
    const kept = this.byHost.get(referrer.host);
    if (kept !== undefined) return kept;
    const found = this.search(referrer.host, referrer.hostWithoutWww);
    if (this.byHost.size >= MATCHES_KEPT) this.byHost.clear();
    this.byHost.set(referrer.host, found);
    return found;
  }

  private search(host: string, hostWithoutWww: string): ReferrerListMatch | null {
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
