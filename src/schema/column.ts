import type { Cast } from './casts.js';
import type { ColumnInterface, InterfaceId } from './interface.js';
import type { Event, Session } from './session.js';

/** The three column kinds, named as `cairn columns` prints them. */
export type ColumnScope = 'event' | 'session-scoped' | 'session';

/** What the catalogue and the warehouse column comments say about a column. */
export interface ColumnDocs {
  readonly columnName: string;
  readonly displayName: string;
  readonly description: string;
  readonly interfaceId: InterfaceId;
}

interface ColumnBase {
  readonly implements: ColumnInterface;
  /** Interfaces whose values this column reads; the registry refuses a set that lacks one. */
  readonly dependsOn: readonly InterfaceId[];
  readonly docs: ColumnDocs;
}

/** Computes one value per event from the event alone; stored in `event.values[field.name]`. */
export interface EventColumn extends ColumnBase {
  readonly scope: 'event';
  write(event: Event): void;
  /**
   * Set when the value is exactly `cast(first value of this request parameter)`, `""` when the
   * parameter is absent (what `write` computes too). The column writer then fills all such
   * columns in one pass over the request's parameters instead of one lookup per column.
   */
  readonly queryParam?: QueryParamSource;
}

/** A column `write` that is exactly `set(event.values, cast(read(event)))`, as its three parts. */
export interface EventColumnParts {
  readonly read: (event: Event) => unknown;
  readonly cast: Cast;
  readonly set: (values: Record<string, unknown>, value: unknown) => void;
}

// Keyed by the write function itself, so a column whose `write` is replaced has no parts.
const partsByWrite = new WeakMap<(event: Event) => void, EventColumnParts>();

/** Records that `write` is exactly what `parts` do; returns `write`. */
export function writeOfParts(write: (event: Event) => void, parts: EventColumnParts): (event: Event) => void {
  partsByWrite.set(write, parts);
  return write;
}

/**
 * The parts of a column's `write`, when it was made of them: the column writer then calls the
 * three itself, from code generated for the column set, where each call has a single target
 * (through `write`, every column's calls share the same sites, and none can be inlined).
 */
export function eventColumnParts(column: EventColumn): EventColumnParts | undefined {
  return partsByWrite.get(column.write);
}

export interface QueryParamSource {
  readonly key: string;
  readonly cast: Cast;
}

/**
 * Computes one value per event with the whole session in view (hit number, previous page…);
 * stored in `session.events[index].values[field.name]`.
 */
export interface SessionScopedEventColumn extends ColumnBase {
  readonly scope: 'session-scoped';
  write(session: Session, index: number): void;
}

/** Computes one value per session; stored in `session.values[field.name]`. */
export interface SessionColumn extends ColumnBase {
  readonly scope: 'session';
  write(session: Session): void;
}

export type Column = EventColumn | SessionScopedEventColumn | SessionColumn;

/** The columns of one table, per kind, each list in evaluation (or physical) order. */
export interface ColumnSet {
  readonly event: readonly EventColumn[];
  readonly sessionScoped: readonly SessionScopedEventColumn[];
  readonly session: readonly SessionColumn[];
}

export const EMPTY_COLUMN_SET: ColumnSet = { event: [], sessionScoped: [], session: [] };

export function columnName(column: Column): string {
  return column.implements.field.name;
}

/** All columns of a set, kinds in the order session, event, session-scoped (the sort's input order). */
export function allColumns(set: ColumnSet): Column[] {
  return [...set.session, ...set.event, ...set.sessionScoped];
}

/** Splits a list of columns back into kinds, keeping their relative order. */
export function groupByScope(columns: readonly Column[]): ColumnSet {
  const event: EventColumn[] = [];
  const sessionScoped: SessionScopedEventColumn[] = [];
  const session: SessionColumn[] = [];
  for (const c of columns) {
    if (c.scope === 'event') event.push(c);
    else if (c.scope === 'session-scoped') sessionScoped.push(c);
    else session.push(c);
  }
  return { event, sessionScoped, session };
}

export function concatColumnSets(sets: readonly ColumnSet[]): ColumnSet {
  return {
    event: sets.flatMap((s) => s.event),
    sessionScoped: sets.flatMap((s) => s.sessionScoped),
    session: sets.flatMap((s) => s.session),
  };
}
