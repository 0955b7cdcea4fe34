import type { Field, Schema } from 'apache-arrow';
import { rowsOf, type Driver, type Row, type RowBatch, type WriteOptions } from './driver.js';
import { openRowStream, type RowStream } from './row-stream.js';

/**
 * A driver that hands every call to another. Decorators (counting, metrics, the debug view)
 * extend it and add to the calls they watch; everything else, `writeBatch` and `openRows`
 * included, reaches the inner driver unchanged, so a decorated driver keeps the positional and
 * streamed write paths.
 */
export class DelegatingDriver implements Driver {
  constructor(protected readonly inner: Driver) {}

  createTable(table: string, schema: Schema): Promise<void> {
    return this.inner.createTable(table, schema);
  }

  addColumn(table: string, field: Field): Promise<void> {
    return this.inner.addColumn(table, field);
  }

  missingColumns(table: string, schema: Schema): Promise<Field[]> {
    return this.inner.missingColumns(table, schema);
  }

  write(table: string, schema: Schema, rows: Row[], options?: WriteOptions): Promise<void> {
    return this.inner.write(table, schema, rows, options);
  }

  writeBatch(table: string, schema: Schema, batch: RowBatch, options?: WriteOptions): Promise<void> {
    if (this.inner.writeBatch === undefined) return this.inner.write(table, schema, rowsOf(batch), options);
    return this.inner.writeBatch(table, schema, batch, options);
  }

  /** Decorators that watch writes must override this as well as `write` and `writeBatch`. */
  openRows(table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
    return openRowStream(this.inner, table, schema, fieldNames);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
