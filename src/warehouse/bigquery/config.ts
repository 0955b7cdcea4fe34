/**
 * The BigQuery driver's configuration from the `warehouse.bigquery.*` keys (reference §2.1,
 * plus Cairn's location, clustering, load interval, key file and API endpoint keys).
 */
import { readFileSync } from 'node:fs';
import type { Settings } from '../../settings/types.js';
import type { ServiceAccountKey } from './bigquery-api.js';

export type BigQueryWriterType = 'loadjob' | 'streaming';
export type PartitionInterval = 'HOUR' | 'DAY' | 'MONTH' | 'YEAR';

export interface BigQueryConfig {
  projectId: string;
  dataset: string;
  credentials: ServiceAccountKey;
  location: string | undefined;
  writerType: BigQueryWriterType;
  queryTimeoutMs: number;
  tableCreationTimeoutMs: number;
  /** Empty: tables are not partitioned. */
  partitionField: string;
  partitionInterval: PartitionInterval;
  /** 0: partitions never expire. */
  partitionExpirationDays: number;
  /** Up to four columns; empty: no clustering. */
  clustering: string[];
  /** Load jobs: at most one per table this often. */
  loadIntervalMs: number;
  apiEndpoint: string | undefined;
}

export class BigQueryConfigError extends Error {
  override readonly name = 'BigQueryConfigError';
}

const INTERVALS: readonly PartitionInterval[] = ['HOUR', 'DAY', 'MONTH', 'YEAR'];
/** BigQuery's own limit on clustering columns. */
const MAX_CLUSTERING_FIELDS = 4;
/** Names usable in a table reference, as the reference checks them before its DDL. */
const NAME = /^[\p{L}\p{N}._-]+$/u;

export function bigQueryConfigFromSettings(settings: Settings): BigQueryConfig {
  const get = (name: string): unknown => settings.keys.get(`warehouse.bigquery.${name}`);
  const text = (name: string): string => {
    const v = get(name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new BigQueryConfigError(`warehouse.bigquery.${name} must be a string`);
    return v.trim();
  };
  const number = (name: string, fallback: number): number => {
    const v = get(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BigQueryConfigError(`warehouse.bigquery.${name} must be a number`);
    return v;
  };

  const credentials = serviceAccountKey(text('creds_json'), text('creds_file'));
  const projectId = text('project_id') || (typeof credentials.project_id === 'string' ? credentials.project_id : '');
  if (projectId === '') throw new BigQueryConfigError('warehouse.bigquery.project_id is required for BigQuery');
  const dataset = text('dataset_name');
  if (dataset === '') throw new BigQueryConfigError('warehouse.bigquery.dataset_name is required for BigQuery (an existing dataset)');
  if (!NAME.test(dataset)) throw new BigQueryConfigError(`warehouse.bigquery.dataset_name ${JSON.stringify(dataset)} is not a valid dataset name`);

  const writer = text('writer_type').toLowerCase() || 'loadjob';
  if (writer !== 'loadjob' && writer !== 'streaming') throw new BigQueryConfigError(`warehouse.bigquery.writer_type ${JSON.stringify(writer)} is not loadjob or streaming`);
  const interval = (text('partition_interval').toUpperCase() || 'DAY') as PartitionInterval;
  if (!INTERVALS.includes(interval)) throw new BigQueryConfigError(`warehouse.bigquery.partition_interval ${JSON.stringify(interval)} is not one of ${INTERVALS.join(', ')}`);
  const expiration = number('partition_expiration_days', 0);
  if (!Number.isInteger(expiration) || expiration < 0) throw new BigQueryConfigError('warehouse.bigquery.partition_expiration_days must be a whole number of days, 0 or more');

  const clusteringValue = get('clustering');
  const clustering = (Array.isArray(clusteringValue) ? clusteringValue : typeof clusteringValue === 'string' ? clusteringValue.split(',') : [])
    .map((c) => String(c).trim())
    .filter((c) => c !== '');
  if (clustering.length > MAX_CLUSTERING_FIELDS) throw new BigQueryConfigError(`warehouse.bigquery.clustering takes at most ${MAX_CLUSTERING_FIELDS} columns`);

  const positive = (name: string, fallback: number): number => {
    const v = number(name, fallback);
    if (!(v > 0)) throw new BigQueryConfigError(`warehouse.bigquery.${name} must be positive`);
    return v;
  };
  const location = text('location');
  const apiEndpoint = text('api_endpoint').replace(/\/+$/, '');
  return {
    projectId,
    dataset,
    credentials,
    location: location === '' ? undefined : location,
    writerType: writer,
    queryTimeoutMs: positive('query_timeout', 30_000),
    tableCreationTimeoutMs: positive('table_creation_timeout', 10_000),
    partitionField: text('partition_field'),
    partitionInterval: interval,
    partitionExpirationDays: expiration,
    clustering,
    loadIntervalMs: positive('load_interval', 60_000),
    apiEndpoint: apiEndpoint === '' ? undefined : apiEndpoint,
  };
}

/**
 * The service-account key from `creds_json` (the JSON itself, or the JSON in base64, which is
 * tried first as the reference does) or else from the file `creds_file` names.
 */
export function serviceAccountKey(credsJson: string, credsFile: string): ServiceAccountKey {
  let text: string;
  let source: string;
  if (credsJson !== '') {
    text = decodeMaybeBase64(credsJson);
    source = 'warehouse.bigquery.creds_json';
  } else if (credsFile !== '') {
    try {
      text = readFileSync(credsFile, 'utf8');
    } catch (err) {
      throw new BigQueryConfigError(`warehouse.bigquery.creds_file ${credsFile} cannot be read: ${(err as Error).message}`);
    }
    source = `warehouse.bigquery.creds_file (${credsFile})`;
  } else {
    throw new BigQueryConfigError('BigQuery needs a service-account key: set warehouse.bigquery.creds_json (JSON or base64) or warehouse.bigquery.creds_file');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BigQueryConfigError(`${source} is neither JSON nor base64-encoded JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BigQueryConfigError(`${source} is not a JSON object`);
  const key = parsed as Record<string, unknown>;
  if (key['type'] !== 'service_account') throw new BigQueryConfigError(`${source} is not a service-account key (its type is ${JSON.stringify(key['type'])})`);
  for (const name of ['client_email', 'private_key'] as const) {
    if (typeof key[name] !== 'string' || key[name] === '') throw new BigQueryConfigError(`${source} has no ${name}`);
  }
  return key as ServiceAccountKey;
}

function decodeMaybeBase64(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64').toString('utf8');
    if (decoded.trimStart().startsWith('{')) return decoded;
  }
  return value;
}
