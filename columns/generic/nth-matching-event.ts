import type { SessionColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Session } from '../../src/schema/session.js';
import type { EventPredicate } from './event-name.js';
import { sessionColumn, type ColumnOptions } from './simple.js';

/**
 * The value `field` holds on the n-th event matching `matches` (0 = first, -1 = last). Null
 * when there is no such event, or when that event has no value for the field.
 */
export function nthMatchingEventValue(session: Session, n: number, field: string, matches: EventPredicate): unknown {
  const matching = session.events.filter(matches);
  const index = n < 0 ? matching.length + n : n;
  const event = matching[index];
  if (event === undefined) return null;
  return event.values[field] ?? null;
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
