/**
 * A ClickHouse HTTP interface in front of chdb (embedded ClickHouse), so tests can run the real
 * `@clickhouse/client` against a real ClickHouse engine without a server.
 *
 * It serves the part of the interface the client uses: `/ping`; the statement in the `query`
 * parameter, the body, or both (parameter first, then the body, as ClickHouse joins them, which
 * is how inserts arrive); `database`; every other parameter as a setting for that one request;
 * `param_*` values bound to `{name:Type}` placeholders; gzip / deflate / brotli request bodies;
 * and errors as ClickHouse writes them (`Code: N. DB::Exception: … (NAME)` with
 * `X-ClickHouse-Exception-Code`), which the client turns into `ClickHouseError`s.
 *
 * One chdb session (one data folder) per adapter; statements run one at a time, so settings
 * applied for one request (with `SET`, reset to their defaults afterwards) never leak into
 * another. chdb allows one data folder per process, so a test file starts one adapter.
 *
 * `fault` lets a test play an outage: refuse inserts (503), refuse everything, or store an
 * insert and then drop the connection before answering (a lost acknowledgement).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Session } from 'chdb';
import { readBody } from './http.js';

export type AdapterFault = 'none' | 'refuse-inserts' | 'refuse-all' | 'lose-insert-answers';

export interface ChdbHttpAdapterOptions {
  /** Data folder of the engine; a fresh temporary one (removed on close) by default. */
  dataPath?: string;
  /** Accepted user → password; without it any credentials are accepted. */
  users?: Readonly<Record<string, string>>;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

/** What the adapter saw of one request, for assertions. */
export interface RecordedRequest {
  kind: 'ping' | 'insert' | 'statement';
  /** The statement without insert data, at most 300 characters. */
  statement: string;
  database: string;
  settings: Record<string, string>;
  status: number;
  /** Whether the engine ran it (an insert answered with a dropped connection still counts). */
  executed: boolean;
}

/** URL parameters that are part of the HTTP protocol rather than settings. */
const PROTOCOL_PARAMETERS = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'role',
  // The adapter answers uncompressed, which a client asking for compression also accepts.
  'enable_http_compression',
]);

/** A few of ClickHouse's own mappings from error code to HTTP status; the rest are 500. */
const HTTP_STATUS_BY_CODE: ReadonlyMap<number, number> = new Map([
  [62, 400], // SYNTAX_ERROR
  [27, 400], // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  [53, 400], // TYPE_MISMATCH
  [117, 400], // INCORRECT_DATA
  [457, 400], // BAD_QUERY_PARAMETER
  [60, 404], // UNKNOWN_TABLE
  [81, 404], // UNKNOWN_DATABASE
  [47, 404], // UNKNOWN_IDENTIFIER
  [516, 401], // AUTHENTICATION_FAILED
]);

class AdapterError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${message}. (${codeName})`);
  }
}

/** Undoes the TSV escaping the client applies to `param_*` values (chdb escapes them again). */
function unescapeParameter(value: string): string | null {
  if (value === '\\N') return null;
  const escapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
  return value.replace(/\\(.)/gs, (_, ch: string) => escapes[ch] ?? ch);
}

function quoteSettingValue(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

/** The output format a statement names at its end (`… FORMAT JSONEachRow`), if any. */
function outputFormatOf(statement: string): string | null {
  return /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i.exec(statement)?.[1] ?? null;
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new AdapterError(1, 'UNSUPPORTED_METHOD', `Unknown HTTP compression method ${encoding ?? ''}`);
  }
}


function credentialsOf(req: IncomingMessage, params: URLSearchParams): { user: string; password: string } {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { user: decoded.slice(0, Math.max(colon, 0)) || 'default', password: colon >= 0 ? decoded.slice(colon + 1) : '' };
  }
  const headerUser = req.headers['x-clickhouse-user'];
  const headerKey = req.headers['x-clickhouse-key'];
  return {
    user: (typeof headerUser === 'string' ? headerUser : params.get('user')) ?? 'default',
    password: (typeof headerKey === 'string' ? headerKey : params.get('password')) ?? '',
  };
}

export class ChdbHttpAdapter {
  fault: AdapterFault = 'none';
  readonly requests: RecordedRequest[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private readonly engineVersion: string;

  private constructor(
    private readonly session: Session,
    private readonly server: Server,
    private readonly dataPath: string,
    private readonly ownsDataPath: boolean,
    private readonly options: ChdbHttpAdapterOptions,
  ) {
    this.engineVersion = String(session.query('SELECT version()', 'TabSeparated')).trim();
  }

  static async start(options: ChdbHttpAdapterOptions = {}): Promise<ChdbHttpAdapter> {
    const ownsDataPath = options.dataPath === undefined;
    const dataPath = options.dataPath ?? mkdtempSync(join(tmpdir(), 'cairn-chdb-'));
    const session = new Session(dataPath);
    let adapter: ChdbHttpAdapter | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      adapter?.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    };
    const server = options.tls !== undefined ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
    server.keepAliveTimeout = 10_000;
    adapter = new ChdbHttpAdapter(session, server, dataPath, ownsDataPath, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return adapter;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `${this.options.tls !== undefined ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get version(): string {
    return this.engineVersion;
  }

  /** Runs SQL on the engine directly, bypassing HTTP (set-up and checks); in line with requests. */
  exec(sql: string): Promise<string> {
    return this.serially(async () => (await this.session.queryAsync(sql, { format: 'TabSeparated' })).text());
  }

  /** Rows of a SELECT, run directly on the engine; 64-bit integers come back as strings. */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const out = await this.serially(async () => {
      await this.session.queryAsync('SET output_format_json_quote_64bit_integers = 1');
      try {
        return (await this.session.queryAsync(sql, { format: 'JSONEachRow' })).text();
      } finally {
        await this.session.queryAsync('SET output_format_json_quote_64bit_integers = DEFAULT');
      }
    });
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T);
  }

  /** Inserts the engine ran (answered or not), for dedup assertions. */
  get executedInserts(): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === 'insert' && r.executed);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.tail.catch(() => undefined);
    this.session.close();
    if (this.ownsDataPath) rmSync(this.dataPath, { recursive: true, force: true });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://adapter');
    const params = url.searchParams;
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !params.has('query'))) {
      await readBody(req);
      if (this.fault === 'refuse-all') return this.unavailable(res, { kind: 'ping', statement: '', database: '', settings: {}, status: 503, executed: false });
      this.requests.push({ kind: 'ping', statement: '', database: '', settings: {}, status: 200, executed: false });
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      await readBody(req);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end(`There is no handle ${url.pathname}\n`);
      return;
    }
    const database = params.get('database') ?? 'default';
    const settings: Record<string, string> = {};
    const bound: Record<string, string | null> = {};
    for (const [name, value] of params) {
      if (name.startsWith('param_')) bound[name.slice('param_'.length)] = unescapeParameter(value);
      else if (!PROTOCOL_PARAMETERS.has(name)) settings[name] = value;
    }
    const record: RecordedRequest = { kind: 'statement', statement: '', database, settings, status: 200, executed: false };
    try {
      const credentials = credentialsOf(req, params);
      const users = this.options.users;
      if (users !== undefined && users[credentials.user] !== credentials.password) {
        await readBody(req);
        throw new AdapterError(516, 'AUTHENTICATION_FAILED', `${credentials.user}: Authentication failed: password is incorrect, or there is no user with such name`);
      }
      const body = decodeBody(await readBody(req), req.headers['content-encoding']).toString('utf8');
      const head = params.get('query') ?? '';
      const statement = head !== '' && body !== '' ? `${head}\n${body}` : head + body;
      record.kind = /^\s*INSERT\b/i.test(statement) ? 'insert' : 'statement';
      record.statement = (record.kind === 'insert' && head !== '' ? head : statement).slice(0, 300);
      if (statement.trim() === '') throw new AdapterError(62, 'SYNTAX_ERROR', 'Empty query');
      if (this.fault === 'refuse-all' || (this.fault === 'refuse-inserts' && record.kind === 'insert')) return this.unavailable(res, record);
      const format = record.kind === 'insert' ? 'TabSeparated' : (outputFormatOf(statement) ?? params.get('default_format') ?? 'TabSeparated');
      const result = await this.serially(() => this.run(database, settings, statement, bound, format));
      record.executed = true;
      if (record.kind === 'insert' && this.fault === 'lose-insert-answers') {
        record.status = 0;
        this.requests.push(record);
        req.socket.destroy();
        return;
      }
      this.requests.push(record);
      res.writeHead(200, {
        'Content-Type': format.startsWith('JSON') ? 'application/json; charset=UTF-8' : 'text/tab-separated-values; charset=UTF-8',
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Query-Id': params.get('query_id') ?? '',
        'X-ClickHouse-Summary': JSON.stringify({ read_rows: String(result.rowsRead), read_bytes: String(result.bytesRead), elapsed_ns: String(Math.round(result.elapsed * 1e9)) }),
        'Keep-Alive': 'timeout=10',
      });
      res.end(result.text);
    } catch (err) {
      const code = err instanceof AdapterError ? err.code : Number((err as { clickhouseCode?: unknown }).clickhouseCode ?? 1000);
      let message = err instanceof Error ? err.message : String(err);
      if (!message.startsWith('Code:')) message = `Code: ${code}. DB::Exception: ${message}. (STD_EXCEPTION)`;
      record.status = HTTP_STATUS_BY_CODE.get(code) ?? 500;
      this.requests.push(record);
      res.writeHead(record.status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code) });
      res.end(`${message} (version ${this.engineVersion})\n`);
    }
  }

  private unavailable(res: ServerResponse, record: RecordedRequest): void {
    record.status = 503;
    this.requests.push(record);
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=UTF-8' });
    res.end('Service Unavailable: the test has taken ClickHouse down\n');
  }

  /** One request on the engine: its database and settings, the statement, then the settings reset. */
  private async run(
    database: string,
    settings: Readonly<Record<string, string>>,
    statement: string,
    bound: Readonly<Record<string, string | null>>,
    format: string,
  ): Promise<{ text: string; rowsRead: number; bytesRead: number; elapsed: number }> {
    await this.session.queryAsync(`USE \`${database.replace(/`/g, '``')}\``);
    const applied: string[] = [];
    try {
      for (const [name, value] of Object.entries(settings)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new AdapterError(115, 'UNKNOWN_SETTING', `Setting ${name} is neither a builtin setting nor started with the prefix 'custom_'`);
        await this.session.queryAsync(`SET ${name} = ${quoteSettingValue(value)}`);
        applied.push(name);
      }
      const result = Object.keys(bound).length > 0 ? await this.session.queryBindAsync(statement, bound, { format }) : await this.session.queryAsync(statement, { format });
      return { text: result.text(), rowsRead: result.rowsRead, bytesRead: result.bytesRead, elapsed: result.elapsed };
    } finally {
      for (const name of applied) await this.session.queryAsync(`SET ${name} = DEFAULT`).catch(() => undefined);
      await this.session.queryAsync('USE `default`').catch(() => undefined);
    }
  }
}
