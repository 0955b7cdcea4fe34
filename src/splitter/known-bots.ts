/**
 * Drops (or, in test mode, names) events sent by known crawlers, monitoring agents and other
 * non-browser clients, told apart by their user agent with the `isbot` package, as GA4 drops
 * known bot traffic before reporting. It runs as a session modifier after the split and before
 * the traffic filter, so bot events count in no session metric, and a user's test-mode filter
 * that also matches an event has the last word in `traffic_filter_name`.
 */
import type { Counter } from '@opentelemetry/api';
import { isbot } from 'isbot';
import { firstHeader, firstParam, PROTOCOL_METADATA_KEY } from '../hits/hit.js';
import type { Event, Session } from '../schema/session.js';
import { filteredEventsCounter } from './filter-metrics.js';
import type { SessionModifier } from './modifier.js';
import { TRAFFIC_FILTER_NAME_METADATA_KEY } from './traffic-filter.js';

/** What `traffic_filter_name` says for a bot event kept in test mode. */
export const KNOWN_BOTS_FILTER_NAME = 'known_bots';

/**
 * The user agent an event was sent with. Matomo's server-side trackers send the visitor's user
 * agent in `ua` and their own in the header, so `ua` wins there.
 */
export function userAgentOf(event: Event): string {
  const hit = event.hit;
  if (hit.metadata[PROTOCOL_METADATA_KEY] === 'matomo') {
    const ua = firstParam(hit.request.queryParams, 'ua');
    if (ua !== undefined && ua !== '') return ua;
  }
  return firstHeader(hit.request.headers, 'User-Agent') ?? '';
}

/**
 * `isbot` with a bounded memo: the same few hundred user agents make up nearly all traffic,
 * and the pattern is long. When the memo is full it starts over rather than tracking age.
 */
export class KnownBotDetector {
  private readonly memo = new Map<string, boolean>();

  constructor(
    private readonly detect: (userAgent: string) => boolean = isbot,
    private readonly memoSize = 10_000,
  ) {}

  isBot(userAgent: string): boolean {
    // No user agent at all is not evidence of a bot (server-side hits often omit it).
    if (userAgent === '') return false;
    let bot = this.memo.get(userAgent);
    if (bot === undefined) {
      bot = this.detect(userAgent);
      if (this.memo.size >= this.memoSize) this.memo.clear();
      this.memo.set(userAgent, bot);
    }
    return bot;
  }
}

export interface KnownBotFilterOptions {
  /** `exclude` drops bot events; `mark` keeps them and names this filter in `traffic_filter_name`. */
  mode: 'exclude' | 'mark';
  propertyId: string;
  detector?: KnownBotDetector;
}

const sharedDetector = new KnownBotDetector();

export class KnownBotFilter implements SessionModifier {
  private readonly mode: 'exclude' | 'mark';
  private readonly detector: KnownBotDetector;
  private readonly filtered: Counter;
  private readonly attributes: { reason: string; action: string; property_id: string };

  constructor(options: KnownBotFilterOptions) {
    this.mode = options.mode;
    this.detector = options.detector ?? sharedDetector;
    this.filtered = filteredEventsCounter();
    this.attributes = { reason: 'known_bot', action: options.mode === 'exclude' ? 'excluded' : 'marked', property_id: options.propertyId };
  }

  modify(session: Session): Session[] {
    if (this.mode === 'mark') {
      let marked = 0;
      for (const event of session.events) {
        if (!this.detector.isBot(userAgentOf(event))) continue;
        event.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY] = KNOWN_BOTS_FILTER_NAME;
        marked++;
      }
      if (marked > 0) this.filtered.add(marked, this.attributes);
      return [session];
    }
    const kept = session.events.filter((event) => !this.detector.isBot(userAgentOf(event)));
    const dropped = session.events.length - kept.length;
    if (dropped === 0) return [session];
    this.filtered.add(dropped, this.attributes);
    return kept.length === 0 ? [] : [{ ...session, events: kept }];
  }
}
