import type { Event } from '../../src/schema/session.js';
import type { TrafficSource, TrafficSourceDetector } from '../core/traffic-source.js';
import { goHostname, parseGoQuery, parseGoUrl, type GoQuery } from '../url/go-url.js';
import { originalPageUrl } from '../url/page-url.js';

/**
 * Traffic attribution without the referrer catalogues: ad click ids on the landing URL, the
 * "mail." heuristic, other sites as referral, direct otherwise; then campaign parameters
 * override and the result is normalised. Host lists (search engines, social networks, email
 * providers, AI assistants, video sites, referral apps) plug in through `HostListDetector`s,
 * in the reference's order, once their data files are part of the project.
 */

interface ReferrerFacts {
  raw: string;
  host: string;
  hostWithoutWww: string;
  query: GoQuery;
}

export interface AttributionInput {
  pageQuery: GoQuery | null;
  pageHostWithoutWww: string | null;
  referrer: ReferrerFacts | null;
}

/** One step of the chain: a classification, or null to let the next step decide. */
export interface AttributionStep {
  classify(input: AttributionInput): TrafficSource | null;
}

const CLICK_ID_SOURCES: readonly [param: string, source: string, medium: string][] = [
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

function firstValue(query: GoQuery | null, name: string): string {
  return query?.get(name)?.[0] ?? '';
}

export const clickIdStep: AttributionStep = {
  classify({ pageQuery }) {
    for (const [param, source, medium] of CLICK_ID_SOURCES) {
      if (firstValue(pageQuery, param) !== '') return { source, medium, term: '' };
    }
    const gclsrc = firstValue(pageQuery, 'gclsrc');
    if (gclsrc === 'aw.ds') return { source: 'google', medium: 'cpc', term: '' };
    if (gclsrc === '3p.ds') return { source: 'google', medium: 'display', term: '' };
    return null;
  },
};

/** A referrer whose text contains `mail.` is taken for a webmail. */
export const mailHeuristicStep: AttributionStep = {
  classify({ referrer }) {
    if (referrer === null || referrer.hostWithoutWww === '' || !referrer.raw.includes('mail.')) return null;
    return { source: referrer.hostWithoutWww, medium: 'email', term: '' };
  },
};

/** Any other site than the page's own. */
export const referralStep: AttributionStep = {
  classify({ referrer, pageHostWithoutWww }) {
    if (referrer === null || referrer.hostWithoutWww === '') return null;
    if (pageHostWithoutWww === null || pageHostWithoutWww === '' || pageHostWithoutWww === referrer.hostWithoutWww) return null;
    return { source: referrer.hostWithoutWww, medium: 'referral', term: '' };
  },
};

/**
 * Referrer hosts by display name (`Gmail: [gmail.com, mail.google.com]`): a pattern matches
 * its host and subdomains; patterns holding `/` never match a host.
 */
export class HostListDetector implements AttributionStep {
  constructor(
    private readonly medium: string,
    private readonly entries: readonly (readonly [displayName: string, patterns: readonly string[]])[],
  ) {}

  private matches(host: string, pattern: string): boolean {
    if (pattern.includes('/')) return false;
    return host === pattern || host.endsWith('.' + pattern);
  }

  classify({ referrer }: AttributionInput): TrafficSource | null {
    if (referrer === null || referrer.host === '') return null;
    for (const [name, patterns] of this.entries) {
      for (const pattern of patterns) {
        if (this.matches(referrer.host, pattern) || this.matches(referrer.hostWithoutWww, pattern)) {
          return { source: name.toLowerCase(), medium: this.medium, term: '' };
        }
      }
    }
    return null;
  }
}

function withoutWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

function normalise(s: string): string {
  return s.toLowerCase().replaceAll(' ', '-').replace(/[/\\?&=#]/g, '').trim();
}

function readInput(event: Event): AttributionInput {
  let pageQuery: GoQuery | null = null;
  let pageHostWithoutWww: string | null = null;
  const page = originalPageUrl(event);
  if (page !== '') {
    try {
      const url = parseGoUrl(page);
      pageQuery = parseGoQuery(url.rawQuery);
      pageHostWithoutWww = withoutWww(goHostname(url).toLowerCase());
    } catch {
      // An unparsable page URL has already broken the event; attribute from the referrer alone.
    }
  }
  let referrer: ReferrerFacts | null = null;
  const rawReferrer = event.values['page_referrer'];
  if (event.values['ignore_referrer'] !== true && typeof rawReferrer === 'string' && rawReferrer !== '') {
    try {
      const url = parseGoUrl(rawReferrer);
      const host = goHostname(url).toLowerCase().replaceAll(' ', '-');
      referrer = { raw: rawReferrer, host, hostWithoutWww: withoutWww(host), query: parseGoQuery(url.rawQuery) };
    } catch {
      referrer = null;
    }
  }
  return { pageQuery, pageHostWithoutWww, referrer };
}

export class ChainTrafficSourceDetector implements TrafficSourceDetector {
  constructor(private readonly steps: readonly AttributionStep[]) {}

  detect(event: Event): TrafficSource {
    const input = readInput(event);
    let result: TrafficSource = { source: 'direct', medium: 'none', term: '' };
    for (const step of this.steps) {
      const found = step.classify(input);
      if (found !== null) {
        result = found;
        break;
      }
    }
    const utmSource = firstValue(input.pageQuery, 'utm_source');
    const utmMedium = firstValue(input.pageQuery, 'utm_medium');
    const utmTerm = firstValue(input.pageQuery, 'utm_term');
    if (utmSource !== '') result = { ...result, source: utmSource };
    if (utmMedium !== '') result = { ...result, medium: utmMedium };
    if (utmTerm !== '') result = { ...result, term: utmTerm };
    return { source: normalise(result.source), medium: normalise(result.medium), term: normalise(result.term) };
  }
}

export interface HostLists {
  video?: HostListDetector;
  emails?: HostListDetector;
  referralApps?: HostListDetector;
  socials?: HostListDetector;
  ai?: HostListDetector;
  searchEngines?: AttributionStep;
}

/** The reference's chain with whichever host lists are available. */
export function basicTrafficSourceDetector(lists: HostLists = {}): TrafficSourceDetector {
  const steps: AttributionStep[] = [clickIdStep];
  for (const step of [lists.video, lists.emails, lists.referralApps]) if (step !== undefined) steps.push(step);
  steps.push(mailHeuristicStep);
  for (const step of [lists.socials, lists.ai, lists.searchEngines]) if (step !== undefined) steps.push(step);
  steps.push(referralStep);
  return new ChainTrafficSourceDetector(steps);
}
