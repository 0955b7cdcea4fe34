import { Schema, type Field } from 'apache-arrow';
import { rowsOf, type Row, type RowBatch } from '../warehouse/driver.js';
import type { Logger } from '../monitoring/logger.js';
import type { ColumnSet } from './column.js';
import { rowReader, type Event, type Session } from './session.js';

/** Which rows a table holds: one per event, one per session, or events with their session's values. */
export type TableScope = 'event' | 'session' | 'mixed';

export interface TableSchema {
  readonly table: string;
  readonly schema: Schema;
  readonly scope: TableScope;
}

export interface TableRows {
  readonly table: string;
  /** The rows as objects (built on first read when the layout made them positionally). */
  readonly rows: Row[];
  /** The same rows positionally, when the layout built them that way. */
  readonly positional?: RowBatch;
}

/**
 * Rows built positionally, with the object form made only if someone asks for it. A class, not
 * an object literal with a getter: each such literal got its own accessor and closure, which V8
 * keeps reachable from old-space metadata until the next full collection, so every write's rows
 * outlived their write and were copied out of the young generation by each scavenge.
 */
class PositionalTableRows implements TableRows {
  private objects: Row[] | undefined;

  constructor(
    readonly table: string,
    readonly positional: RowBatch,
  ) {}

  get rows(): Row[] {
    return (this.objects ??= rowsOf(this.positional));
  }
}

export function positionalTableRows(table: string, batch: RowBatch): TableRows {
  return new PositionalTableRows(table, batch);
}

/** Decides the tables of a property and turns computed sessions into their rows. */
export interface Layout {
  tables(columns: ColumnSet): TableSchema[];
  toRows(columns: ColumnSet, sessions: readonly Session[]): TableRows[];
}

/**
 * One table with a row per event: the event's columns, then its session-scoped columns, then
 * every session column (named `prefix + name`) repeated on each row of the session. Cairn,
 * like the reference, uses an empty prefix: session column names already start with `session_`.
 */
export class EventsWithEmbeddedSessionColumnsLayout implements Layout {
  constructor(
    private readonly table: string,
    private readonly sessionColumnsPrefix: string = '',
  ) {}

  private readonly plans = new WeakMap<ColumnSet, RowPlan>();

  tables(columns: ColumnSet): TableSchema[] {
    const fields: Field[] = [
      ...columns.event.map((c) => c.implements.field),
      ...columns.sessionScoped.map((c) => c.implements.field),
      ...columns.session.map((c) => {
        const f = c.implements.field;
        return this.sessionColumnsPrefix === '' ? f : f.clone({ name: this.sessionColumnsPrefix + f.name });
      }),
    ];
    return [{ table: this.table, schema: new Schema(fields), scope: 'mixed' }];
  }

  toRows(columns: ColumnSet, sessions: readonly Session[]): TableRows[] {
    const { fieldNames, sessionNames, readRow } = this.rowPlan(columns);
    const values: unknown[][] = [];
    const ns = sessionNames.length;
    for (const session of sessions) {
      // A session's values are the same on each of its rows: read them once.
      const sessionValues = new Array<unknown>(ns);
      for (let j = 0; j < ns; j++) sessionValues[j] = valueOf(session.values, sessionNames[j]!);
      for (const event of session.events) {
        // Every field of the schema is present (null when a column wrote nothing), in schema order.
        values.push(readRow(event.values, sessionValues));
      }
    }
    return [positionalTableRows(this.table, { fieldNames, values })];
  }

  /** Names and the generated row reader of a column set, made once (the writer asks once per session). */
  private rowPlan(columns: ColumnSet): RowPlan {
    let plan = this.plans.get(columns);
    if (plan === undefined) {
      const eventNames = [...columns.event, ...columns.sessionScoped].map((c) => c.implements.field.name);
      const sessionNames = columns.session.map((c) => c.implements.field.name);
      const prefix = this.sessionColumnsPrefix;
      plan = {
        fieldNames: [...eventNames, ...sessionNames.map((n) => prefix + n)],
        sessionNames,
        readRow: rowReader(eventNames, sessionNames.length),
      };
      this.plans.set(columns, plan);
    }
    return plan;
  }
}

interface RowPlan {
  readonly fieldNames: readonly string[];
  readonly sessionNames: readonly string[];
  readonly readRow: ReturnType<typeof rowReader>;
}

/** Whether two field lists are the same names in the same order. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((n, i) => n === b[i]));
}

function valueOf(values: Record<string, unknown>, name: string): unknown {
  const v = values[name];
  return v === undefined ? null : v;
}

/**
 * Keeps broken data out of the warehouse: broken sessions are skipped, broken events are
 * removed from their session, and sessions left without events produce no rows. Each drop is
 * logged with its reason.
 */
export class BrokenFilteringLayout implements Layout {
  constructor(
    private readonly inner: Layout,
    private readonly logger: Logger,
  ) {}

  tables(columns: ColumnSet): TableSchema[] {
    return this.inner.tables(columns);
  }

  toRows(columns: ColumnSet, sessions: readonly Session[]): TableRows[] {
    const kept: Session[] = [];
    for (const session of sessions) {
      if (session.brokenReason !== null) {
        this.logger.warn('dropping broken session', { property: session.propertyId, session: sessionIdOf(session), reason: session.brokenReason });
        continue;
      }
      const events: Event[] = [];
      for (const event of session.events) {
        if (event.brokenReason !== null) {
          this.logger.warn('dropping broken event', { property: session.propertyId, event: event.hit.id, reason: event.brokenReason });
        } else {
          events.push(event);
        }
      }
      if (events.length === 0) continue;
      kept.push(events.length === session.events.length ? session : { ...session, events });
    }
    return this.inner.toRows(columns, kept);
  }
}

function sessionIdOf(session: Session): string {
  const id = session.values['session_id'];
  return typeof id === 'string' ? id : (session.events[0]?.hit.id ?? '');
}

/** Merges the rows of the same table into one entry, so each table gets a single write; tables keep first-seen order. */
export class BatchingLayout implements Layout {
  constructor(private readonly inner: Layout) {}

  tables(columns: ColumnSet): TableSchema[] {
    return this.inner.tables(columns);
  }

  toRows(columns: ColumnSet, sessions: readonly Session[]): TableRows[] {
    const byTable = new Map<string, TableRows[]>();
    for (const entry of this.inner.toRows(columns, sessions)) {
      const list = byTable.get(entry.table);
      if (list === undefined) byTable.set(entry.table, [entry]);
      else list.push(entry);
    }
    return [...byTable].map(([table, entries]) => {
      if (entries.length === 1) return entries[0]!;
      const first = entries[0]!.positional;
      // Positional entries of one table share their field list; merge them without objects.
      if (first !== undefined && entries.every((e) => e.positional !== undefined && sameNames(e.positional.fieldNames, first.fieldNames))) {
        return positionalTableRows(table, { fieldNames: first.fieldNames, values: entries.flatMap((e) => e.positional!.values) });
      }
      return { table, rows: entries.flatMap((e) => e.rows) };
    });
  }
}
