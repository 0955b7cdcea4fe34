/**
 * A stand-in for the BigQuery REST API on a loopback port, for tests of the official client.
 *
 * It answers the calls the BigQuery driver makes (tables.get / insert / patch, jobs.insert as a
 * multipart upload, jobs.get, tabledata.insertAll), checks every request against the shapes
 * the API documents (table schemas, partitioning and clustering, load configurations, NDJSON
 * and insertAll rows against the table's schema, the bearer token's signature) and keeps the
 * rows. A request that breaks a rule is answered as BigQuery would (400 `invalid`) and listed
 * in `violations`, so a test can assert there were none.
 *
 * Outages are simulated on demand: writes refused with 503, jobs that run and fail with a
 * transient reason, and inserts applied whose answer is lost.
 */
import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http.js';

export interface DoubleField {
  name: string;
  type: string;
  mode?: string;
  fields?: DoubleField[];
  description?: string;
}

export interface DoubleTable {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema: { fields: DoubleField[] };
  timePartitioning?: { type: string; field?: string; expirationMs?: string };
  clustering?: { fields: string[] };
  etag: string;
  rows: Record<string, unknown>[];
  insertIds: Set<string>;
}

export interface DoubleJob {
  jobId: string;
  table: string;
  configuration: Record<string, unknown>;
  state: 'RUNNING' | 'DONE';
  /** jobs.get answers left before the job reports DONE. */
  pollsLeft: number;
  errorResult: { reason: string; message: string } | null;
  rows: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** What the call is, e.g. `tables.get`, `jobs.insert`. */
  call: string;
  status: number;
}

export interface ServiceAccountFixture {
  /** The key file's JSON, as a user would download it. */
  key: Record<string, string>;
  publicKey: KeyObject;
}

/** A service-account key with a freshly generated RSA key pair (never valid anywhere real). */
export function makeServiceAccountKey(projectId = 'test-project'): ServiceAccountFixture {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    key: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: 'cairn-test-key',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: `cairn-test@${projectId}.iam.gserviceaccount.com`,
      client_id: '1000000000000',
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    publicKey,
  };
}

export interface BigQueryDoubleOptions {
  projectId: string;
  datasets: string[];
  /** When set, every request must carry a bearer JWT signed by this key for `clientEmail`. */
  publicKey?: KeyObject;
  clientEmail?: string;
  /** jobs.get calls a new job answers RUNNING before DONE. */
  jobRunningPolls?: number;
  /** Calls tables.get answers 404 for a new table before it is visible. */
  tableVisibilityDelay?: number;
}

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;
const TYPES = new Set(['STRING', 'BYTES', 'INTEGER', 'INT64', 'FLOAT', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOLEAN', 'BOOL', 'TIMESTAMP', 'DATE', 'TIME', 'DATETIME', 'GEOGRAPHY', 'JSON', 'RECORD', 'STRUCT']);
const MODES = new Set(['NULLABLE', 'REQUIRED', 'REPEATED']);
const JOB_ID = /^[A-Za-z0-9_-]{1,1024}$/;

export class BigQueryDouble {
  readonly tables = new Map<string, DoubleTable>();
  readonly jobs = new Map<string, DoubleJob>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  /** Bearer tokens seen, decoded (header and claims). */
  readonly tokens: { header: Json; claims: Json }[] = [];
  private refuseWritesUntil = 0;
  private refusingWrites = false;
  private failingJobs: { count: number; reason: string } = { count: 0, reason: '' };
  private lostAnswers = 0;
  private etagSeq = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly options: BigQueryDoubleOptions,
  ) {}

  static async start(options: BigQueryDoubleOptions): Promise<BigQueryDouble> {
    let double: BigQueryDouble | null = null;
    const server = createServer((req, res) => {
      void double?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    double = new BigQueryDouble(server, `http://127.0.0.1:${port}`, options);
    return double;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- test controls ---------------------------------------------------------------------------

  /** Answers jobs.insert and insertAll with 503 `backendError` while on (or for `ms`). */
  refuseWrites(on: boolean, ms?: number): void {
    this.refusingWrites = on && ms === undefined;
    this.refuseWritesUntil = on && ms !== undefined ? Date.now() + ms : 0;
  }

  /** The next `count` load jobs are created and then fail with `reason` (nothing loaded). */
  failNextJobs(count: number, reason = 'backendError'): void {
    this.failingJobs = { count, reason };
  }

  /** The next `count` insertAll calls are applied but answered with 503, as if the answer were lost. */
  loseNextInsertAnswers(count: number): void {
    this.lostAnswers = count;
  }

  table(dataset: string, table: string): DoubleTable | undefined {
    return this.tables.get(`${dataset}.${table}`);
  }

  rows(dataset: string, table: string): Record<string, unknown>[] {
    return this.table(dataset, table)?.rows ?? [];
  }

  calls(call: string): RecordedRequest[] {
    return this.requests.filter((r) => r.call === call);
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.endpoint);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    let call = 'unknown';
    let status = 200;
    let answer: unknown;
    try {
      this.checkAuth(req);
      const routed = this.route(method, url, req, body);
      call = routed.call;
      answer = routed.run();
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        if (err.status === 400) this.violations.push(`${method} ${url.pathname}: ${err.message}`);
        answer = { error: { code: err.status, message: err.message, errors: [{ domain: 'global', reason: err.reason, message: err.message }] } };
      } else {
        status = 500;
        answer = { error: { code: 500, message: String(err), errors: [{ reason: 'internalError', message: String(err) }] } };
      }
    }
    this.requests.push({ method, path: url.pathname, call, status });
    const text = JSON.stringify(answer ?? {});
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private route(method: string, url: URL, req: IncomingMessage, body: Buffer): { call: string; run: () => unknown } {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)\/insertAll$/.exec(p)) && method === 'POST') {
      return { call: 'tabledata.insertAll', run: () => this.insertAll(m![1]!, m![2]!, m![3]!, parseJson(body)) };
    }
    if ((m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(p))) {
      const [, project, dataset, table] = m as unknown as [string, string, string, string];
      if (method === 'GET') return { call: 'tables.get', run: () => this.getTable(project, dataset, table) };
      if (method === 'PATCH') return { call: 'tables.patch', run: () => this.patchTable(project, dataset, table, parseJson(body), req.headers['if-match']) };
    }
    if ((m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/.exec(p)) && method === 'POST') {
      return { call: 'tables.insert', run: () => this.insertTable(m![1]!, m![2]!, parseJson(body)) };
    }
    if ((m = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(p)) && method === 'POST') {
      return { call: 'jobs.insert', run: () => this.insertJob(m![1]!, url, req, body) };
    }
    if ((m = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(p)) && method === 'GET') {
      return { call: 'jobs.get', run: () => this.getJob(m![1]!, decodeURIComponent(m![2]!)) };
    }
    throw new HttpError(404, 'notFound', `no route for ${method} ${p}`);
  }

  private checkAuth(req: IncomingMessage): void {
    const header = req.headers['authorization'];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw new HttpError(401, 'unauthorized', 'missing bearer token');
    const token = header.slice('Bearer '.length);
    const [h, c, s] = token.split('.');
    if (h === undefined || c === undefined || s === undefined) throw new HttpError(401, 'unauthorized', 'bearer token is not a JWT');
    const decoded = { header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Json, claims: JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Json };
    this.tokens.push(decoded);
    if (this.options.publicKey === undefined) return;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${h}.${c}`);
    if (decoded.header['alg'] !== 'RS256' || !verifier.verify(this.options.publicKey, Buffer.from(s, 'base64url'))) {
      throw new HttpError(401, 'unauthorized', 'bearer token signature does not verify');
    }
    if (this.options.clientEmail !== undefined && decoded.claims['iss'] !== this.options.clientEmail) throw new HttpError(401, 'unauthorized', 'token issuer is not the service account');
    const scope = String(decoded.claims['scope'] ?? '');
    if (!scope.split(' ').includes('https://www.googleapis.com/auth/bigquery')) throw new HttpError(403, 'accessDenied', 'token lacks the bigquery scope');
    const exp = Number(decoded.claims['exp']);
    if (!(exp * 1000 > Date.now())) throw new HttpError(401, 'unauthorized', 'token expired');
  }

  private checkDataset(project: string, dataset: string): void {
    if (project !== this.options.projectId) throw new HttpError(404, 'notFound', `Not found: Project ${project}`);
    if (!this.options.datasets.includes(dataset)) throw new HttpError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
  }

  private writesRefused(): boolean {
    return this.refusingWrites || Date.now() < this.refuseWritesUntil;
  }

  // ---- tables ------------------------------------------------------------------------------------

  private resource(t: DoubleTable): Json {
    return {
      kind: 'bigquery#table',
      id: `${t.tableReference.projectId}:${t.tableReference.datasetId}.${t.tableReference.tableId}`,
      etag: t.etag,
      tableReference: t.tableReference,
      schema: t.schema,
      ...(t.timePartitioning === undefined ? {} : { timePartitioning: t.timePartitioning }),
      ...(t.clustering === undefined ? {} : { clustering: t.clustering }),
      numRows: String(t.rows.length),
      type: 'TABLE',
    };
  }

  private hidden = new Map<string, number>();

  private getTable(project: string, dataset: string, table: string): Json {
    this.checkDataset(project, dataset);
    const t = this.tables.get(`${dataset}.${table}`);
    const hiddenFor = this.hidden.get(`${dataset}.${table}`) ?? 0;
    if (t === undefined || hiddenFor > 0) {
      if (hiddenFor > 0) this.hidden.set(`${dataset}.${table}`, hiddenFor - 1);
      throw new HttpError(404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`);
    }
    return this.resource(t);
  }

  private insertTable(project: string, dataset: string, body: Json): Json {
    this.checkDataset(project, dataset);
    const ref = body['tableReference'] as Json | undefined;
    if (ref === undefined || ref['projectId'] !== project || ref['datasetId'] !== dataset || typeof ref['tableId'] !== 'string') {
      throw new HttpError(400, 'invalid', 'tableReference must name the project, dataset and table of the request');
    }
    const tableId = ref['tableId'];
    if (!/^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u.test(tableId)) throw new HttpError(400, 'invalid', `invalid table name ${tableId}`);
    const schema = body['schema'] as Json | undefined;
    const fields = checkFields(schema?.['fields'], 'schema.fields', 0);
    const key = `${dataset}.${tableId}`;
    if (this.tables.has(key)) throw new HttpError(409, 'duplicate', `Already Exists: Table ${project}:${key}`);
    const table: DoubleTable = {
      tableReference: { projectId: project, datasetId: dataset, tableId },
      schema: { fields },
      etag: this.nextEtag(),
      rows: [],
      insertIds: new Set(),
    };
    const partitioning = body['timePartitioning'] as Json | undefined;
    if (partitioning !== undefined) {
      const type = partitioning['type'];
      if (!['DAY', 'HOUR', 'MONTH', 'YEAR'].includes(String(type))) throw new HttpError(400, 'invalid', `timePartitioning.type ${String(type)} is not DAY, HOUR, MONTH or YEAR`);
      const field = partitioning['field'];
      if (field !== undefined) {
        const target = fields.find((f) => f.name === field);
        if (target === undefined || !['DATE', 'TIMESTAMP', 'DATETIME'].includes(target.type) || target.mode === 'REPEATED') {
          throw new HttpError(400, 'invalid', `timePartitioning.field ${String(field)} is not a top-level DATE, TIMESTAMP or DATETIME column`);
        }
        if (type === 'HOUR' && target.type === 'DATE') throw new HttpError(400, 'invalid', 'HOUR partitioning needs a TIMESTAMP column');
      }
      const expiration = partitioning['expirationMs'];
      if (expiration !== undefined && !(typeof expiration === 'string' && /^\d+$/.test(expiration))) {
        throw new HttpError(400, 'invalid', 'timePartitioning.expirationMs must be a string of digits');
      }
      table.timePartitioning = partitioning as DoubleTable['timePartitioning'];
    }
    const clustering = body['clustering'] as Json | undefined;
    if (clustering !== undefined) {
      const names = clustering['fields'];
      if (!Array.isArray(names) || names.length === 0 || names.length > 4) throw new HttpError(400, 'invalid', 'clustering.fields takes one to four columns');
      for (const n of names) {
        const target = fields.find((f) => f.name === n);
        if (target === undefined || target.mode === 'REPEATED' || target.type === 'RECORD' || target.type === 'FLOAT') {
          throw new HttpError(400, 'invalid', `clustering column ${String(n)} is missing or of a type that cannot cluster`);
        }
      }
      table.clustering = { fields: names as string[] };
    }
    for (const extra of Object.keys(body)) {
      if (!['tableReference', 'schema', 'timePartitioning', 'clustering', 'description', 'labels'].includes(extra)) {
        throw new HttpError(400, 'invalid', `unexpected table field ${extra}`);
      }
    }
    this.tables.set(key, table);
    if ((this.options.tableVisibilityDelay ?? 0) > 0) this.hidden.set(key, this.options.tableVisibilityDelay ?? 0);
    return this.resource(table);
  }

  private patchTable(project: string, dataset: string, tableId: string, body: Json, ifMatch: string | string[] | undefined): Json {
    this.checkDataset(project, dataset);
    const table = this.tables.get(`${dataset}.${tableId}`);
    if (table === undefined) throw new HttpError(404, 'notFound', `Not found: Table ${project}:${dataset}.${tableId}`);
    if (typeof ifMatch === 'string' && ifMatch !== table.etag) throw new HttpError(412, 'conditionNotMet', 'Precondition check failed.');
    const schema = body['schema'] as Json | undefined;
    if (schema === undefined) return this.resource(table);
    const fields = checkFields(schema['fields'], 'schema.fields', 0);
    const before = table.schema.fields;
    for (let i = 0; i < before.length; i++) {
      const old = before[i] as DoubleField;
      const now = fields[i];
      if (now === undefined || JSON.stringify(canonicalField(now)) !== JSON.stringify(canonicalField(old))) {
        throw new HttpError(400, 'invalid', `Provided Schema does not match Table ${project}:${dataset}.${tableId}. Field ${old.name} is missing or changed in new schema`);
      }
    }
    for (const added of fields.slice(before.length)) {
      if (added.mode === 'REQUIRED') throw new HttpError(400, 'invalid', `Provided Schema does not match Table. Cannot add required fields to an existing schema. (field: ${added.name})`);
    }
    table.schema = { fields };
    table.etag = this.nextEtag();
    return this.resource(table);
  }

  private nextEtag(): string {
    this.etagSeq++;
    return `etag-${this.etagSeq}`;
  }

  // ---- load jobs ---------------------------------------------------------------------------------

  private insertJob(project: string, url: URL, req: IncomingMessage, body: Buffer): Json {
    if (project !== this.options.projectId) throw new HttpError(404, 'notFound', `Not found: Project ${project}`);
    if (url.searchParams.get('uploadType') !== 'multipart') throw new HttpError(400, 'invalid', 'media upload must say uploadType=multipart');
    const contentType = String(req.headers['content-type'] ?? '');
    const parts = parseMultipart(contentType, body);
    if (parts.length !== 2) throw new HttpError(400, 'invalid', `multipart upload needs a metadata part and a media part, got ${parts.length}`);
    const [meta, media] = parts as [{ headers: Record<string, string>; body: Buffer }, { headers: Record<string, string>; body: Buffer }];
    if (!/^application\/json/.test(meta.headers['content-type'] ?? '')) throw new HttpError(400, 'invalid', 'the first part must be the JSON job resource');
    const job = parseJson(meta.body);
    const ref = job['jobReference'] as Json | undefined;
    const jobId = ref?.['jobId'];
    if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) throw new HttpError(400, 'invalid', `invalid job id ${String(jobId)}`);
    if (ref?.['projectId'] !== project) throw new HttpError(400, 'invalid', 'jobReference.projectId must be the project of the request');
    const load = (job['configuration'] as Json | undefined)?.['load'] as Json | undefined;
    if (load === undefined) throw new HttpError(400, 'invalid', 'configuration.load is required for an upload');
    for (const key of Object.keys(load)) {
      if (!['destinationTable', 'sourceFormat', 'writeDisposition', 'createDisposition'].includes(key)) {
        throw new HttpError(400, 'invalid', `load configuration field ${key} is not expected from Cairn`);
      }
    }
    if (load['sourceFormat'] !== 'NEWLINE_DELIMITED_JSON') throw new HttpError(400, 'invalid', `sourceFormat ${String(load['sourceFormat'])} is not NEWLINE_DELIMITED_JSON`);
    if (load['writeDisposition'] !== 'WRITE_APPEND') throw new HttpError(400, 'invalid', 'writeDisposition must be WRITE_APPEND');
    const dest = load['destinationTable'] as Json | undefined;
    if (dest?.['projectId'] !== project || typeof dest['datasetId'] !== 'string' || typeof dest['tableId'] !== 'string') {
      throw new HttpError(400, 'invalid', 'destinationTable must name project, dataset and table');
    }
    if (this.writesRefused()) throw new HttpError(503, 'backendError', 'Error encountered during execution. Retrying may solve the problem.');
    if (this.jobs.has(jobId)) throw new HttpError(409, 'duplicate', `Already Exists: Job ${project}:${jobId}`);
    const tableKey = `${dest['datasetId']}.${dest['tableId']}`;
    const record: DoubleJob = {
      jobId,
      table: tableKey,
      configuration: { load },
      state: 'RUNNING',
      pollsLeft: this.options.jobRunningPolls ?? 1,
      errorResult: null,
      rows: 0,
    };
    this.jobs.set(jobId, record);
    if (this.failingJobs.count > 0) {
      this.failingJobs.count--;
      record.errorResult = { reason: this.failingJobs.reason, message: 'The job encountered an internal error during execution.' };
    } else {
      this.runLoad(record, media.body);
    }
    if (record.pollsLeft <= 0) record.state = 'DONE';
    return this.jobResource(record, project);
  }

  /** Appends every line, or none when one is invalid (a load job is all or nothing). */
  private runLoad(job: DoubleJob, data: Buffer): void {
    const table = this.tables.get(job.table);
    if (table === undefined) {
      job.errorResult = { reason: 'notFound', message: `Not found: Table ${job.table}` };
      return;
    }
    const lines = data.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < lines.length; i++) {
      let row: unknown;
      try {
        row = JSON.parse(lines[i] as string);
      } catch {
        job.errorResult = { reason: 'invalid', message: `Error while reading data, line ${i + 1} is not JSON` };
        this.violations.push(`${job.jobId}: line ${i + 1} is not JSON`);
        return;
      }
      const problem = rowProblem(row, table.schema.fields);
      if (problem !== null) {
        job.errorResult = { reason: 'invalid', message: `Error while reading data, line ${i + 1}: ${problem}` };
        this.violations.push(`${job.jobId}: line ${i + 1}: ${problem}`);
        return;
      }
      rows.push(row as Record<string, unknown>);
    }
    table.rows.push(...rows);
    job.rows = rows.length;
  }

  private getJob(project: string, jobId: string): Json {
    if (project !== this.options.projectId) throw new HttpError(404, 'notFound', `Not found: Project ${project}`);
    const job = this.jobs.get(jobId);
    if (job === undefined) throw new HttpError(404, 'notFound', `Not found: Job ${project}:${jobId}`);
    if (job.state === 'RUNNING') {
      job.pollsLeft--;
      if (job.pollsLeft <= 0) job.state = 'DONE';
    }
    return this.jobResource(job, project);
  }

  private jobResource(job: DoubleJob, project: string): Json {
    const status: Json = { state: job.state };
    if (job.state === 'DONE' && job.errorResult !== null) {
      status['errorResult'] = job.errorResult;
      status['errors'] = [job.errorResult];
    }
    return {
      kind: 'bigquery#job',
      id: `${project}:US.${job.jobId}`,
      jobReference: { projectId: project, jobId: job.jobId, location: 'US' },
      configuration: job.configuration,
      status,
      ...(job.state === 'DONE' && job.errorResult === null ? { statistics: { load: { outputRows: String(job.rows) } } } : {}),
    };
  }

  // ---- streaming -----------------------------------------------------------------------------------

  private insertAll(project: string, dataset: string, tableId: string, body: Json): Json {
    this.checkDataset(project, dataset);
    const table = this.tables.get(`${dataset}.${tableId}`);
    if (table === undefined) throw new HttpError(404, 'notFound', `Not found: Table ${project}:${dataset}.${tableId}`);
    const rows = body['rows'];
    if (!Array.isArray(rows) || rows.length === 0) throw new HttpError(400, 'invalid', 'rows must be a non-empty list');
    if (rows.length > 50_000) throw new HttpError(400, 'invalid', 'too many rows in one request');
    if (body['skipInvalidRows'] === true || body['ignoreUnknownValues'] === true) {
      throw new HttpError(400, 'invalid', 'Cairn must not skip invalid rows or ignore unknown values');
    }
    if (this.writesRefused()) throw new HttpError(503, 'backendError', 'Error encountered during execution. Retrying may solve the problem.');
    const problems: { index: number; message: string }[] = [];
    rows.forEach((r: unknown, index) => {
      const entry = r as Json;
      if (typeof entry['insertId'] !== 'string' || entry['insertId'] === '') problems.push({ index, message: 'insertId missing' });
      const problem = rowProblem(entry['json'], table.schema.fields);
      if (problem !== null) problems.push({ index, message: problem });
    });
    if (problems.length > 0) {
      for (const p of problems) this.violations.push(`insertAll row ${p.index}: ${p.message}`);
      const bad = new Set(problems.map((p) => p.index));
      return {
        kind: 'bigquery#tableDataInsertAllResponse',
        insertErrors: rows.map((_, index) => ({
          index,
          errors: [bad.has(index) ? { reason: 'invalid', message: problems.find((p) => p.index === index)?.message ?? '' } : { reason: 'stopped', message: '' }],
        })),
      };
    }
    for (const r of rows as Json[]) {
      const id = r['insertId'] as string;
      if (table.insertIds.has(id)) continue;
      table.insertIds.add(id);
      table.rows.push(r['json'] as Record<string, unknown>);
    }
    if (this.lostAnswers > 0) {
      this.lostAnswers--;
      throw new HttpError(503, 'backendError', 'the rows were stored but this answer is lost on the way');
    }
    return { kind: 'bigquery#tableDataInsertAllResponse' };
  }
}

// ---- shapes ----------------------------------------------------------------------------------------

function checkFields(value: unknown, path: string, depth: number): DoubleField[] {
  if (!Array.isArray(value) || value.length === 0) throw new HttpError(400, 'invalid', `${path} must be a non-empty list`);
  if (depth > 15) throw new HttpError(400, 'invalid', `${path} nests too deeply`);
  const seen = new Set<string>();
  return value.map((raw: unknown, i) => {
    const f = raw as Json;
    const at = `${path}[${i}]`;
    if (typeof f['name'] !== 'string' || !NAME.test(f['name'])) throw new HttpError(400, 'invalid', `${at}.name ${String(f['name'])} is not a valid column name`);
    const lower = f['name'].toLowerCase();
    if (seen.has(lower)) throw new HttpError(400, 'invalid', `duplicate column ${f['name']}`);
    seen.add(lower);
    const type = String(f['type']);
    if (!TYPES.has(type)) throw new HttpError(400, 'invalid', `${at}.type ${type} is not a BigQuery type`);
    const mode = f['mode'] === undefined ? 'NULLABLE' : String(f['mode']);
    if (!MODES.has(mode)) throw new HttpError(400, 'invalid', `${at}.mode ${mode} is not NULLABLE, REQUIRED or REPEATED`);
    for (const key of Object.keys(f)) {
      if (!['name', 'type', 'mode', 'fields', 'description'].includes(key)) throw new HttpError(400, 'invalid', `${at} has an unexpected property ${key}`);
    }
    if (f['description'] !== undefined && (typeof f['description'] !== 'string' || f['description'].length > 1024)) {
      throw new HttpError(400, 'invalid', `${at}.description must be text of at most 1024 characters`);
    }
    const field: DoubleField = { name: f['name'], type, mode };
    if (typeof f['description'] === 'string') field.description = f['description'];
    if (type === 'RECORD' || type === 'STRUCT') {
      field.fields = checkFields(f['fields'], `${at}.fields`, depth + 1);
    } else if (f['fields'] !== undefined) {
      throw new HttpError(400, 'invalid', `${at} has sub-fields but is not a RECORD`);
    }
    return field;
  });
}

function canonicalField(f: DoubleField): unknown {
  return { name: f.name, type: f.type, mode: f.mode ?? 'NULLABLE', fields: f.fields?.map(canonicalField) ?? null };
}

/** Null when `row` fits the fields as a JSON load or insertAll row; otherwise why not. */
export function rowProblem(row: unknown, fields: readonly DoubleField[], path = ''): string | null {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return `${path || 'row'} is not a JSON object`;
  const record = row as Json;
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(record)) if (!known.has(key)) return `no such field: ${path}${key}`;
  for (const f of fields) {
    const v = record[f.name];
    const at = `${path}${f.name}`;
    const mode = f.mode ?? 'NULLABLE';
    if (mode === 'REPEATED') {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) return `${at}: REPEATED field needs an array`;
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null) return `${at}[${i}]: an array cannot hold NULL`;
        const p = valueProblem(v[i], f, `${at}[${i}]`);
        if (p !== null) return p;
      }
      continue;
    }
    if (v === undefined || v === null) {
      if (mode === 'REQUIRED') return `${at}: missing required field`;
      continue;
    }
    const p = valueProblem(v, f, at);
    if (p !== null) return p;
  }
  return null;
}

function valueProblem(v: unknown, f: DoubleField, at: string): string | null {
  switch (f.type) {
    case 'STRING':
      return typeof v === 'string' ? null : `${at}: STRING needs a string`;
    case 'INTEGER':
    case 'INT64':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return null;
      if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return null;
      return `${at}: INTEGER needs an integer, got ${JSON.stringify(v)}`;
    case 'FLOAT':
    case 'FLOAT64':
      if (typeof v === 'number') return null;
      if (typeof v === 'string' && /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(v)) return null;
      return `${at}: FLOAT needs a number`;
    case 'BOOLEAN':
    case 'BOOL':
      return typeof v === 'boolean' ? null : `${at}: BOOLEAN needs true or false`;
    case 'TIMESTAMP':
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(v)) return null;
      return `${at}: TIMESTAMP needs a canonical timestamp text, got ${JSON.stringify(v)}`;
    case 'DATE':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : `${at}: DATE needs YYYY-MM-DD`;
    case 'RECORD':
    case 'STRUCT':
      return rowProblem(v, f.fields ?? [], `${at}.`);
    default:
      return `${at}: the double does not check ${f.type}`;
  }
}

// ---- bodies ----------------------------------------------------------------------------------------


function parseJson(body: Buffer): Json {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Json;
  } catch {
    throw new HttpError(400, 'invalid', 'request body is not a JSON object');
  }
}

/** The parts of a `multipart/related` body (RFC 2046), each with lower-cased headers. */
function parseMultipart(contentType: string, body: Buffer): { headers: Record<string, string>; body: Buffer }[] {
  const match = /^multipart\/related;\s*boundary=("?)([^";]+)\1/i.exec(contentType);
  if (match === null) throw new HttpError(400, 'invalid', `upload content type must be multipart/related with a boundary, got ${contentType}`);
  const delimiter = Buffer.from(`--${match[2]}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new HttpError(400, 'invalid', 'multipart body has no boundary line');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, at);
    if (next < 0) throw new HttpError(400, 'invalid', 'multipart body is not closed');
    let part = body.subarray(at, next);
    part = part.subarray(part.indexOf('\r\n') === 0 ? 2 : 0);
    if (part.subarray(part.length - 2).toString() === '\r\n') part = part.subarray(0, part.length - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new HttpError(400, 'invalid', 'multipart part has no header block');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: part.subarray(split + 4) });
    at = next;
  }
  return parts;
}
