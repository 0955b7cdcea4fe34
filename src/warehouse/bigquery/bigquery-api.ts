/**
 * The handful of BigQuery REST calls the driver makes, through the official client
 * (`@google-cloud/bigquery`): tables.get / insert / patch, jobs.insert as a multipart upload of
 * NDJSON, jobs.get and tabledata.insertAll. The client's own retries are switched off: the
 * driver retries itself, so that every retry is visible in one place and keeps idempotency
 * (job ids, insert ids) under its control. Every call has a time limit.
 */
import { BigQuery, type BigQueryOptions, type Dataset } from '@google-cloud/bigquery';
import { BigQueryTimeoutError, errorDetails, type BigQueryErrorDetail } from './errors.js';
import type { JsonValue } from './row-json.js';
import type { BigQueryField } from './schema-mapping.js';

export interface TableResource {
  fields: BigQueryField[];
  /** For optimistic concurrency on patch. */
  etag: string | undefined;
}

export interface TableDefinition {
  fields: BigQueryField[];
  timePartitioning?: { type: string; field: string; expirationMs?: string };
  clustering?: { fields: string[] };
}

export interface JobState {
  jobId: string;
  state: 'PENDING' | 'RUNNING' | 'DONE';
  /** Set when a finished job failed. */
  errorResult: BigQueryErrorDetail | null;
  errors: BigQueryErrorDetail[];
}

export interface InsertAllRow {
  insertId: string;
  json: { [key: string]: JsonValue };
}

export interface RowInsertErrors {
  index: number;
  errors: BigQueryErrorDetail[];
}

export interface BigQueryApi {
  getTable(table: string): Promise<TableResource>;
  createTable(table: string, definition: TableDefinition): Promise<void>;
  /** Replaces the table's field list; rejects (412) when the table changed since `etag`. */
  patchFields(table: string, fields: BigQueryField[], etag: string | undefined): Promise<void>;
  /** Uploads NDJSON as a WRITE_APPEND load job named `jobId`; resolves with the job as inserted. */
  insertLoadJob(table: string, jobId: string, ndjson: readonly Uint8Array[]): Promise<JobState>;
  getJob(jobId: string): Promise<JobState>;
  /** Streams rows in; resolves with the rows BigQuery refused (none on success). */
  insertAll(table: string, rows: readonly InsertAllRow[]): Promise<RowInsertErrors[]>;
}

/** A service-account key as its JSON file holds it. */
export interface ServiceAccountKey {
  type: string;
  project_id?: string;
  private_key: string;
  client_email: string;
  [key: string]: unknown;
}

export interface OfficialClientOptions {
  projectId: string;
  dataset: string;
  credentials: ServiceAccountKey;
  /** Location of the dataset's jobs (e.g. `EU`, `europe-west3`); BigQuery infers it when absent. */
  location?: string;
  /** Another API root (an emulator or a test double), e.g. `http://127.0.0.1:9050`. */
  apiEndpoint?: string;
  /** Limit of each call; the upload of a load job gets `uploadTimeoutMs`. */
  requestTimeoutMs: number;
  uploadTimeoutMs: number;
}

const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';

export class OfficialBigQueryApi implements BigQueryApi {
  private readonly client: BigQuery;
  private readonly dataset: Dataset;

  constructor(private readonly options: OfficialClientOptions) {
    const clientOptions: BigQueryOptions = {
      projectId: options.projectId,
      credentials: options.credentials,
      scopes: [BIGQUERY_SCOPE],
      retryOptions: { autoRetry: false, maxRetries: 0 },
      ...(options.location === undefined ? {} : { location: options.location }),
      ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }),
    };
    this.client = new BigQuery(clientOptions);
    if (options.apiEndpoint !== undefined) {
      // Another endpoint has no Google token service to ask: sign the bearer JWT with the key
      // itself (a self-signed JWT carrying the scope, which Google APIs also accept).
      this.client.authClient.useJWTAccessWithScope = true;
    }
    this.dataset = this.client.dataset(options.dataset, options.location === undefined ? {} : { location: options.location });
  }

  async getTable(table: string): Promise<TableResource> {
    const [metadata] = await this.limited(this.dataset.table(table).getMetadata(), `tables.get ${table}`);
    const fields = field(field(metadata, 'schema'), 'fields');
    const etag = field(metadata, 'etag');
    return { fields: Array.isArray(fields) ? (fields as BigQueryField[]) : [], etag: typeof etag === 'string' ? etag : undefined };
  }

  async createTable(table: string, definition: TableDefinition): Promise<void> {
    await this.limited(
      this.dataset.createTable(table, {
        schema: { fields: definition.fields },
        ...(definition.timePartitioning === undefined ? {} : { timePartitioning: definition.timePartitioning }),
        ...(definition.clustering === undefined ? {} : { clustering: definition.clustering }),
      }),
      `tables.insert ${table}`,
    );
  }

  async patchFields(table: string, fields: BigQueryField[], etag: string | undefined): Promise<void> {
    // With an etag in the body the client sends If-Match, so a concurrent change is refused.
    await this.limited(this.dataset.table(table).setMetadata({ schema: { fields }, ...(etag === undefined ? {} : { etag }) }), `tables.patch ${table}`);
  }

  insertLoadJob(table: string, jobId: string, ndjson: readonly Uint8Array[]): Promise<JobState> {
    const tableRef = this.dataset.table(table, this.options.location === undefined ? {} : { location: this.options.location });
    return new Promise<JobState>((resolve, reject) => {
      const upload = tableRef.createWriteStream_({
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: 'WRITE_APPEND',
        createDisposition: 'CREATE_NEVER',
        jobId,
      });
      let settled = false;
      const finish = (err: unknown, job?: JobState): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err !== null) reject(err);
        else if (job !== undefined) resolve(job);
      };
      const timer = setTimeout(() => {
        finish(new BigQueryTimeoutError(`upload of load job ${jobId} took longer than ${this.options.uploadTimeoutMs} ms`));
        upload.destroy();
      }, this.options.uploadTimeoutMs);
      upload.on('error', (err) => finish(err));
      upload.on('job', (job: unknown) => finish(null, jobState(field(job, 'metadata'), jobId)));
      const write = async (): Promise<void> => {
        for (const chunk of ndjson) {
          if (settled) return;
          if (!upload.write(chunk)) await new Promise<void>((r) => upload.once('drain', () => r()));
        }
        upload.end();
      };
      write().catch((err: unknown) => finish(err));
    });
  }

  async getJob(jobId: string): Promise<JobState> {
    const job = this.client.job(jobId, this.options.location === undefined ? {} : { location: this.options.location });
    const [metadata] = await this.limited(job.getMetadata(), `jobs.get ${jobId}`);
    return jobState(metadata, jobId);
  }

  async insertAll(table: string, rows: readonly InsertAllRow[]): Promise<RowInsertErrors[]> {
    try {
      await this.limited(
        this.dataset.table(table).insert([...rows], { raw: true, skipInvalidRows: false, ignoreUnknownValues: false, partialRetries: 0 }),
        `tabledata.insertAll ${table}`,
      );
      return [];
    } catch (err) {
      // Per-row refusals come as a PartialFailureError naming the rows; anything else is a call failure.
      const errors = field(err, 'errors');
      if (!(err instanceof Error) || err.name !== 'PartialFailureError' || !Array.isArray(errors)) throw err;
      return errors.map((e: unknown) => ({ index: rows.indexOf(field(e, 'row') as InsertAllRow), errors: errorDetails(field(e, 'errors')) }));
    }
  }

  private limited<T>(call: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BigQueryTimeoutError(`${what} took longer than ${this.options.requestTimeoutMs} ms`)), this.options.requestTimeoutMs);
      call.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

/** A job resource's `status`, validated (parsing boundary: the API's JSON). */
function jobState(metadata: unknown, jobId: string): JobState {
  const status = field(metadata, 'status');
  const state = String(field(status, 'state') ?? 'PENDING').toUpperCase();
  const errorResult = field(status, 'errorResult');
  const [first] = errorDetails(errorResult === undefined || errorResult === null ? [] : [errorResult]);
  return {
    jobId,
    state: state === 'DONE' || state === 'RUNNING' ? state : 'PENDING',
    errorResult: first ?? null,
    errors: errorDetails(field(status, 'errors')),
  };
}
