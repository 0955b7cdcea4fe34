import type { Field, Schema } from 'apache-arrow';
import type { Driver, Row } from '../warehouse/driver.js';
import type { DebugHub } from './debug-hub.js';

/** Shows the debug view the rows of watched client ids once the driver has written them. */
export class DebugRowsDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly hub: DebugHub,
  ) {}

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
    this.hub.captureRows(table, rows);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
