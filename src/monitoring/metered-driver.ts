import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Field, Schema } from 'apache-arrow';
import type { Driver, Row } from '../warehouse/driver.js';
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
export class MeteredDriver implements Driver {
  private readonly rowsWritten: Counter;
  private readonly writeErrors: Counter;
  private readonly latency: Histogram;

  constructor(
    private readonly inner: Driver,
    private readonly driverName: string,
    private readonly ledger: WriteLedger = new WriteLedger(),
    meter: Meter = cairnMeter(),
    private readonly now: () => number = Date.now,
  ) {
    this.rowsWritten = meter.createCounter('warehouse.rows.written', { description: 'Rows the warehouse driver wrote, by driver and table' });
    this.writeErrors = meter.createCounter('warehouse.write.errors', { description: 'Warehouse writes that failed, by driver and table' });
    this.latency = meter.createHistogram('warehouse.write.latency', {
      description: 'Time one warehouse write took, by driver and table',
      unit: 's',
      advice: { explicitBucketBoundaries: [...SECOND_BUCKETS] },
    });
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
    const attributes = { driver: this.driverName, table };
    const started = performance.now();
    try {
      await this.inner.write(table, schema, rows, options);
    } catch (err) {
      this.writeErrors.add(1, attributes);
      throw err;
    } finally {
      this.latency.record((performance.now() - started) / 1000, attributes);
    }
    this.rowsWritten.add(rows.length, attributes);
    if (rows.length > 0) this.ledger.record(table, rows.length, this.now());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
