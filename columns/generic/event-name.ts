import type { Event } from '../../src/schema/session.js';

/** Field name of the core `name` column, which every protocol fills before session columns run. */
export const EVENT_NAME_FIELD = 'name';

export const PAGE_VIEW = 'page_view';

/** The event's name as its `name` column stored it, or null when it is missing or not a string. */
export function eventNameOf(event: Event): string | null {
  const v = event.values[EVENT_NAME_FIELD];
  return typeof v === 'string' ? v : null;
}

export type EventPredicate = (event: Event) => boolean;

export function eventNameIs(name: string): EventPredicate {
  return (event) => eventNameOf(event) === name;
}

export function eventNameIn(names: readonly string[]): EventPredicate {
  const set = new Set(names);
  return (event) => {
    const n = eventNameOf(event);
    return n !== null && set.has(n);
  };
}
