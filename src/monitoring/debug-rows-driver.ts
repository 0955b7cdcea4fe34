import type { Schema } from 'apache-arrow';
import { DelegatingDriver } from '../warehouse/delegating-driver.js';
import { rowsOf, type Driver, type Row, type RowBatch, type WriteOptions } from '../warehouse/driver.js';
import { DelegatingRowStream, type RowStream } from '../warehouse/row-stream.js';
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

  override openRows(table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
    return new DebugRowStream(super.openRows(table, schema, fieldNames), this.hub, table, fieldNames);
  }
}

/** Keeps the rows of a stream for the debug view, only while someone watches. */
class DebugRowStream extends DelegatingRowStream {
  private readonly kept: (readonly unknown[])[] = [];

  constructor(
    inner: RowStream,
    private readonly hub: DebugHub,
    private readonly table: string,
    private readonly fieldNames: readonly string[],
  ) {
    super(inner);
  }

  override add(row: readonly unknown[]): void {
    super.add(row);
    if (this.hub.watching) this.kept.push(row);
  }

  override async end(options?: WriteOptions): Promise<void> {
    await super.end(options);
    if (this.kept.length > 0) this.hub.captureRows(this.table, rowsOf({ fieldNames: this.fieldNames, values: this.kept }));
  }
}
