import { dirname, join } from 'node:path';
import type { Logger } from '../../monitoring/logger.js';
import type { Timers } from '../../queue/timers.js';
import type { Settings } from '../../settings/types.js';
import { FileSpool } from '../../spools/file-spool.js';
import { DeliveryLedger } from '../../spools/delivery-ledger.js';
import { recallSpooledFrames } from '../../spools/recall.js';
import { rowsFrameBatchId } from './segment-frames.js';
import { CsvFormat } from './csv-format.js';
import { FilesDriver, type FilesSpoolFactory } from './files-driver.js';
import { FilesystemUploader } from './filesystem-uploader.js';
import { DEFAULT_PATH_TEMPLATE, PathTemplate } from './path-template.js';
import { FilesSchemaStore } from './schema-store.js';

export { CsvFormat, csvField, csvLine, csvRows, type CsvFormatOptions } from './csv-format.js';
export {
  FILES_DEFAULT_MAX_SEGMENT_AGE_MS,
  FILES_DEFAULT_MAX_SEGMENT_BYTES,
  FILES_MAX_FLUSH_FAILURES,
  FilesDriver,
  FilesSegmentError,
  parseSegmentKey,
  segmentIdOf,
  segmentKey,
  type FilesDriverOptions,
  type FilesSpoolFactory,
  type FilesSpoolSettings,
} from './files-driver.js';
export { FilesystemUploader, UPLOAD_TEMP_PREFIX, UPLOAD_TEMP_SUFFIX } from './filesystem-uploader.js';
export { InvalidObjectKeyError, type ObjectUpload, type ObjectUploader } from './object-uploader.js';
export { DEFAULT_PATH_TEMPLATE, PathTemplate, PathTemplateError, segmentPathValues, type SegmentPathValues } from './path-template.js';
export { escapeTableName, schemaFingerprint } from './schema-fingerprint.js';
export { FilesSchemaStore, SchemaStoreError } from './schema-store.js';
export { GzipSink, type ByteSink, type SegmentFormat, type SegmentWriter } from './segment-format.js';

/** A configuration the files driver cannot run with; the message names the key. */
export class FilesConfigError extends Error {
  override readonly name = 'FilesConfigError';
}

/** Where the files driver keeps its working state under `storage.spool_directory`. */
export function filesWorkingPaths(spoolDirectory: string): { spoolDirectory: string; metadataFile: string } {
  const base = join(spoolDirectory, 'warehouse', 'files');
  return { spoolDirectory: join(base, 'spool'), metadataFile: join(base, 'metadata.json') };
}

/**
 * The files driver's record of stored batches: ids delivered in earlier runs (from its log)
 * and ids still in its spool, so a batch re-sent after a crash is recognised.
 */
export function openFilesDeliveryLedger(paths: { spoolDirectory: string; metadataFile: string }): DeliveryLedger {
  const ledger = DeliveryLedger.open(join(dirname(paths.metadataFile), 'delivered-batches.log'));
  recallSpooledFrames(paths.spoolDirectory, (frame) => {
    const id = rowsFrameBatchId(frame);
    if (id !== null) ledger.add(id);
  });
  return ledger;
}

/** The spool the files driver runs on in production: a `FileSpool` in `directory`. */
export function fileSpoolFactory(directory: string, logger: Logger, timers?: Timers): FilesSpoolFactory {
  return (settings) => new FileSpool({ directory, logger, ...(timers === undefined ? {} : { timers }), ...settings });
}

function key(settings: Settings, name: string): unknown {
  return settings.keys.get(name);
}

function stringKey(settings: Settings, name: string, fallback: string): string {
  const value = key(settings, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new FilesConfigError(`${name} must be a string`);
  return value;
}

function numberKey(settings: Settings, name: string, fallback: number): number {
  const value = key(settings, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FilesConfigError(`${name} must be a number`);
  return value;
}

export interface FilesDriverFromSettingsOptions {
  /** Test hook: the clock and timers of the spool's flush cycle. */
  timers?: Timers;
}

/**
 * The files driver as `warehouse.driver: files` configures it. Only local-folder storage and
 * CSV exist so far; S3, GCS and Parquet are refused with a message saying so.
 */
export async function createFilesDriver(settings: Settings, logger: Logger, options: FilesDriverFromSettingsOptions = {}): Promise<FilesDriver> {
  if (!settings.storage.spoolEnabled) {
    throw new FilesConfigError('warehouse.driver files needs storage.spool_enabled: true (it writes through the disk spool)');
  }
  const storage = stringKey(settings, 'warehouse.files.storage', '').toLowerCase();
  if (storage === '') throw new FilesConfigError('warehouse.files.storage is required for the files driver (filesystem, s3 or gcs)');
  if (storage === 's3' || storage === 'gcs') {
    throw new FilesConfigError(`warehouse.files.storage ${storage} is not available yet in Cairn; use filesystem`);
  }
  if (storage !== 'filesystem') throw new FilesConfigError(`warehouse.files.storage ${JSON.stringify(storage)} is not one of filesystem, s3, gcs`);
  const format = stringKey(settings, 'warehouse.files.format', 'csv').toLowerCase();
  if (format === 'parquet') throw new FilesConfigError('warehouse.files.format parquet is not available yet in Cairn; use csv');
  if (format !== 'csv') throw new FilesConfigError(`warehouse.files.format ${JSON.stringify(format)} is not one of csv, parquet`);
  const compression = stringKey(settings, 'warehouse.files.compression', '').toLowerCase();
  if (compression !== '' && compression !== 'gzip') {
    throw new FilesConfigError(`warehouse.files.compression ${JSON.stringify(compression)} is not supported for csv (use gzip or leave it empty)`);
  }
  const level = numberKey(settings, 'warehouse.files.compression_level', -1);
  if (!Number.isInteger(level) || level < -1 || level > 9) throw new FilesConfigError('warehouse.files.compression_level must be an integer from -1 to 9');
  const root = stringKey(settings, 'warehouse.files.filesystem.path', '');
  if (root.trim() === '') throw new FilesConfigError('warehouse.files.filesystem.path is required when warehouse.files.storage is filesystem');
  const maxSegmentBytes = numberKey(settings, 'warehouse.files.max_segment_size', 1024 * 1024 * 1024);
  if (!(maxSegmentBytes > 0)) throw new FilesConfigError('warehouse.files.max_segment_size must be positive');
  const maxSegmentAgeMs = numberKey(settings, 'warehouse.files.max_segment_age', 60 * 60 * 1000);
  if (!(maxSegmentAgeMs > 0)) throw new FilesConfigError('warehouse.files.max_segment_age must be positive');
  const pathTemplate = stringKey(settings, 'warehouse.files.path_template', DEFAULT_PATH_TEMPLATE);
  PathTemplate.parse(pathTemplate); // fails start-up with the template's own message
  const prefix = stringKey(settings, 'warehouse.files.prefix', '');

  const paths = filesWorkingPaths(settings.storage.spoolDirectory);
  const uploader = new FilesystemUploader(root);
  await uploader.prepare();
  const store = await FilesSchemaStore.open(paths.metadataFile);
  const ledger = openFilesDeliveryLedger(paths);
  logger.info('files warehouse ready', { destination: uploader.describe(), spool: paths.spoolDirectory, format: compression === 'gzip' ? 'csv.gz' : 'csv' });
  return new FilesDriver({
    store,
    spoolFactory: fileSpoolFactory(paths.spoolDirectory, logger, options.timers),
    ledger,
    uploader,
    format: new CsvFormat({ compression: compression === 'gzip' ? 'gzip' : 'none', compressionLevel: level }),
    pathTemplate,
    prefix,
    maxSegmentBytes,
    maxSegmentAgeMs,
    logger,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
}
