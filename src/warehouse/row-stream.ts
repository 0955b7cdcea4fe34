import type { Schema } from 'apache-arrow';
import { rowsOf, type Driver, type WriteOptions } from './driver.js';

/**
 * The rows of one table write, handed over one at a time as the session writer computes them.
 * Nothing reaches the warehouse before `end`, so a write abandoned half-way (a retryable column
 * error) leaves nothing behind. A driver that encodes rows itself (the files driver's CSV lines)
 * encodes each row as it comes, and the writer then holds no row longer than it takes to make:
 * a write's rows held until its end were what the garbage collector spent its time copying.
 */
export interface RowStream {
  /** One row, values in the stream's field order. A stream may keep the array, so the caller does not change it afterwards. */
  add(row: readonly unknown[]): void;
  readonly rowCount: number;
  /** Writes every row added as one write; `options.batchId` as for `Driver.writeBatch`. Call it once. */
  end(options?: WriteOptions): Promise<void>;
}

/** The stream of a driver: its own, or rows collected and written with `writeBatch` (or `write`) at the end. */
export function openRowStream(driver: Driver, table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
  return driver.openRows?.(table, schema, fieldNames) ?? new CollectedRowStream(driver, table, schema, fieldNames);
}

/** Keeps every row and writes them in one `writeBatch` call at `end`: the stream of drivers that take whole batches. */
export class CollectedRowStream implements RowStream {
  private readonly values: (readonly unknown[])[] = [];

  constructor(
    private readonly driver: Driver,
    private readonly table: string,
    private readonly schema: Schema,
    private readonly fieldNames: readonly string[],
  ) {}

  get rowCount(): number {
    return this.values.length;
  }

  add(row: readonly unknown[]): void {
    this.values.push(row);
  }

  end(options?: WriteOptions): Promise<void> {
    const batch = { fieldNames: this.fieldNames, values: this.values };
    if (this.driver.writeBatch !== undefined) return this.driver.writeBatch(this.table, this.schema, batch, options);
    return this.driver.write(this.table, this.schema, rowsOf(batch), options);
  }
}

/** A stream that hands everything to another; decorating drivers extend it and add to what they watch. */
export class DelegatingRowStream implements RowStream {
  constructor(protected readonly inner: RowStream) {}

  get rowCount(): number {
    return this.inner.rowCount;
  }

  add(row: readonly unknown[]): void {
    this.inner.add(row);
  }

  end(options?: WriteOptions): Promise<void> {
    return this.inner.end(options);
  }
}
