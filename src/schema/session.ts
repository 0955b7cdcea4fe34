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

export function newEvent(hit: Hit): Event {
  return { hit, values: Object.create(null) as Record<string, unknown>, metadata: Object.create(null) as Record<string, string>, brokenReason: null };
}

/** A session of the given events (in order); the property is the first event's. */
export function newSession(events: Event[]): Session {
  return {
    propertyId: events[0]?.hit.propertyId ?? '',
    events,
    values: Object.create(null) as Record<string, unknown>,
    metadata: Object.create(null) as Record<string, string>,
    brokenReason: null,
  };
}
