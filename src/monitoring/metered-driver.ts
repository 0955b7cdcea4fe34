import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Schema } from 'apache-arrow';
import { DelegatingDriver } from '../warehouse/delegating-driver.js';
import type { Driver, Row, RowBatch, WriteOptions } from '../warehouse/driver.js';
import { DelegatingRowStream, type RowStream } from '../warehouse/row-stream.js';
import { SECOND_BUCKETS } from './buckets.js';
import { cairnMeter } from './meter.js';

/** The last successful write of one table, for the status page. */
export interface TableWrite {
  table: string;
  at: number;
  rows: number;
  /** Rows written to the table since the process started. */
  totalRows: number;
}

/** Per table: when it was last written successfully. */
export class WriteLedger {
  private readonly tables = new Map<string, TableWrite>();

  record(table: string, rows: number, at: number): void {
    const previous = this.tables.get(table);
    this.tables.set(table, { table, at, rows, totalRows: (previous?.totalRows ?? 0) + rows });
  }

  entries(): TableWrite[] {
    return [...this.tables.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  }
}

/**
 * What the reference does not measure: per driver and table, rows written, failed writes and
 * write latency. Successful writes also go to the ledger the status page reads.
 */
export class MeteredDriver extends DelegatingDriver {
  private readonly rowsWritten: Counter;
  private readonly writeErrors: Counter;
  private readonly latency: Histogram;

  constructor(
    inner: Driver,
    private readonly driverName: string,
    private readonly ledger: WriteLedger = new WriteLedger(),
    meter: Meter = cairnMeter(),
    private readonly now: () => number = Date.now,
  ) {
    super(inner);
    this.rowsWritten = meter.createCounter('warehouse.rows.written', { description: 'Rows the warehouse driver wrote, by driver and table' });
    this.writeErrors = meter.createCounter('warehouse.write.errors', { description: 'Warehouse writes that failed, by driver and table' });
    this.latency = meter.createHistogram('warehouse.write.latency', {
      description: 'Time one warehouse write took, by driver and table',
      unit: 's',
      advice: { explicitBucketBoundaries: [...SECOND_BUCKETS] },
    });
  }

  override write(table: string, schema: Schema, rows: Row[], options?: WriteOptions): Promise<void> {
    return this.measured(table, rows.length, () => super.write(table, schema, rows, options));
  }

  override writeBatch(table: string, schema: Schema, batch: RowBatch, options?: WriteOptions): Promise<void> {
    return this.measured(table, batch.values.length, () => super.writeBatch(table, schema, batch, options));
  }

  override openRows(table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
    return new MeteredRowStream(super.openRows(table, schema, fieldNames), (rows, write) => this.measured(table, rows, write));
  }

  private async measured(table: string, rows: number, write: () => Promise<void>): Promise<void> {
    const attributes = { driver: this.driverName, table };
    const started = performance.now();
    try {
      await write();
    } catch (err) {
      this.writeErrors.add(1, attributes);
      throw err;
    } finally {
      this.latency.record((performance.now() - started) / 1000, attributes);
    }
    this.rowsWritten.add(rows, attributes);
    if (rows > 0) this.ledger.record(table, rows, this.now());
  }
}

/** A stream whose `end` is measured as one write of its rows. */
class MeteredRowStream extends DelegatingRowStream {
  constructor(
    inner: RowStream,
    private readonly measured: (rows: number, write: () => Promise<void>) => Promise<void>,
  ) {
    super(inner);
  }

  override end(options?: WriteOptions): Promise<void> {
    return this.measured(this.rowCount, () => super.end(options));
  }
}
