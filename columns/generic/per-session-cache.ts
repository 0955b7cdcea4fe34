import type { Session } from '../../src/schema/session.js';

interface Entry<T> {
  events: readonly unknown[];
  length: number;
  value: T;
}

/**
 * A value computed once per session (session-scoped columns compute all events' values on the
 * first index and read the rest from here). Keyed weakly by the session object and checked
 * against its event list, so a session that is later reshaped is computed afresh.
 */
export class PerSessionCache<T> {
  private readonly entries = new WeakMap<Session, Entry<T>>();

  get(session: Session, compute: (session: Session) => T): T {
    const hit = this.entries.get(session);
    if (hit !== undefined && hit.events === session.events && hit.length === session.events.length) return hit.value;
    const value = compute(session);
    this.entries.set(session, { events: session.events, length: session.events.length, value });
    return value;
  }
}
