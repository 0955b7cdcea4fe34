import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../../monitoring/logger.js';
import type { Timers } from '../../queue/timers.js';
import type { Settings } from '../../settings/types.js';
import { DeliveryLedger } from '../../spools/delivery-ledger.js';
import { recallSpooledFrames } from '../../spools/recall.js';
import { OfficialBigQueryApi, type BigQueryApi } from './bigquery-api.js';
import { BigQueryDriver } from './bigquery-driver.js';
import { bigQueryConfigFromSettings } from './config.js';
import { loadFrameBatchId } from './load-frames.js';
import { LoadJobWriter } from './load-job-writer.js';
import type { BigQueryRowWriter } from './row-writer.js';
import { StreamingWriter } from './streaming-writer.js';

export { Backoff, sleep, type BackoffOptions } from './backoff.js';
export {
  OfficialBigQueryApi,
  type BigQueryApi,
  type InsertAllRow,
  type JobState,
  type OfficialClientOptions,
  type RowInsertErrors,
  type ServiceAccountKey,
  type TableDefinition,
  type TableResource,
} from './bigquery-api.js';
export { BigQueryConfigurationError, BigQueryDriver, type BigQueryDriverOptions, type BigQueryTableOptions } from './bigquery-driver.js';
export { BigQueryConfigError, bigQueryConfigFromSettings, serviceAccountKey, type BigQueryConfig, type BigQueryWriterType, type PartitionInterval } from './config.js';
export {
  BigQueryInsertError,
  BigQueryJobError,
  BigQueryTimeoutError,
  classify,
  isTransient,
  type BigQueryErrorDetail,
  type ClassifiedError,
} from './errors.js';
export { decodeLoadFrame, encodeLoadFrame, type LoadFrame } from './load-frames.js';
export { LOAD_JOB_MAX_BYTES, LOAD_MAX_FAILURES, LoadJobWriter, loadJobIdBase, type LoadJobWriterOptions } from './load-job-writer.js';
export { BigQueryValueError, RowJsonFormatter, rowJsonFormatter, type JsonValue } from './row-json.js';
export type { BigQueryRowWriter } from './row-writer.js';
export {
  arrowFieldOf,
  bigQueryFieldOf,
  bigQuerySchemaOf,
  BigQueryTypeComparer,
  bigQueryTypeComparer,
  UnknownBigQueryTypeError,
  type BigQueryField,
  type BigQueryFieldMode,
  type BigQueryFieldType,
} from './schema-mapping.js';
export { INSERT_MAX_BYTES, INSERT_MAX_ROWS, requestChunks, StreamingWriter, type StreamingWriterOptions } from './streaming-writer.js';

/** Where the load-job writer keeps its spool and its record of loaded batches. */
export function bigQueryWorkingPaths(spoolDirectory: string): { spoolDirectory: string; ledgerFile: string } {
  const base = join(spoolDirectory, 'warehouse', 'bigquery');
  return { spoolDirectory: join(base, 'loads'), ledgerFile: join(base, 'delivered-batches.log') };
}

export interface BigQueryDriverFromSettingsOptions {
  /** Test hook: another implementation of the REST calls. */
  api?: BigQueryApi;
  timers?: Timers;
  /** Test hook: faster retries and job polling. */
  retryInitialMs?: number;
  pollMs?: number;
}

/** Frames in the spool files (active or sealed, not quarantined) a load-job writer left behind. */
function spooledLoadFiles(directory: string): number {
  let count = 0;
  recallSpooledFrames(directory, () => {
    count++;
  });
  return count;
}

/** The driver `warehouse.driver: bigquery` configures. */
export async function createBigQueryDriver(settings: Settings, logger: Logger, options: BigQueryDriverFromSettingsOptions = {}): Promise<BigQueryDriver> {
  const config = bigQueryConfigFromSettings(settings);
  const api =
    options.api ??
    new OfficialBigQueryApi({
      projectId: config.projectId,
      dataset: config.dataset,
      credentials: config.credentials,
      ...(config.location === undefined ? {} : { location: config.location }),
      ...(config.apiEndpoint === undefined ? {} : { apiEndpoint: config.apiEndpoint }),
      requestTimeoutMs: config.queryTimeoutMs,
      // An upload carries up to a whole job of rows; give it more than a metadata call.
      uploadTimeoutMs: Math.max(config.queryTimeoutMs, 5 * 60 * 1000),
    });
  const qualify = (table: string): string => `${config.dataset}.${table}`;
  let writer: BigQueryRowWriter;
  if (config.writerType === 'streaming') {
    const leftover = spooledLoadFiles(bigQueryWorkingPaths(settings.storage.spoolDirectory).spoolDirectory);
    if (leftover > 0) {
      logger.warn('rows spooled by the load-job writer are waiting; only writer_type loadjob loads them', { frames: leftover });
    }
    writer = new StreamingWriter({
      api,
      writeTimeoutMs: config.queryTimeoutMs,
      logger,
      qualify,
      ...(options.retryInitialMs === undefined ? {} : { retryInitialMs: options.retryInitialMs }),
    });
  } else {
    const paths = bigQueryWorkingPaths(settings.storage.spoolDirectory);
    await mkdir(dirname(paths.ledgerFile), { recursive: true, mode: 0o750 });
    const ledger = DeliveryLedger.open(paths.ledgerFile);
    recallSpooledFrames(paths.spoolDirectory, (frame) => {
      const id = loadFrameBatchId(frame);
      if (id !== null) ledger.add(id);
    });
    writer = new LoadJobWriter({
      api,
      spoolDirectory: paths.spoolDirectory,
      loadIntervalMs: config.loadIntervalMs,
      ledger,
      logger,
      qualify,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
      ...(options.retryInitialMs === undefined ? {} : { retryInitialMs: options.retryInitialMs }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
  }
  logger.info('BigQuery warehouse ready', {
    project: config.projectId,
    dataset: config.dataset,
    writer: config.writerType,
    ...(config.location === undefined ? {} : { location: config.location }),
    ...(config.apiEndpoint === undefined ? {} : { endpoint: config.apiEndpoint }),
  });
  return new BigQueryDriver({
    api,
    dataset: config.dataset,
    writer,
    logger,
    tables: {
      partitionField: config.partitionField,
      partitionInterval: config.partitionInterval,
      partitionExpirationDays: config.partitionExpirationDays,
      clustering: config.clustering,
      tableCreationTimeoutMs: config.tableCreationTimeoutMs,
    },
  });
}
