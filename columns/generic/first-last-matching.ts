import type { SessionScopedEventColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Event } from '../../src/schema/session.js';
import type { EventPredicate } from './event-name.js';
import { PerSessionCache } from './per-session-cache.js';
import { sessionScopedColumn, type ColumnOptions } from './simple.js';

export type MatchPosition = 'first' | 'last' | 'only';

/**
 * Marks one event among those matching: the first, the last, or the single one (`only`, which
 * marks nothing when zero or several events match). All other events get false.
 */
export function markMatchingEvent(events: readonly Event[], matches: EventPredicate, position: MatchPosition): boolean[] {
  const marks = events.map(() => false);
  const indices: number[] = [];
  events.forEach((e, i) => {
    if (matches(e)) indices.push(i);
  });
  if (indices.length === 0) return marks;
  if (position === 'first') marks[indices[0]!] = true;
  else if (position === 'last') marks[indices[indices.length - 1]!] = true;
  else if (indices.length === 1) marks[indices[0]!] = true;
  return marks;
}

export function matchingEventMarkColumn(
  iface: ColumnInterface,
  matches: EventPredicate,
  position: MatchPosition,
  options: ColumnOptions = {},
): SessionScopedEventColumn {
  const cache = new PerSessionCache<boolean[]>();
  return sessionScopedColumn(iface, (session, index) => cache.get(session, (s) => markMatchingEvent(s.events, matches, position))[index] ?? false, options);
}
