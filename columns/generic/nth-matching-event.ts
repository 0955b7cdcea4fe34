import type { SessionColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Event, Session } from '../../src/schema/session.js';
import type { EventPredicate } from './event-name.js';
import { sessionColumn, type ColumnOptions } from './simple.js';

/**
 * The value `field` holds on the n-th event matching `matches` (0 = first, -1 = last). Null
 * when there is no such event, or when that event has no value for the field.
 */
export function nthMatchingEventValue(session: Session, n: number, field: string, matches: EventPredicate): unknown {
  const event = nthMatchingEvent(session.events, n, matches);
  if (event === undefined) return null;
  return event.values[field] ?? null;
}

/** The n-th event matching (0 = first, -1 = last), found by a scan from the nearer end without a list of the matches. */
function nthMatchingEvent(events: readonly Event[], n: number, matches: EventPredicate): Event | undefined {
  if (n >= 0) {
    let seen = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (matches(event) && seen++ === n) return event;
    }
    return undefined;
  }
  let seen = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (matches(event) && seen-- === n) return event;
  }
  return undefined;
}

/** A session column copying an event column's value from the n-th matching event (entry page, exit page…). */
export function nthMatchingEventValueColumn(
  iface: ColumnInterface,
  n: number,
  sourceField: string,
  matches: EventPredicate,
  options: ColumnOptions = {},
): SessionColumn {
  return sessionColumn(iface, (session) => nthMatchingEventValue(session, n, sourceField, matches), options);
}
