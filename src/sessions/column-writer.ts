import { createHash, type Hash } from 'node:crypto';
import type { Logger } from '../monitoring/logger.js';
import { silentLogger } from '../monitoring/logger.js';
import type { ColumnSet } from '../schema/column.js';
import { errorMessage, isRetryableColumnError } from '../schema/errors.js';
import { BrokenFilteringLayout, sameNames, type TableRows } from '../schema/layout.js';
import { openRowStream, type RowStream } from '../warehouse/row-stream.js';
import { forgetParsedParams } from '../hits/hit.js';
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
 * same id, so a driver can recognise a retried write. Built row by row as a write's rows are made.
 */
export class BatchIdHash {
  private readonly hash: Hash;
  // Ids gathered into text and hashed a few dozen at a time: two hash updates per row, each a
  // call into native code, cost more than the hashing itself. The digest is the same.
  private pending = '';
  private pendingRows = 0;

  constructor(table: string) {
    this.hash = createHash('sha256').update(table).update('\n');
  }

  add(id: unknown): void {
    this.pending += typeof id === 'string' ? `${id}\n` : '\n';
    if (++this.pendingRows === 64) this.drain();
  }

  digest(): string {
    this.drain();
    return this.hash.digest('hex').slice(0, 32);
  }

  private drain(): void {
    if (this.pendingRows === 0) return;
    this.hash.update(this.pending);
    this.pending = '';
    this.pendingRows = 0;
  }
}

export function batchIdOf(table: string, rows: readonly Record<string, unknown>[]): string {
  const hash = new BatchIdHash(table);
  for (const row of rows) hash.add(row['id']);
  return hash.digest();
}

/** One table's write being filled: its rows go to the stream as each session's are made. */
interface TableWrite {
  readonly table: string;
  readonly stream: RowStream;
  readonly fieldNames: readonly string[];
  readonly idAt: number;
  readonly batchId: BatchIdHash;
}

/**
 * The last writer of the chain: computes the columns of closed sessions and writes the rows.
 *
 * Per session: event columns (each column over all events), then the session modifier (split
 * and traffic filter), then for each resulting session its session-scoped columns and its
 * session columns. Rows go through the layout with broken sessions and events left out; a
 * session's rows go into its tables' writes (`RowStream`s) as soon as they are made, and each
 * table's write ends once every session is computed. A retryable column error or a driver
 * failure rejects the whole call, so the caller can retry it; nothing is partially retried here.
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
    // Everything is computed before anything is written (streams write nothing before they
    // end), so a retryable failure leaves no partial write behind.
    const writes: TableWrite[] = [];
    for (const [propertyId, propertySessions] of byProperty) {
      const schema = this.options.schemas.forProperty(propertyId);
      this.computeRows(schema, propertySessions, writes);
    }
    // Every table is attempted; the first failure is reported once all have settled.
    const results = await Promise.allSettled(writes.map((w) => this.endWrite(w)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  async close(): Promise<void> {
    // The driver belongs to whoever created it; closing the writer only stops further writes.
    this.closed = true;
  }

  /**
   * Computes the sessions one at a time and hands each one's rows to its tables' writes at
   * once, then lets go of its values: what one session allocates dies before the next
   * scavenge instead of being carried to the end of the write.
   */
  private computeRows(schema: PropertySchema, sessions: readonly Session[], writes: TableWrite[]): void {
    const modifier = this.options.modifiers.forProperty(schema.propertyId);
    const layout = new BrokenFilteringLayout(schema.layout, this.logger);
    const own = new Map<string, TableWrite>();
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
        // Rows follow the physical order; the evaluation order only matters while computing.
        for (const entry of layout.toRows(schema.physicalOrder, [part])) this.addRows(schema, entry, own, writes);
      }
      releaseValues(session);
    }
  }

  private addRows(schema: PropertySchema, entry: TableRows, own: Map<string, TableWrite>, writes: TableWrite[]): void {
    const positional = entry.positional;
    const count = positional !== undefined ? positional.values.length : entry.rows.length;
    if (count === 0) return;
    let write = own.get(entry.table);
    if (write === undefined) {
      const tableSchema = schema.tables.find((t) => t.table === entry.table);
      if (tableSchema === undefined) throw new Error(`layout produced rows for table "${entry.table}" that has no schema`);
      // The layout's own field list (one array per column set), so later sessions match it by identity.
      const fieldNames = positional?.fieldNames ?? tableSchema.schema.fields.map((f) => f.name);
      write = {
        table: entry.table,
        stream: openRowStream(this.options.driver, entry.table, tableSchema.schema, fieldNames),
        fieldNames,
        idAt: fieldNames.indexOf('id'),
        batchId: new BatchIdHash(entry.table),
      };
      own.set(entry.table, write);
      writes.push(write);
    }
    const { stream, idAt, batchId } = write;
    if (positional !== undefined && sameNames(positional.fieldNames, write.fieldNames)) {
      for (const row of positional.values) {
        stream.add(row);
        batchId.add(idAt === -1 ? undefined : row[idAt]);
      }
      return;
    }
    // Rows in another shape (objects, or another field order) are put in the table's order.
    for (const row of entry.rows) {
      stream.add(write.fieldNames.map((n) => (Object.hasOwn(row, n) ? (row[n] ?? null) : null)));
      batchId.add(row['id']);
    }
  }

  private endWrite(write: TableWrite): Promise<void> {
    return write.stream.end({ batchId: write.batchId.digest(), signal: AbortSignal.timeout(this.writeTimeoutMs) });
  }

  private writeEventColumns(columns: ColumnSet, session: Session): void {
    const phase = eventPhaseOf(columns);
    for (const event of session.events) event.values = Object.assign(phase.eventValues(), event.values);
    session.values = Object.assign(phase.sessionValues(), session.values);
    // A failing column marks its event broken and the others are still computed; a retryable
    // failure propagates and rejects the whole write.
    phase.plan.run(session.events);
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

}

/** Values no longer needed once a session's rows are made; a frozen object, so a late write fails loudly. */
const RELEASED: Record<string, unknown> = Object.freeze({});

/**
 * Lets go of what computing a session built (its values, its events' values and parsed
 * parameters) once its rows are made. The caller keeps the session objects until the whole write
 * ends; the rows no longer need them.
 */
function releaseValues(session: Session): void {
  session.values = RELEASED;
  for (const event of session.events) {
    event.values = RELEASED;
    forgetParsedParams(event.hit.request);
  }
}
