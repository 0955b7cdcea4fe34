/**
 * The rules that cut one closed session into several. The splitter asks them in priority order
 * for every event after a slice's first; the first one that answers yes names the cause.
 */
import type { Event } from '../schema/session.js';

export type SplitCause = 'max_time_since_first_event_reached' | 'max_events_reached' | 'user_id_changed' | 'utm_campaign_changed';

/** Event metadata key holding the cause, set on the first event of every session a split creates. */
export const SPLIT_CAUSE_METADATA_KEY = 'session_split_cause';

/** What is known about the slice being built while its events are read. */
export interface SliceState {
  readonly firstEvent: Event;
  /** Events already in the slice (the one being decided on is not counted). */
  eventCount: number;
  /** The last usable value each value-change condition saw, by column. */
  readonly lastValues: Map<string, string>;
}

export interface SplitCondition {
  readonly cause: SplitCause;
  /**
   * Whether `event` must open a new slice. Also records what the condition needs to remember;
   * it is called once on a slice's first event to seed that memory, and the answer is ignored.
   */
  shouldSplit(event: Event, slice: SliceState): boolean;
}

function hitTime(event: Event): number {
  return event.hit.request.serverReceivedTime;
}

/** Caps the span of a session, measured on hit times from its first event. */
export class TimeSinceFirstEventCondition implements SplitCondition {
  readonly cause = 'max_time_since_first_event_reached';

  constructor(private readonly limitMs: number) {}

  shouldSplit(event: Event, slice: SliceState): boolean {
    return hitTime(event) - hitTime(slice.firstEvent) >= this.limitMs;
  }
}

/** Caps the number of events: the event that would exceed the limit opens the next session. */
export class MaxEventsCondition implements SplitCondition {
  readonly cause = 'max_events_reached';

  constructor(private readonly limit: number) {}

  shouldSplit(_event: Event, slice: SliceState): boolean {
    return slice.eventCount >= this.limit;
  }
}

/**
 * Splits when a column's string value differs from the last one seen in the slice. Events
 * without a string value (absent, null, another type) neither split nor change what is
 * remembered, so a value that merely disappears for a while never splits.
 */
export class ValueChangeCondition implements SplitCondition {
  constructor(
    private readonly column: string,
    readonly cause: SplitCause,
    /** Whether an empty string counts as "no value" (it does for user ids, not for campaigns). */
    private readonly emptyIsAbsent: boolean,
  ) {}

  shouldSplit(event: Event, slice: SliceState): boolean {
    const value: unknown = Object.prototype.hasOwnProperty.call(event.values, this.column) ? event.values[this.column] : undefined;
    if (typeof value !== 'string' || (this.emptyIsAbsent && value === '')) return false;
    const previous = slice.lastValues.get(this.column);
    slice.lastValues.set(this.column, value);
    return previous !== undefined && previous !== value;
  }
}

export const USER_ID_COLUMN = 'user_id';
export const UTM_CAMPAIGN_COLUMN = 'utm_campaign';

export function userIdChangeCondition(): SplitCondition {
  return new ValueChangeCondition(USER_ID_COLUMN, 'user_id_changed', true);
}

export function utmCampaignChangeCondition(): SplitCondition {
  return new ValueChangeCondition(UTM_CAMPAIGN_COLUMN, 'utm_campaign_changed', false);
}
