import type { Schema } from 'apache-arrow';
import { DelegatingDriver } from './delegating-driver.js';
import type { Row, RowBatch, WriteOptions } from './driver.js';

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
