import type { Field, Schema } from 'apache-arrow';
import { rowsOf, type Driver, type Row, type RowBatch } from './driver.js';

/** Counts what passes through to a driver: rows per table and distinct sessions. */
export class CountingDriver implements Driver {
  rows = 0;
  private readonly sessions = new Set<string>();

  constructor(private readonly inner: Driver) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  createTable(table: string, schema: Schema): Promise<void> {
    return this.inner.createTable(table, schema);
  }

  addColumn(table: string, field: Field): Promise<void> {
    return this.inner.addColumn(table, field);
  }

  missingColumns(table: string, schema: Schema): Promise<Field[]> {
    return this.inner.missingColumns(table, schema);
  }

  async write(table: string, schema: Schema, rows: Row[], options?: { batchId?: string; signal?: AbortSignal }): Promise<void> {
    await this.inner.write(table, schema, rows, options);
    this.rows += rows.length;
    for (const r of rows) {
      const id = r['session_id'];
      if (typeof id === 'string') this.sessions.add(id);
    }
  }

  async writeBatch(table: string, schema: Schema, batch: RowBatch, options?: { batchId?: string; signal?: AbortSignal }): Promise<void> {
    if (this.inner.writeBatch === undefined) return this.write(table, schema, rowsOf(batch), options);
    await this.inner.writeBatch(table, schema, batch, options);
    this.rows += batch.values.length;
    const at = batch.fieldNames.indexOf('session_id');
    if (at !== -1) {
      for (const r of batch.values) {
        const id = r[at];
        if (typeof id === 'string') this.sessions.add(id);
      }
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
