/**
 * Rows into BigQuery by load jobs of NDJSON (the default, free-tier-friendly write method).
 *
 * `write` turns the rows into NDJSON lines and appends them to a disk spool under the table's
 * name; it resolves once they are fsynced, so nothing accepted is lost if Cairn or BigQuery
 * goes down. Every `loadIntervalMs` the spool seals what each table gathered and hands it over
 * file by file; each file becomes one load job (WRITE_APPEND).
 *
 * Quota: BigQuery allows 1,500 load jobs per table per day, failed ones included. A table gets
 * at most one job per interval (1,440 a day at the default 60 s): a second file of the same
 * table waits for its turn. Files are also capped in size (`maxJobBytes`), so one job stays a
 * modest upload.
 *
 * Idempotency: a file's job id is derived from its first frame, plus an attempt number. If
 * Cairn dies after BigQuery ran the job but before the file was deleted, the same job id is
 * tried again, BigQuery answers "already exists", and the job's recorded outcome is used
 * instead of loading the rows twice. A job that failed with a transient reason is retried
 * under the next attempt number.
 *
 * Failures: transient ones (BigQuery or the network down, rate limits) are retried inside the
 * flush with back-off, so an outage leaves a single file waiting rather than one per interval;
 * the rows that arrive meanwhile gather in the active spool file and go in one job once the
 * table is writable again. Permanent ones (a refused schema, bad data) fail the flush; after
 * `maxFailures` in a row the table's files are quarantined (`*.quarantine`) for an operator.
 */
import { createHash } from 'node:crypto';
import type { Schema } from 'apache-arrow';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { Timers } from '../../queue/timers.js';
import { DeliveryLedger } from '../../spools/delivery-ledger.js';
import { FileSpool } from '../../spools/file-spool.js';
import type { NextBatch, Spool } from '../../spools/spool.js';
import type { Row, WriteOptions } from '../driver.js';
import { Backoff, sleep } from './backoff.js';
import type { BigQueryApi, JobState } from './bigquery-api.js';
import { BigQueryJobError, BigQueryTimeoutError, classify, isAlreadyExists, isTransientJobFailure } from './errors.js';
import { decodeLoadFrame, encodeLoadFrame } from './load-frames.js';
import { rowJsonFormatter } from './row-json.js';
import type { BigQueryRowWriter } from './row-writer.js';

/** Consecutive permanent failures of one table before its spooled files are quarantined. */
export const LOAD_MAX_FAILURES = 5;
/** NDJSON bytes at which a table's spool file is sealed into a job of its own. */
export const LOAD_JOB_MAX_BYTES = 64 * 1024 * 1024;
/** How long a started job is watched before the flush gives up on it (it is looked up again later). */
export const LOAD_JOB_WAIT_MS = 10 * 60 * 1000;
const CLOSING_JOB_WAIT_MS = 15_000;

export interface LoadJobWriterOptions {
  api: BigQueryApi;
  /** Folder of the writer's spool (one file per table and interval). */
  spoolDirectory: string;
  loadIntervalMs: number;
  /** Batch ids already spooled or loaded, so a retried write is not stored twice. */
  ledger?: DeliveryLedger;
  maxJobBytes?: number;
  jobWaitMs?: number;
  /** First back-off step and its ceiling (the ceiling defaults to the load interval). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Gap between status polls of a running job. */
  pollMs?: number;
  maxFailures?: number;
  logger?: Logger;
  timers?: Timers;
  /** For messages: the table as `dataset.table`. */
  qualify?: (table: string) => string;
  /** Test hook: builds the spool (defaults to a `FileSpool`). */
  spoolFactory?: (options: ConstructorParameters<typeof FileSpool>[0]) => Spool;
}

export class LoadJobWriter implements BigQueryRowWriter {
  private readonly api: BigQueryApi;
  private readonly spool: Spool;
  private readonly ledger: DeliveryLedger;
  private readonly loadIntervalMs: number;
  private readonly jobWaitMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly pollMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly qualify: (table: string) => string;
  /** When each table's last job was started (the quota clock). */
  private readonly lastJobAt = new Map<string, number>();
  /** Aborted on close: waits and back-offs end, and a failing load gives up for this run. */
  private readonly closing = new AbortController();
  private closed: Promise<void> | null = null;

  constructor(options: LoadJobWriterOptions) {
    this.api = options.api;
    this.ledger = options.ledger ?? DeliveryLedger.inMemory();
    this.loadIntervalMs = options.loadIntervalMs;
    this.jobWaitMs = options.jobWaitMs ?? LOAD_JOB_WAIT_MS;
    this.retryInitialMs = options.retryInitialMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? Math.max(this.retryInitialMs, options.loadIntervalMs);
    this.pollMs = options.pollMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
    const timers = options.timers;
    this.now = timers === undefined ? () => Date.now() : () => timers.now();
    this.qualify = options.qualify ?? ((t) => t);
    const spoolOptions = {
      directory: options.spoolDirectory,
      handler: (table: string, next: NextBatch) => this.loadFile(table, next),
      maxActiveSize: options.maxJobBytes ?? LOAD_JOB_MAX_BYTES,
      flushIntervalMs: options.loadIntervalMs,
      maxFailures: options.maxFailures ?? LOAD_MAX_FAILURES,
      failureStrategy: 'quarantine' as const,
      flushOnClose: true,
      // A job is one file; read it in large steps.
      flushBatchSize: 1000,
      flushBatchMaxBytes: 64 * 1024 * 1024,
      logger: this.logger,
      ...(timers === undefined ? {} : { timers }),
    };
    this.spool = (options.spoolFactory ?? ((o) => new FileSpool(o)))(spoolOptions);
  }

  async write(table: string, schema: Schema, rows: Row[], options: WriteOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const batchId = options.batchId ?? null;
    if (batchId !== null && this.ledger.has(batchId)) {
      this.logger.debug('rows of this batch are already spooled for BigQuery; skipping the retry', { table, batch_id: batchId });
      return;
    }
    const ndjson = rowJsonFormatter(schema).toNdjson(rows);
    await this.spool.append(table, encodeLoadFrame(ndjson, rows.length, batchId));
    if (batchId !== null) this.ledger.add(batchId);
  }

  flush(): Promise<void> {
    return this.spool.flush();
  }

  /** Stops retrying, loads what is spooled once more, and keeps whatever fails for the next start. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort();
      try {
        await this.spool.close();
      } finally {
        this.ledger.close();
      }
    })();
    return this.closed;
  }

  // ---- one sealed spool file → one load job --------------------------------------------------

  private async loadFile(table: string, next: NextBatch): Promise<void> {
    const body: Uint8Array[] = [];
    const batchIds: string[] = [];
    let first: Uint8Array | null = null;
    let rows = 0;
    let bytes = 0;
    for (let batch = await next(); batch !== null; batch = await next()) {
      for (const frame of batch) {
        first ??= frame;
        const decoded = decodeLoadFrame(frame);
        body.push(decoded.ndjson);
        bytes += decoded.ndjson.byteLength;
        rows += decoded.rowCount;
        if (decoded.batchId !== null) batchIds.push(decoded.batchId);
      }
    }
    if (first === null) return;
    const jobBase = loadJobIdBase(table, first);
    const jobId = await this.loadWithRetries(table, jobBase, body);
    // Said durably before the spool deletes the file that proves these batches were stored.
    this.ledger.recordDelivered(batchIds);
    this.logger.info('loaded rows into BigQuery', { table: this.qualify(table), rows, bytes, job_id: jobId });
  }

  /** Runs the job until it succeeds; returns the id of the job that loaded the rows. */
  private async loadWithRetries(table: string, jobBase: string, body: readonly Uint8Array[]): Promise<string> {
    const backoff = new Backoff({ initialMs: this.retryInitialMs, maxMs: this.retryMaxMs });
    let attempt = 0;
    for (;;) {
      const jobId = `${jobBase}_${attempt}`;
      try {
        await this.waitForTurn(table);
        await this.runJob(table, jobId, body);
        return jobId;
      } catch (err) {
        const verdict = classify(err);
        // A job that ran and failed keeps its id; the next try needs a new one.
        if (err instanceof BigQueryJobError) attempt++;
        if (!verdict.transient || this.closing.signal.aborted) throw err;
        const wait = backoff.next();
        this.logger.warn('BigQuery load failed; retrying', { table: this.qualify(table), job_id: jobId, retry_in_ms: wait, error: verdict.message });
        await sleep(wait, this.closing.signal);
        if (this.closing.signal.aborted) throw err;
      }
    }
  }

  /** Creates (or finds) the job and waits for its outcome; throws `BigQueryJobError` if it failed. */
  private async runJob(table: string, jobId: string, body: readonly Uint8Array[]): Promise<void> {
    let job: JobState;
    try {
      this.lastJobAt.set(table, this.now());
      job = await this.api.insertLoadJob(table, jobId, body);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // An earlier run (or an earlier try whose answer was lost) created this job already.
      job = await this.api.getJob(jobId);
      this.logger.info('BigQuery load job exists already; using its outcome', { table: this.qualify(table), job_id: jobId, state: job.state });
    }
    const started = this.now();
    let poll = this.pollMs;
    while (job.state !== 'DONE') {
      // While closing, a job is watched only briefly: the next start looks its outcome up by id.
      const limit = this.closing.signal.aborted ? Math.min(this.jobWaitMs, CLOSING_JOB_WAIT_MS) : this.jobWaitMs;
      if (this.now() - started >= limit) throw new BigQueryTimeoutError(`load job ${jobId} did not finish within ${limit} ms`);
      await sleep(poll);
      poll = Math.min(poll * 2, 10_000);
      job = await this.api.getJob(jobId);
    }
    if (job.errorResult !== null) {
      const details = [job.errorResult, ...job.errors.filter((e) => e.message !== job.errorResult?.message)];
      throw new BigQueryJobError(jobId, details, isTransientJobFailure(details));
    }
  }

  /** Holds a table's next job until its last one is `loadIntervalMs` old (not while closing). */
  private async waitForTurn(table: string): Promise<void> {
    const last = this.lastJobAt.get(table);
    if (last === undefined || this.closing.signal.aborted) return;
    await sleep(last + this.loadIntervalMs - this.now(), this.closing.signal);
  }
}

/**
 * `cairn_<table>_<hash of the file's first frame>`, within the characters and length BigQuery
 * allows for job ids (letters, digits, `_`, `-`; at most 1,024).
 */
export function loadJobIdBase(table: string, firstFrame: Uint8Array): string {
  const safeTable = table.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200);
  return `cairn_${safeTable}_${createHash('sha256').update(firstFrame).digest('hex').slice(0, 32)}`;
}
