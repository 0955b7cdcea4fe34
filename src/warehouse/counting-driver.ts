import type { Schema } from 'apache-arrow';
import { DelegatingDriver } from './delegating-driver.js';
import type { Row, RowBatch, WriteOptions } from './driver.js';
import { DelegatingRowStream, type RowStream } from './row-stream.js';

/** Counts what passes through to a driver: rows per table and distinct sessions. */
export class CountingDriver extends DelegatingDriver {
  rows = 0;
  private readonly sessions = new Set<string>();

  get sessionCount(): number {
    return this.sessions.size;
  }

  override async write(table: string, schema: Schema, rows: Row[], options?: WriteOptions): Promise<void> {
    await super.write(table, schema, rows, options);
    this.rows += rows.length;
    for (const r of rows) {
      const id = r['session_id'];
      if (typeof id === 'string') this.sessions.add(id);
    }
  }

  override openRows(table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
    return new CountingRowStream(super.openRows(table, schema, fieldNames), fieldNames.indexOf('session_id'), this);
  }

  /** Counts a written stream's rows and sessions. */
  recordStream(rows: number, sessionIds: readonly string[]): void {
    this.rows += rows;
    for (const id of sessionIds) this.sessions.add(id);
  }

  override async writeBatch(table: string, schema: Schema, batch: RowBatch, options?: WriteOptions): Promise<void> {
    await super.writeBatch(table, schema, batch, options);
    this.rows += batch.values.length;
    const at = batch.fieldNames.indexOf('session_id');
    if (at !== -1) {
      for (const r of batch.values) {
        const id = r[at];
        if (typeof id === 'string') this.sessions.add(id);
      }
    }
  }
}

class CountingRowStream extends DelegatingRowStream {
  private readonly sessionIds: string[] = [];

  constructor(
    inner: RowStream,
    private readonly sessionIdAt: number,
    private readonly counter: CountingDriver,
  ) {
    super(inner);
  }

  override add(row: readonly unknown[]): void {
    super.add(row);
    const id = this.sessionIdAt === -1 ? undefined : row[this.sessionIdAt];
    if (typeof id === 'string' && this.sessionIds[this.sessionIds.length - 1] !== id) this.sessionIds.push(id);
  }

  override async end(options?: WriteOptions): Promise<void> {
    await super.end(options);
    this.counter.recordStream(this.rowCount, this.sessionIds);
  }
}
