import type { SessionColumn } from '../../src/schema/column.js';
import { BrokenSessionError } from '../../src/schema/errors.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Event, Session } from '../../src/schema/session.js';
import { PerSessionCache } from './per-session-cache.js';
import { sessionColumn, type ColumnOptions } from './simple.js';

/**
 * The first event of the session's dominant client: the client id with the most events, ties
 * going to the client seen first. A session joined from several clients (by user id or
 * session stamp) thus takes its device and place from the client that did most.
 */
export function dominantClientFirstEvent(session: Session): Event {
  const counts = new Map<string, { count: number; first: Event }>();
  for (const event of session.events) {
    const entry = counts.get(event.hit.clientId);
    if (entry === undefined) counts.set(event.hit.clientId, { count: 1, first: event });
    else entry.count++;
  }
  let best: { count: number; first: Event } | undefined;
  // Map iteration follows first appearance, so keeping the earlier entry on a tie is enough.
  for (const entry of counts.values()) {
    if (best === undefined || entry.count > best.count) best = entry;
  }
  if (best === undefined) throw new BrokenSessionError('session has no events');
  return best.first;
}

const dominantEvents = new PerSessionCache<Event>();

/** A session column copying `sourceField` from the dominant client's first event (null when it has none). */
export function dominantClientValueColumn(iface: ColumnInterface, sourceField: string, options: ColumnOptions = {}): SessionColumn {
  return sessionColumn(
    iface,
    (session) => {
      if (session.events.length === 0) throw new BrokenSessionError('session has no events');
      return dominantEvents.get(session, dominantClientFirstEvent).values[sourceField] ?? null;
    },
    options,
  );
}
