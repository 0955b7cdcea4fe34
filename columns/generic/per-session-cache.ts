import type { Session } from '../../src/schema/session.js';

/**
 * A value computed once per session (session-scoped columns compute all events' values on the
 * first index and read the rest from here). It holds the last session asked about only: the
 * writer computes a session's columns one after another before it moves to the next session, so
 * one entry answers every repeated question, and holding no more lets a written session die
 * young (keys of a WeakMap survive scavenges). The entry is checked against the session's event
 * list, so a session that is later reshaped is computed afresh.
 */
export class PerSessionCache<T> {
  private session: Session | null = null;
  private events: readonly unknown[] | null = null;
  private length = 0;
  private value: T | undefined;

  get(session: Session, compute: (session: Session) => T): T {
    if (this.session === session && this.events === session.events && this.length === session.events.length) return this.value as T;
    const value = compute(session);
    this.session = session;
    this.events = session.events;
    this.length = session.events.length;
    this.value = value;
    return value;
  }
}
