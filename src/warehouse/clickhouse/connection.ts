/**
 * The few things the driver asks of ClickHouse — run a statement, read rows, insert rows — over
 * the HTTP interface with the official `@clickhouse/client`. Kept behind an interface so the
 * driver's logic does not depend on how the bytes travel.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings, type Logger as ClientLogger } from '@clickhouse/client';
import type { Logger } from '../../monitoring/logger.js';
import type { ClickHouseConfig } from './config.js';
import type { JsonValue } from './value-encoding.js';

export interface InsertRequest {
  /** Quoted, database-qualified table. */
  table: string;
  /** Quoted column names, in the order the rows' keys are meant for. */
  columns: readonly string[];
  /** One object per row, keyed by (unquoted) column name. */
  rows: readonly Record<string, JsonValue>[];
  /** Sent as `insert_deduplication_token`: ClickHouse drops a repeated insert with the same token. */
  deduplicationToken?: string;
  signal?: AbortSignal;
}

export interface ClickHouseConnection {
  /** Runs a statement that returns no rows (DDL). */
  command(sql: string, signal?: AbortSignal): Promise<void>;
  /** Runs a SELECT whose `{name:String}` placeholders are bound from `params`; rows as objects. */
  select(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  insert(request: InsertRequest): Promise<void>;
  close(): Promise<void>;
}

/**
 * Settings on every request: `flatten_nested=0` keeps `Nested` columns whole (without it they
 * are split into `col.member` arrays and cannot be read back); the execution limit is d8a's.
 */
export const SESSION_SETTINGS: ClickHouseSettings = { flatten_nested: 0, max_execution_time: 60 };

/** Longer than the server's own limit, so a slow statement fails with the server's message. */
const REQUEST_TIMEOUT_MS = 75_000;

/** The client logs failed requests before it throws them; Cairn logs the thrown error, so these go to debug. */
function clientLoggerClass(logger: Logger): new () => ClientLogger {
  return class CairnClickHouseClientLogger implements ClientLogger {
    trace(): void {}
    debug(): void {}
    info(): void {}
    warn(params: { module: string; message: string; err?: Error }): void {
      logger.debug('clickhouse client', { module: params.module, message: params.message, error: params.err?.message });
    }
    error(params: { module: string; message: string; err: Error }): void {
      logger.debug('clickhouse client', { module: params.module, message: params.message, error: params.err.message });
    }
  };
}

export class HttpClickHouseConnection implements ClickHouseConnection {
  private readonly client: ClickHouseClient;

  constructor(config: ClickHouseConfig, logger: Logger) {
    this.client = createClient({
      url: config.url,
      username: config.username === '' ? 'default' : config.username,
      password: config.password,
      database: config.database,
      application: 'cairn',
      request_timeout: REQUEST_TIMEOUT_MS,
      // Insert bodies are JSON and shrink about ten times; ClickHouse reads gzip without any
      // setting. Level 1 costs a third of the default's time for nearly the same size.
      compression: { request: { codec: 'gzip', level: 1 }, response: false },
      clickhouse_settings: SESSION_SETTINGS,
      log: { LoggerClass: clientLoggerClass(logger), level: ClickHouseLogLevel.WARN },
      ...(config.caCertificate !== null ? { tls: { ca_cert: config.caCertificate } } : {}),
    });
  }

  async command(sql: string, signal?: AbortSignal): Promise<void> {
    await this.client.command({ query: sql, ...(signal !== undefined ? { abort_signal: signal } : {}) });
  }

  async select(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const result = await this.client.query({
      query: sql,
      format: 'JSONEachRow',
      query_params: { ...params },
      ...(signal !== undefined ? { abort_signal: signal } : {}),
    });
    const rows: unknown = await result.json();
    if (!Array.isArray(rows)) throw new Error('ClickHouse answered a JSONEachRow query with something other than rows');
    return rows.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null);
  }

  async insert(request: InsertRequest): Promise<void> {
    if (request.rows.length === 0) return;
    const settings: ClickHouseSettings = request.deduplicationToken !== undefined ? { insert_deduplicate: 1, insert_deduplication_token: request.deduplicationToken } : {};
    await this.client.insert({
      table: request.table,
      columns: request.columns as [string, ...string[]],
      values: request.rows as Record<string, JsonValue>[],
      format: 'JSONEachRow',
      clickhouse_settings: settings,
      ...(request.signal !== undefined ? { abort_signal: request.signal } : {}),
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
