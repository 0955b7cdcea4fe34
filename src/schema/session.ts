import type { Hit } from '../hits/hit.js';

/**
 * One event of a session while its columns are computed. `values` become the warehouse row;
 * `metadata` is scratch space shared between columns (caches, split cause, filter name) and
 * is never written.
 */
export interface Event {
  hit: Hit;
  values: Record<string, unknown>;
  metadata: Record<string, string>;
  brokenReason: string | null;
}

export interface Session {
  /** The property of the session's first event. */
  propertyId: string;
  events: Event[];
  values: Record<string, unknown>;
  metadata: Record<string, string>;
  brokenReason: string | null;
}

/**
 * Values start as plain objects: columns always add their values in the same order, so every
 * event of a column set shares one chain of hidden classes and stays in V8's fast-property mode.
 * (A null-prototype object is a hash table from the start, slower to fill and to collect.)
 * Column names never include `__proto__`: built-in names are fixed and custom names are checked
 * at start-up.
 */
export function newEvent(hit: Hit): Event {
  return { hit, values: {}, metadata: Object.create(null) as Record<string, string>, brokenReason: null };
}

/** A session of the given events (in order); the property is the first event's. */
export function newSession(events: Event[]): Session {
  return {
    propertyId: events[0]?.hit.propertyId ?? '',
    events,
    values: {},
    metadata: Object.create(null) as Record<string, string>,
    brokenReason: null,
  };
}
