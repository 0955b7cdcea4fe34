import type { TrafficSource } from '../core/traffic-source.js';
import { firstQueryValue, type AttributionInput, type ReferrerFacts } from './attribution-input.js';
import type { ReferrerList, ReferrerListEntry } from './referrer-list.js';

/** One step of the attribution chain: a classification, or null to let the next step decide. */
export interface AttributionStep {
  classify(input: AttributionInput): TrafficSource | null;
}

/** Ad-platform click ids on the landing URL, in the order they are checked (names are case-sensitive). */
const CLICK_ID_SOURCES: readonly (readonly [param: string, source: string, medium: string])[] = [
  ['gclid', 'google', 'cpc'],
  ['gbraid', 'google', 'cpc'],
  ['wbraid', 'google', 'cpc'],
  ['msclkid', 'bing', 'cpc'],
  ['fbclid', 'facebook', 'cpc'],
  ['twclid', 'twitter', 'cpc'],
  ['li_fat_id', 'linkedin', 'cpc'],
  ['ttclid', 'tiktok', 'cpc'],
  ['ScCid', 'snapchat', 'cpc'],
  ['irclickid', 'impact', 'affiliate'],
];

/** `gclsrc` values of Google's Search Ads 360 and Display & Video 360 links. */
const GCLSRC_MEDIUMS: ReadonlyMap<string, string> = new Map([
  ['aw.ds', 'cpc'],
  ['3p.ds', 'display'],
]);

/** A paid click, recognised by the click id the ad platform appended to the landing URL. */
export const clickIdStep: AttributionStep = {
  classify({ pageQuery }) {
    for (const [param, source, medium] of CLICK_ID_SOURCES) {
      if (firstQueryValue(pageQuery, param) !== '') return { source, medium, term: '' };
    }
    const medium = GCLSRC_MEDIUMS.get(firstQueryValue(pageQuery, 'gclsrc'));
    return medium === undefined ? null : { source: 'google', medium, term: '' };
  },
};

/** A referrer host found in a list gets the entry's name as source and the list's medium. */
export class ReferrerListStep implements AttributionStep {
  constructor(
    private readonly list: ReferrerList,
    private readonly medium: string,
  ) {}

  classify({ referrer }: AttributionInput): TrafficSource | null {
    if (referrer === null) return null;
    const found = this.list.match(referrer);
    return found === null ? null : { source: found.entry.name, medium: this.medium, term: '' };
  }
}

/** The search term: the first non-empty value among the engine's term parameters. */
function searchTerm(entry: ReferrerListEntry, referrer: ReferrerFacts): string {
  for (const param of entry.termParams) {
    const value = firstQueryValue(referrer.query, param);
    if (value !== '') return value;
  }
  return '';
}

/** Organic search: the engine's name, medium `organic`, the term from the referrer's query. */
export class SearchEngineStep implements AttributionStep {
  constructor(readonly engines: ReferrerList) {}

  classify({ referrer }: AttributionInput): TrafficSource | null {
    return referrer === null ? null : (this.classifyWithSpecificity(referrer)?.source ?? null);
  }

  /** The classification together with how narrowly the engine's pattern matched. */
  classifyWithSpecificity(referrer: ReferrerFacts): { source: TrafficSource; specificity: number } | null {
    const found = this.engines.match(referrer);
    if (found === null) return null;
    return { source: { source: found.entry.name, medium: 'organic', term: searchTerm(found.entry, referrer) }, specificity: found.specificity };
  }
}

/**
 * Webmail referrers, medium `email`. The reference checks email providers before search
 * engines, so portals that are both (`yandex.ru`, `search.yahoo.com` under `yahoo.com`) came
 * out as mail. Here a host both lists claim goes to the search engine unless the email
 * pattern is narrower: `yandex.ru` is search, `mail.yandex.ru` and `mail.google.com` are mail.
 */
export class EmailProviderStep implements AttributionStep {
  constructor(
    private readonly providers: ReferrerList,
    private readonly searchEngines: SearchEngineStep,
  ) {}

  classify({ referrer }: AttributionInput): TrafficSource | null {
    if (referrer === null) return null;
    const provider = this.providers.match(referrer);
    if (provider === null) return null;
    const search = this.searchEngines.classifyWithSpecificity(referrer);
    if (search !== null && search.specificity >= provider.specificity) return search.source;
    return { source: provider.entry.name, medium: 'email', term: '' };
  }
}

/**
 * A referrer mentioning `mail.` anywhere (host, path or query, as the reference checks it) is
 * taken for a webmail the list does not know; the source is its host. A search engine's
 * referrer stays organic search even when the search was for `gmail.com`, so given the
 * engines, this step hands their hosts over to them.
 */
export class MailHeuristicStep implements AttributionStep {
  constructor(private readonly searchEngines: SearchEngineStep | null = null) {}

  classify({ referrer }: AttributionInput): TrafficSource | null {
    if (referrer === null || referrer.hostWithoutWww === '' || !referrer.raw.includes('mail.')) return null;
    const search = this.searchEngines?.classifyWithSpecificity(referrer) ?? null;
    if (search !== null) return search.source;
    return { source: referrer.hostWithoutWww, medium: 'email', term: '' };
  }
}

/** Any other site than the landing page's own; needs a landing host to compare with. */
export const referralStep: AttributionStep = {
  classify({ referrer, pageHostWithoutWww }) {
    if (referrer === null || referrer.hostWithoutWww === '') return null;
    if (pageHostWithoutWww === null || pageHostWithoutWww === '' || pageHostWithoutWww === referrer.hostWithoutWww) return null;
    return { source: referrer.hostWithoutWww, medium: 'referral', term: '' };
  },
};
