import type { TrafficSourceDetector } from '../core/traffic-source.js';
import { ChainTrafficSourceDetector } from './chain.js';
import { clickIdStep, MailHeuristicStep, referralStep } from './steps.js';

/**
 * The chain without referrer lists: click ids, the `mail.` heuristic, other sites as
 * referral, direct otherwise; campaign parameters still override. It needs no data files,
 * which suits tests of other columns; `createTrafficSourceDetector()` is the full chain.
 */
export function basicTrafficSourceDetector(): TrafficSourceDetector {
  return new ChainTrafficSourceDetector([clickIdStep, new MailHeuristicStep(), referralStep]);
}
