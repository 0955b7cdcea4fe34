import { createHash } from 'node:crypto';
import type { Logger } from '../monitoring/logger.js';
import { silentLogger } from '../monitoring/logger.js';
import type { ColumnSet } from '../schema/column.js';
import { errorMessage, isRetryableColumnError } from '../schema/errors.js';
import { BrokenFilteringLayout, type TableRows } from '../schema/layout.js';
import type { RowBatch } from '../warehouse/driver.js';
import type { PropertySchema, PropertySchemaRegistry } from '../schema/property-schema.js';
import { eventColumnPlan, type EventColumnPlan } from '../schema/event-column-plan.js';
import { valuesFactory, type Session } from '../schema/session.js';
import type { SessionModifierRegistry } from '../splitter/modifier.js';
import type { Driver } from '../warehouse/driver.js';
import type { SessionWriter } from './session-writer.js';

export interface ColumnSessionWriterOptions {
  /** Columns, layout and table schema per property, resolved once at start-up. */
  schemas: PropertySchemaRegistry;
  /** Splitter and traffic filter per property. */
  modifiers: SessionModifierRegistry;
  driver: Driver;
  logger?: Logger;
  /** Time allowed for one table write before it is aborted (default 30 s). */
  writeTimeoutMs?: number;
}

const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

interface EventPhase {
  plan: EventColumnPlan;
  eventValues: () => Record<string, unknown>;
  sessionValues: () => Record<string, unknown>;
}

const phasesBySet = new WeakMap<ColumnSet, EventPhase>();

/** The event-phase plan of a column set, and values objects shaped for it: events hold event and session-scoped columns. */
function eventPhaseOf(columns: ColumnSet): EventPhase {
  let phase = phasesBySet.get(columns);
  if (phase === undefined) {
    const name = (c: { implements: { field: { name: string } } }): string => c.implements.field.name;
    const plan = eventColumnPlan(columns.event);
    phase = {
      plan,
      eventValues: valuesFactory([...columns.event.map(name), ...columns.sessionScoped.map(name)], plan.initialValues),
      sessionValues: valuesFactory(columns.session.map(name)),
    };
    phasesBySet.set(columns, phase);
  }
  return phase;
}

/**
 * A deterministic id for a batch of rows: the same events written to the same table give the
 * same id, so a driver can recognise a retried write.
 */
/** `batchIdOf` for positional rows: the same id for the same rows. */
export function batchIdOfBatch(table: string, batch: RowBatch): string {
  const at = batch.fieldNames.indexOf('id');
  const hash = createHash('sha256').update(table).update('\n');
  for (const row of batch.values) {
    const id = at === -1 ? undefined : row[at];
    hash.update(typeof id === 'string' ? id : '').update('\n');
  }
  return hash.digest('hex').slice(0, 32);
}

export function batchIdOf(table: string, rows: readonly Record<string, unknown>[]): string {
  const hash = createHash('sha256').update(table).update('\n');
  for (const row of rows) {
    const id = row['id'];
    hash.update(typeof id === 'string' ? id : '').update('\n');
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The last writer of the chain: computes the columns of closed sessions and writes the rows.
 *
 * Per session: event columns (each column over all events), then the session modifier (split
 * and traffic filter), then for each resulting session its session-scoped columns and its
 * session columns. Rows go through the layout with broken sessions and events left out, and
 * each table gets one `driver.write`. A retryable column error or a driver failure rejects
 * the whole call, so the caller can retry it; nothing is partially retried here.
 *
 * Unlike the reference, a failing event column does not skip the later events of the session:
 * it marks the failing event broken and keeps computing the column for the others.
 */
export class ColumnSessionWriter implements SessionWriter {
  private readonly logger: Logger;
  private readonly writeTimeoutMs: number;
  private closed = false;

  constructor(private readonly options: ColumnSessionWriterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.writeTimeoutMs = options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  }

  async write(sessions: Session[]): Promise<void> {
    if (this.closed) throw new Error('session writer is closed');
    // Sessions of several properties may share a call; each property has its own columns and tables.
    const byProperty = new Map<string, Session[]>();
    for (const session of sessions) {
      const list = byProperty.get(session.propertyId);
      if (list === undefined) byProperty.set(session.propertyId, [session]);
      else list.push(session);
    }
    // Everything is computed before anything is written, so a retryable failure leaves no partial write behind.
    const batches: { schema: PropertySchema; tables: TableRows[] }[] = [];
    for (const [propertyId, propertySessions] of byProperty) {
      const schema = this.options.schemas.forProperty(propertyId);
      batches.push({ schema, tables: this.computeRows(schema, propertySessions) });
    }
    const writes = batches.flatMap(({ schema, tables }) => this.tableWrites(schema, tables));
    // Every table is attempted; the first failure is reported once all have settled.
    const results = await Promise.allSettled(writes);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  async close(): Promise<void> {
    // The driver belongs to whoever created it; closing the writer only stops further writes.
    this.closed = true;
  }

  private computeRows(schema: PropertySchema, sessions: readonly Session[]): TableRows[] {
    const modifier = this.options.modifiers.forProperty(schema.propertyId);
    const computed: Session[] = [];
    for (const session of sessions) {
      this.writeEventColumns(schema.evaluationOrder, session);
      let parts: Session[];
      try {
        parts = modifier.modify(session);
      } catch (err) {
        this.logger.warn('could not split session; writing it unsplit', { property: schema.propertyId, error: errorMessage(err) });
        parts = [session];
      }
      for (const part of parts) {
        this.writeSessionScopedColumns(schema.evaluationOrder, part);
        this.writeSessionColumns(schema.evaluationOrder, part);
        computed.push(part);
      }
    }
    // Rows follow the physical order; the evaluation order only matters while computing.
    return new BrokenFilteringLayout(schema.layout, this.logger).toRows(schema.physicalOrder, computed);
  }

  private writeEventColumns(columns: ColumnSet, session: Session): void {
    const phase = eventPhaseOf(columns);
    for (const event of session.events) event.values = Object.assign(phase.eventValues(), event.values);
    session.values = Object.assign(phase.sessionValues(), session.values);
    // A failing column marks its event broken and the others are still computed; a retryable
    // failure propagates and rejects the whole write.
    for (const step of phase.plan.steps) {
      for (const event of session.events) step.write(event);
    }
  }

  private writeSessionScopedColumns(columns: ColumnSet, session: Session): void {
    for (const column of columns.sessionScoped) {
      for (let i = 0; i < session.events.length; i++) {
        try {
          column.write(session, i);
        } catch (err) {
          if (isRetryableColumnError(err)) throw err;
          session.brokenReason ??= `failed to write session-scoped event column ${column.implements.field.name}: ${errorMessage(err)}`;
          break;
        }
      }
    }
  }

  private writeSessionColumns(columns: ColumnSet, session: Session): void {
    for (const column of columns.session) {
      try {
        column.write(session);
      } catch (err) {
        if (isRetryableColumnError(err)) throw err;
        session.brokenReason ??= `failed to write session column ${column.implements.field.name}: ${errorMessage(err)}`;
        return;
      }
    }
  }

  private tableWrites(schema: PropertySchema, tables: readonly TableRows[]): Promise<void>[] {
    const writes: Promise<void>[] = [];
    for (const entry of tables) {
      const { table, positional } = entry;
      const count = positional !== undefined ? positional.values.length : entry.rows.length;
      if (count === 0) continue;
      const tableSchema = schema.tables.find((t) => t.table === table);
      if (tableSchema === undefined) {
        writes.push(Promise.reject(new Error(`layout produced rows for table "${table}" that has no schema`)));
        continue;
      }
      const driver = this.options.driver;
      const signal = AbortSignal.timeout(this.writeTimeoutMs);
      if (positional !== undefined && driver.writeBatch !== undefined) {
        writes.push(driver.writeBatch(table, tableSchema.schema, positional, { batchId: batchIdOfBatch(table, positional), signal }));
      } else {
        const rows = entry.rows;
        writes.push(driver.write(table, tableSchema.schema, rows, { batchId: batchIdOf(table, rows), signal }));
      }
    }
    return writes;
  }
}
