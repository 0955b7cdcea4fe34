/**
 * Rows into BigQuery by streaming inserts (tabledata.insertAll). Each row's insert id is its
 * event id, so when a request is retried (here, or by the session spool after a failed write)
 * BigQuery drops the copies it already has, within its de-duplication window.
 *
 * Requests stay within BigQuery's advice of 500 rows and its 10 MB limit. Transient failures
 * are retried with back-off until the write's signal or the query timeout ends the attempt;
 * then the write fails and the caller's spool keeps the rows for later.
 */
import type { Schema } from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { Row, WriteOptions } from '../driver.js';
import { Backoff, sleep } from './backoff.js';
import type { BigQueryApi, InsertAllRow } from './bigquery-api.js';
import { BigQueryInsertError, BigQueryTimeoutError, classify } from './errors.js';
import { rowJsonFormatter } from './row-json.js';
import type { BigQueryRowWriter } from './row-writer.js';

export const INSERT_MAX_ROWS = 500;
/** Under the 10 MB request limit, with room for the envelope. */
export const INSERT_MAX_BYTES = 9 * 1024 * 1024;

/** insertAll reasons that mean "this row was fine, another one stopped the request". */
const STOPPED = 'stopped';
const TRANSIENT_ROW_REASONS = new Set(['backendError', 'internalError', 'timeout', STOPPED]);

export interface StreamingWriterOptions {
  api: BigQueryApi;
  /** Limit of one whole write, retries included (unless the caller's signal ends it sooner). */
  writeTimeoutMs: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  logger?: Logger;
  qualify?: (table: string) => string;
}

export class StreamingWriter implements BigQueryRowWriter {
  private readonly logger: Logger;
  private readonly qualify: (table: string) => string;

  constructor(private readonly options: StreamingWriterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.qualify = options.qualify ?? ((t) => t);
  }

  async write(table: string, schema: Schema, rows: Row[], options: WriteOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const formatter = rowJsonFormatter(schema);
    const items: InsertAllRow[] = rows.map((row, i) => ({ insertId: insertIdOf(row, options.batchId, i), json: formatter.toJson(row) }));
    const limit = AbortSignal.timeout(this.options.writeTimeoutMs);
    const signal = options.signal === undefined ? limit : AbortSignal.any([options.signal, limit]);
    for (const chunk of requestChunks(items)) await this.insertChunk(table, chunk, signal);
  }

  async flush(): Promise<void> {
    // Nothing is buffered: every write is sent before it resolves.
  }

  async close(): Promise<void> {}

  private async insertChunk(table: string, rows: InsertAllRow[], signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ initialMs: this.options.retryInitialMs ?? 500, maxMs: this.options.retryMaxMs ?? 10_000 });
    let pending = rows;
    for (;;) {
      let failure: unknown;
      try {
        const refused = await this.options.api.insertAll(table, pending);
        if (refused.length === 0) return;
        const bad = refused.filter((r) => r.errors.some((e) => !TRANSIENT_ROW_REASONS.has(e.reason)));
        if (bad.length > 0) throw new BigQueryInsertError(this.qualify(table), bad);
        // Only rows that were stopped or hit a passing backend error are sent again.
        pending = refused.map((r) => pending[r.index]).filter((r): r is InsertAllRow => r !== undefined);
        if (pending.length === 0) return;
        failure = new Error(`${refused.length} row(s) were not inserted and are retried`);
      } catch (err) {
        if (!classify(err).transient) throw err;
        failure = err;
      }
      const wait = backoff.next();
      if (signal.aborted) throw new BigQueryTimeoutError(`streaming insert into ${this.qualify(table)} gave up: ${classify(failure).message}`);
      this.logger.warn('BigQuery streaming insert failed; retrying', { table: this.qualify(table), rows: pending.length, retry_in_ms: wait, error: classify(failure).message });
      await sleep(wait, signal);
      if (signal.aborted) throw new BigQueryTimeoutError(`streaming insert into ${this.qualify(table)} gave up: ${classify(failure).message}`);
    }
  }
}

/** The row's event id; rows without one get an id from their batch and position, or a random one. */
function insertIdOf(row: Row, batchId: string | undefined, index: number): string {
  const id = row['id'];
  if (typeof id === 'string' && id !== '') return id;
  return batchId === undefined ? randomUUID() : `${batchId}-${index}`;
}

/** Splits rows into requests of at most `INSERT_MAX_ROWS` rows and about `INSERT_MAX_BYTES`. */
export function requestChunks(rows: readonly InsertAllRow[]): InsertAllRow[][] {
  const chunks: InsertAllRow[][] = [];
  let current: InsertAllRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row.json), 'utf8') + row.insertId.length + 32;
    if (current.length > 0 && (current.length >= INSERT_MAX_ROWS || bytes + size > INSERT_MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
