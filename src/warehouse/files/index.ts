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
import type { ObjectUploader } from './object-uploader.js';
import { objectStorageTarget } from './object-storage-settings.js';
import { PARQUET_COMPRESSIONS, ParquetFormat, type ParquetCompression } from './parquet-format.js';
import { S3Uploader } from './s3-uploader.js';
import type { SegmentFormat } from './segment-format.js';
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
export { GCS_XML_API_ENDPOINT, objectStorageTarget, ObjectStorageSettingsError, type ObjectStorageTarget } from './object-storage-settings.js';
export { PARQUET_COMPRESSIONS, ParquetFormat, type ParquetCompression, type ParquetFormatOptions } from './parquet-format.js';
export { ParquetValueError, planParquetColumns, type ParquetColumn } from './parquet-schema.js';
export { S3_DEFAULT_PART_BYTES, S3_MIN_PART_BYTES, S3Uploader, type S3UploaderOptions } from './s3-uploader.js';

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

/** The object format of `warehouse.files.format` / `compression` / `compression_level`. */
export function segmentFormatFromSettings(settings: Settings, logger: Logger): SegmentFormat {
  const format = stringKey(settings, 'warehouse.files.format', 'csv').toLowerCase();
  const compression = stringKey(settings, 'warehouse.files.compression', '').toLowerCase();
  const level = numberKey(settings, 'warehouse.files.compression_level', -1);
  if (!Number.isInteger(level) || level < -1 || level > 9) throw new FilesConfigError('warehouse.files.compression_level must be an integer from -1 to 9');
  if (format === 'csv') {
    if (compression !== '' && compression !== 'gzip') {
      throw new FilesConfigError(`warehouse.files.compression ${JSON.stringify(compression)} is not supported for csv (use gzip or leave it empty)`);
    }
    return new CsvFormat({ compression: compression === 'gzip' ? 'gzip' : 'none', compressionLevel: level });
  }
  if (format === 'parquet') {
    const codec = compression === '' ? 'none' : compression;
    if (!isParquetCompression(codec) || (codec === 'none' && compression !== '')) {
      throw new FilesConfigError(`warehouse.files.compression ${JSON.stringify(compression)} is not supported for parquet (use snappy, gzip, zstd or leave it empty)`);
    }
    if (codec === 'gzip' && level !== -1) {
      logger.warn('warehouse.files.compression_level does not apply to parquet; its gzip pages use the writer\'s default level (6)', { level });
    }
    return new ParquetFormat({ compression: codec });
  }
  throw new FilesConfigError(`warehouse.files.format ${JSON.stringify(format)} is not one of csv, parquet`);
}

function isParquetCompression(value: string): value is ParquetCompression {
  return (PARQUET_COMPRESSIONS as readonly string[]).includes(value);
}

/**
 * Where segments go (`warehouse.files.storage`): a local folder, or a bucket on S3 or GCS.
 * The destination is checked (folder created, bucket reached or created) before returning.
 */
export async function objectUploaderFromSettings(settings: Settings, logger: Logger): Promise<ObjectUploader> {
  const storage = stringKey(settings, 'warehouse.files.storage', '').toLowerCase();
  if (storage === '') throw new FilesConfigError('warehouse.files.storage is required for the files driver (filesystem, s3 or gcs)');
  if (storage === 's3' || storage === 'gcs') {
    let target;
    try {
      target = objectStorageTarget(storage, (name) => key(settings, name));
    } catch (err) {
      throw new FilesConfigError((err as Error).message);
    }
    const uploader = new S3Uploader({ client: target.client, bucket: target.bucket, description: target.description });
    const unreachable = await uploader.prepare(target.createBucket).catch((err: unknown) => {
      throw new FilesConfigError((err as Error).message);
    });
    if (unreachable !== null) {
      logger.warn('object storage is not reachable yet; segments stay in the spool until it is', { destination: target.description, error: unreachable.message });
    }
    return uploader;
  }
  if (storage !== 'filesystem') throw new FilesConfigError(`warehouse.files.storage ${JSON.stringify(storage)} is not one of filesystem, s3, gcs`);
  const root = stringKey(settings, 'warehouse.files.filesystem.path', '');
  if (root.trim() === '') throw new FilesConfigError('warehouse.files.filesystem.path is required when warehouse.files.storage is filesystem');
  const uploader = new FilesystemUploader(root);
  await uploader.prepare();
  return uploader;
}

/** The files driver as `warehouse.driver: files` configures it. */
export async function createFilesDriver(settings: Settings, logger: Logger, options: FilesDriverFromSettingsOptions = {}): Promise<FilesDriver> {
  if (!settings.storage.spoolEnabled) {
    throw new FilesConfigError('warehouse.driver files needs storage.spool_enabled: true (it writes through the disk spool)');
  }
  const storage = stringKey(settings, 'warehouse.files.storage', '').toLowerCase();
  if (storage === '') throw new FilesConfigError('warehouse.files.storage is required for the files driver (filesystem, s3 or gcs)');
  if (storage !== 'filesystem' && storage !== 's3' && storage !== 'gcs') {
    throw new FilesConfigError(`warehouse.files.storage ${JSON.stringify(storage)} is not one of filesystem, s3, gcs`);
  }
  const format = segmentFormatFromSettings(settings, logger);
  const maxSegmentBytes = numberKey(settings, 'warehouse.files.max_segment_size', 1024 * 1024 * 1024);
  if (!(maxSegmentBytes > 0)) throw new FilesConfigError('warehouse.files.max_segment_size must be positive');
  const maxSegmentAgeMs = numberKey(settings, 'warehouse.files.max_segment_age', 60 * 60 * 1000);
  if (!(maxSegmentAgeMs > 0)) throw new FilesConfigError('warehouse.files.max_segment_age must be positive');
  const pathTemplate = stringKey(settings, 'warehouse.files.path_template', DEFAULT_PATH_TEMPLATE);
  PathTemplate.parse(pathTemplate); // fails start-up with the template's own message
  const prefix = stringKey(settings, 'warehouse.files.prefix', '');
  const uploader = await objectUploaderFromSettings(settings, logger);

  const paths = filesWorkingPaths(settings.storage.spoolDirectory);
  const store = await FilesSchemaStore.open(paths.metadataFile);
  const ledger = openFilesDeliveryLedger(paths);
  logger.info('files warehouse ready', { destination: uploader.describe(), spool: paths.spoolDirectory, format: format.extension });
  return new FilesDriver({
    store,
    spoolFactory: fileSpoolFactory(paths.spoolDirectory, logger, options.timers),
    ledger,
    uploader,
    format,
    pathTemplate,
    prefix,
    maxSegmentBytes,
    maxSegmentAgeMs,
    logger,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
}
