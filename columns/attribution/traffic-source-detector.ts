import { ChainTrafficSourceDetector } from './chain.js';
import { shippedReferrerLists, type ReferrerLists } from './referrer-list-files.js';
import {
  clickIdStep,
  EmailProviderStep,
  MailHeuristicStep,
  ReferrerListStep,
  referralStep,
  SearchEngineStep,
  type AttributionStep,
} from './steps.js';

export { ChainTrafficSourceDetector } from './chain.js';

/**
 * The reference's detector chain over the given lists, first match wins: click ids, video
 * sites, email providers, referral apps, the `mail.` heuristic, social networks, AI
 * assistants, search engines, other sites. The two email steps yield to the search engines
 * on the engines' hosts (see `EmailProviderStep` and `MailHeuristicStep`).
 */
export function attributionSteps(lists: ReferrerLists): AttributionStep[] {
  const searchEngines = new SearchEngineStep(lists.searchEngines);
  return [
    clickIdStep,
    new ReferrerListStep(lists.videoSites, 'video'),
    new EmailProviderStep(lists.emailProviders, searchEngines),
    new ReferrerListStep(lists.referralApps, 'referral'),
    new MailHeuristicStep(searchEngines),
    new ReferrerListStep(lists.socials, 'social'),
    new ReferrerListStep(lists.aiAssistants, 'ai'),
    searchEngines,
    referralStep,
  ];
}

/**
 * session_source / session_medium / session_term as the reference computes them, with the
 * referrer lists shipped in this folder (read once per process) unless others are given.
 * Throws `ReferrerListError` when a list file is missing or malformed.
 */
export function createTrafficSourceDetector(lists: ReferrerLists = shippedReferrerLists()): ChainTrafficSourceDetector {
  return new ChainTrafficSourceDetector(attributionSteps(lists));
}
