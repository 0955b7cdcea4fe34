import type { Event } from '../../src/schema/session.js';
import type { TrafficSource, TrafficSourceDetector } from '../core/traffic-source.js';
import { PairMap } from '../../src/storage/pair-map.js';
import { originalPageUrl } from '../url/page-url.js';
import { firstQueryValue, readAttributionInput, referrerOf, type AttributionInput } from './attribution-input.js';
import { normaliseAttributionValue } from './normalise.js';
import type { AttributionStep } from './steps.js';

/** Pairs of landing URL and referrer whose answers `detect` keeps. */
const RECENT_ATTRIBUTIONS = 4096;

export const DIRECT: TrafficSource = Object.freeze({ source: 'direct', medium: 'none', term: '' });

/** Campaign parameters of the landing URL win over detection, each on its own when non-empty. */
function applyCampaignParameters(detected: TrafficSource, input: AttributionInput): TrafficSource {
  const source = firstQueryValue(input.pageQuery, 'utm_source');
  const medium = firstQueryValue(input.pageQuery, 'utm_medium');
  const term = firstQueryValue(input.pageQuery, 'utm_term');
  return {
    source: source !== '' ? source : detected.source,
    medium: medium !== '' ? medium : detected.medium,
    term: term !== '' ? term : detected.term,
  };
}

/**
 * Attribution of a session from its first event: the first step that recognises the visit
 * decides (direct / none when none does), then the landing URL's `utm_source`, `utm_medium`
 * and `utm_term` override, then every part is normalised.
 */
export class ChainTrafficSourceDetector implements TrafficSourceDetector {
  constructor(readonly steps: readonly AttributionStep[]) {}

  classify(input: AttributionInput): TrafficSource {
    let detected = DIRECT;
    for (const step of this.steps) {
      const found = step.classify(input);
      if (found !== null) {
        detected = found;
        break;
      }
    }
    const chosen = applyCampaignParameters(detected, input);
    return {
      source: normaliseAttributionValue(chosen.source),
      medium: normaliseAttributionValue(chosen.medium),
      term: normaliseAttributionValue(chosen.term),
    };
  }

  /**
   * Attribution is a function of the landing URL and the referrer alone, and a site's sessions
   * arrive from a few of each again and again (its home page from a search engine, from no
   * referrer), so recent answers are kept by the two: classifying costs several URL readings,
   * lookups and normalisations per session.
   */
  private readonly recent = new PairMap<TrafficSource>(RECENT_ATTRIBUTIONS);

  detect(event: Event): TrafficSource {
    const page = originalPageUrl(event);
    const referrer = referrerOf(event);
    const kept = this.recent.get(page, referrer);
    if (kept !== undefined) return kept;
    const found = Object.freeze(this.classify(readAttributionInput(event)));
    this.recent.set(page, referrer, found);
    return found;
  }
}

