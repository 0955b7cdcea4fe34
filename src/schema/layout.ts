import { Schema, type Field } from 'apache-arrow';
import type { Row } from '../warehouse/driver.js';
import type { Logger } from '../monitoring/logger.js';
import type { ColumnSet } from './column.js';
import type { Event, Session } from './session.js';

/** Which rows a table holds: one per event, one per session, or events with their session's values. */
export type TableScope = 'event' | 'session' | 'mixed';

export interface TableSchema {
  readonly table: string;
  readonly schema: Schema;
  readonly scope: TableScope;
}

export interface TableRows {
  readonly table: string;
  readonly rows: Row[];
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
    const eventNames = [...columns.event, ...columns.sessionScoped].map((c) => c.implements.field.name);
    const sessionNames = columns.session.map((c) => c.implements.field.name);
    const prefix = this.sessionColumnsPrefix;
    const rows: Row[] = [];
    for (const session of sessions) {
      for (const event of session.events) {
        // Every field of the schema is present (null when a column wrote nothing), in schema order.
        const row: Row = {};
        for (const name of eventNames) row[name] = valueOf(event.values, name);
        for (const name of sessionNames) row[prefix + name] = valueOf(session.values, name);
        rows.push(row);
      }
    }
    return [{ table: this.table, rows }];
  }
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
    const byTable = new Map<string, Row[]>();
    for (const entry of this.inner.toRows(columns, sessions)) {
      const rows = byTable.get(entry.table);
      if (rows === undefined) byTable.set(entry.table, [...entry.rows]);
      else rows.push(...entry.rows);
    }
    return [...byTable].map(([table, rows]) => ({ table, rows }));
  }
}
