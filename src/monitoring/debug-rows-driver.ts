import type { Schema } from 'apache-arrow';
import { DelegatingDriver } from '../warehouse/delegating-driver.js';
import { rowsOf, type Driver, type Row, type RowBatch, type WriteOptions } from '../warehouse/driver.js';
import type { DebugHub } from './debug-hub.js';

/** Shows the debug view the rows of watched client ids once the driver has written them. */
export class DebugRowsDriver extends DelegatingDriver {
  constructor(
    inner: Driver,
    private readonly hub: DebugHub,
  ) {
    super(inner);
  }

  override async write(table: string, schema: Schema, rows: Row[], options?: WriteOptions): Promise<void> {
    await super.write(table, schema, rows, options);
    this.hub.captureRows(table, rows);
  }

  override async writeBatch(table: string, schema: Schema, batch: RowBatch, options?: WriteOptions): Promise<void> {
    await super.writeBatch(table, schema, batch, options);
    // Rows become objects only while someone watches.
    if (this.hub.watching) this.hub.captureRows(table, rowsOf(batch));
  }
}
