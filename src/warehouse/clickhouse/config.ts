/**
 * The ClickHouse connection and table options, read from the `warehouse.clickhouse.*` keys and
 * checked once at start, so a typo stops Cairn with a message that names the key instead of
 * surfacing later as a connection error.
 */
import { readFileSync } from 'node:fs';
import type { Settings } from '../../settings/types.js';

/** A `warehouse.clickhouse.*` value Cairn cannot connect with; the message names the key. */
export class ClickHouseConfigError extends Error {
  override readonly name = 'ClickHouseConfigError';
}

export interface ClickHouseConfig {
  /** `http(s)://host:port`, what the HTTP client connects to. */
  url: string;
  host: string;
  port: number;
  tls: boolean;
  /** PEM certificates trusted for the server instead of the system's CAs; null trusts the system's. */
  caCertificate: Buffer | null;
  /** Must exist; Cairn creates tables in it, never the database itself. */
  database: string;
  username: string;
  password: string;
  /** Sorting key of new tables, items verbatim (expressions allowed). */
  orderBy: string[];
  /** Partition expression of new tables; empty for none. */
  partitionBy: string;
}

/** ClickHouse's HTTP port; d8a's default 9000 is the native TCP protocol, which Cairn does not speak. */
export const CLICKHOUSE_DEFAULT_HTTP_PORT = 8123;

/** Ports of ClickHouse's native protocol (plain and TLS): a sign of a configuration copied from d8a. */
export const CLICKHOUSE_NATIVE_PORTS: readonly number[] = [9000, 9440];

function stringKey(settings: Pick<Settings, 'keys'>, key: string, fallback: string): string {
  const value = settings.keys.get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ClickHouseConfigError(`${key} must be a string, got ${JSON.stringify(value)}`);
}

function boolKey(settings: Pick<Settings, 'keys'>, key: string): boolean {
  const value = settings.keys.get(key);
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ClickHouseConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function parsePort(text: string): number {
  const trimmed = text.trim();
  const port = /^\d{1,5}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(port >= 1 && port <= 65_535)) {
    throw new ClickHouseConfigError(`warehouse.clickhouse.port must be a TCP port number (1-65535), got ${JSON.stringify(text)}`);
  }
  return port;
}

function parseHost(text: string): string {
  const host = text.trim();
  if (host === '') throw new ClickHouseConfigError('warehouse.clickhouse.host is required when warehouse.driver is clickhouse');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    throw new ClickHouseConfigError(
      `warehouse.clickhouse.host must be a host name or address, not a URL (got ${JSON.stringify(host)}); set the port with warehouse.clickhouse.port and HTTPS with warehouse.clickhouse.tls`,
    );
  }
  if (/[\s/?#@]/.test(host)) throw new ClickHouseConfigError(`warehouse.clickhouse.host ${JSON.stringify(host)} is not a host name or address`);
  return host;
}

/** The address part of a URL: IPv6 literals need brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Splits `a, b ,c` into trimmed, non-empty items, as d8a splits `order_by`. */
export function splitOrderBy(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Reads a file whole (the CA file); a parameter so tests need no file. */
export type ReadFile = (path: string) => Buffer;

/** The ClickHouse options of `settings`; throws `ClickHouseConfigError` naming the first bad key. */
export function clickHouseConfigFromSettings(settings: Pick<Settings, 'keys'>, readFile: ReadFile = (p) => readFileSync(p)): ClickHouseConfig {
  const host = parseHost(stringKey(settings, 'warehouse.clickhouse.host', ''));
  const port = parsePort(stringKey(settings, 'warehouse.clickhouse.port', String(CLICKHOUSE_DEFAULT_HTTP_PORT)));
  const database = stringKey(settings, 'warehouse.clickhouse.database', '').trim();
  if (database === '') throw new ClickHouseConfigError('warehouse.clickhouse.database is required when warehouse.driver is clickhouse (the database must exist)');
  const tls = boolKey(settings, 'warehouse.clickhouse.tls');
  const caFile = stringKey(settings, 'warehouse.clickhouse.tls_ca_file', '').trim();
  let caCertificate: Buffer | null = null;
  if (caFile !== '') {
    if (!tls) throw new ClickHouseConfigError('warehouse.clickhouse.tls_ca_file is set but warehouse.clickhouse.tls is false');
    try {
      caCertificate = readFile(caFile);
    } catch (err) {
      throw new ClickHouseConfigError(`warehouse.clickhouse.tls_ca_file ${JSON.stringify(caFile)} cannot be read: ${(err as Error).message}`);
    }
  }
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`,
    host,
    port,
    tls,
    caCertificate,
    database,
    username: stringKey(settings, 'warehouse.clickhouse.username', ''),
    password: stringKey(settings, 'warehouse.clickhouse.password', ''),
    orderBy: splitOrderBy(stringKey(settings, 'warehouse.clickhouse.order_by', 'property_id,date_utc,session_id')),
    partitionBy: stringKey(settings, 'warehouse.clickhouse.partition_by', 'toYYYYMM(date_utc)').trim(),
  };
}
