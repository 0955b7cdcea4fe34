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
 * Values start as plain objects; the column writer swaps them for objects of `valuesFactory`
 * before it computes anything. Column names never include `__proto__`: built-in names are fixed
 * and custom names are checked at start-up.
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

/** A starting value the generated constructor can write as a literal. */
export type LiteralValue = string | number | boolean | null;

/**
 * Values objects that already hold every column name, in a fixed order. Filled key by key, an
 * object with a table's hundreds of columns turns into a hash table early on and is rebuilt each
 * time it grows, which made it most of what the worker allocated; objects made by one generated
 * constructor share a single hidden class with room for every column, and a column's write then
 * only changes a value. `initial` gives some names a starting value other than undefined
 * (strings, finite numbers, booleans or null).
 */
export function valuesFactory(names: readonly string[], initial: ReadonlyMap<string, LiteralValue> = new Map()): () => Record<string, unknown> {
  const literal = (n: string): string => {
    const v = initial.get(n);
    return v === undefined ? 'undefined' : JSON.stringify(v);
  };
  const body = [...new Set(names)].map((n) => `this[${JSON.stringify(n)}] = ${literal(n)};`).join('\n');
  // Constant keys compile to named stores, the kind that keeps an object in fast mode.
  const Values = new Function(body) as unknown as new () => Record<string, unknown>;
  return () => new Values();
}

/**
 * A setter for one value name. Each generated function keeps its own inline cache, so with the
 * objects of `valuesFactory` (one hidden class per column set) every store is monomorphic; one
 * shared `values[name] = x` site sees hundreds of names and falls back to a generic lookup.
 */
export function valueSetter(name: string): (values: Record<string, unknown>, value: unknown) => void {
  return new Function('values', 'value', `values[${JSON.stringify(name)}] = value;`) as (values: Record<string, unknown>, value: unknown) => void;
}

/**
 * A reader of one row: the named values (null where undefined) followed by `extra`'s items,
 * as one array literal with a named load per column.
 */
export function rowReader(names: readonly string[], extraCount: number): (values: Record<string, unknown>, extra: readonly unknown[]) => unknown[] {
  const items = names.map((n) => `(x = values[${JSON.stringify(n)}]) === undefined ? null : x`);
  for (let i = 0; i < extraCount; i++) items.push(`extra[${i}]`);
  return new Function('values', 'extra', `let x; return [${items.join(', ')}];`) as (values: Record<string, unknown>, extra: readonly unknown[]) => unknown[];
}
