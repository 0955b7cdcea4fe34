import type { Field, Schema } from 'apache-arrow';
import type { RowStream } from './row-stream.js';

/** One row: column name → value in the representation of columns.md §1.7. */
export type Row = Record<string, unknown>;

/**
 * Rows given positionally: `values[i][j]` is the value of field `fieldNames[j]` in row i. The
 * session writer builds rows this way; drivers that can take them skip building row objects.
 */
export interface RowBatch {
  readonly fieldNames: readonly string[];
  readonly values: readonly (readonly unknown[])[];
}

/** The rows of a batch as objects, for drivers that take `Row[]`. */
export function rowsOf(batch: RowBatch): Row[] {
  const names = batch.fieldNames;
  return batch.values.map((vals) => {
    const row: Row = {};
    for (let j = 0; j < names.length; j++) row[names[j]!] = vals[j];
    return row;
  });
}

/** `batchId` lets drivers make retries idempotent; `signal` aborts a write that takes too long. */
export interface WriteOptions {
  batchId?: string;
  signal?: AbortSignal;
}

/**
 * A warehouse as Cairn writes to it. Drivers convert Arrow types to their own and never retry
 * inside; retrying is the caller's (spool) business.
 */
export interface Driver {
  /** Creates a table; rejects with `TableAlreadyExistsError` when it exists. */
  createTable(table: string, schema: Schema): Promise<void>;
  /** Adds one column; rejects with `ColumnAlreadyExistsError` when present. */
  addColumn(table: string, field: Field): Promise<void>;
  /**
   * The schema's fields that the table lacks, in schema order. Rejects with
   * `TableNotFoundError`, or `TypeIncompatibleError` when an existing column has another type.
   */
  missingColumns(table: string, schema: Schema): Promise<Field[]>;
  /** Inserts rows (an empty batch does nothing). `batchId` lets drivers make retries idempotent. */
  write(table: string, schema: Schema, rows: Row[], options?: WriteOptions): Promise<void>;
  /** The same as `write`, for positional rows; optional (callers fall back to `write(rowsOf(batch))`). */
  writeBatch?(table: string, schema: Schema, batch: RowBatch, options?: WriteOptions): Promise<void>;
  /**
   * A write whose rows come one at a time (see `RowStream`); optional (callers fall back to
   * collecting the rows for `writeBatch`, see `openRowStream`).
   */
  openRows?(table: string, schema: Schema, fieldNames: readonly string[]): RowStream;
  close(): Promise<void>;
}
