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

/**
 * A referrer list matched deterministically: the first entry in file order with a pattern
 * that matches the referrer host, tried as sent and then without `www.`.
 */
export class ReferrerList {
  constructor(readonly entries: readonly ReferrerListEntry[]) {}

  match(referrer: ReferrerFacts): ReferrerListMatch | null {
    if (referrer.host === '') return null;
    for (const entry of this.entries) {
      let specificity = 0;
      for (const pattern of entry.hosts) {
        if (pattern.specificity > specificity && (pattern.matches(referrer.host) || pattern.matches(referrer.hostWithoutWww))) {
          specificity = pattern.specificity;
        }
      }
      if (specificity > 0) return { entry, specificity };
    }
    return null;
  }
}
