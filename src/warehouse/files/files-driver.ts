/**
 * The files warehouse: rows are spooled on the local disk and, at each flush, every sealed
 * spool file becomes one output object (a CSV or Parquet file) under the destination.
 *
 * Write path: `write` records the schema under its fingerprint (once), then appends the rows as
 * one frame to the spool key `<table>/<fingerprint>`. Nothing is uploaded synchronously, so a
 * crash after `write` resolves loses nothing; the next run flushes what the spool holds.
 *
 * Flush path (the spool's handler): one sealed file → one object. Its name is derived from the
 * file's first frame (spool time and a hash of the frame bytes), so a file that was uploaded
 * but not yet deleted when the process died is uploaded again under the same name and
 * replaces the earlier copy instead of duplicating it.
 *
 * Sealing: the spool seals a key's file when it reaches `maxSegmentBytes`, and seals and flushes
 * everything every `maxSegmentAgeMs` and on `close`. After three failed flushes of one key its
 * files are quarantined (`*.quarantine` in the spool folder) and never retried automatically.
 */
import { createHash } from 'node:crypto';
import type { Field, Schema } from 'apache-arrow';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { Timers } from '../../queue/timers.js';
import type { NextBatch, Spool, SpoolFlushHandler, SpoolPayload } from '../../spools/spool.js';
import type { Driver, Row, RowBatch, WriteOptions } from '../driver.js';
import { ColumnAlreadyExistsError, TableAlreadyExistsError, TableNotFoundError } from '../errors.js';
import { findMissingColumns, type TypeComparer } from '../schema-diff.js';
import type { ObjectUploader } from './object-uploader.js';
import { DEFAULT_PATH_TEMPLATE, PathTemplate, segmentPathValues } from './path-template.js';
import { escapeTableName, schemaFingerprint } from './schema-fingerprint.js';
import { FilesSchemaStore } from './schema-store.js';
import type { RowEncoder, SegmentFormat } from './segment-format.js';
import { CollectedRowStream, type RowStream } from '../row-stream.js';
import { decodeRowsFrame, encodeEncodedFrame, encodeValuesFrame, frameRows } from './segment-frames.js';
import { DeliveryLedger } from '../../spools/delivery-ledger.js';

/** Settings the spool of the files driver must be made with. */
export interface FilesSpoolSettings {
  handler: SpoolFlushHandler;
  /** Seal a key's file once it holds this many bytes. */
  maxActiveSize: number;
  /** Seal and flush everything this often. */
  flushIntervalMs: number;
  maxFailures: number;
  failureStrategy: 'quarantine';
  flushOnClose: true;
}

/** Builds the spool; the driver supplies its flush handler and the sealing settings. */
export type FilesSpoolFactory = (settings: FilesSpoolSettings) => Spool;

/** Consecutive failures of one spool key before its files are quarantined. */
export const FILES_MAX_FLUSH_FAILURES = 3;

export interface FilesDriverOptions {
  /** The catalogue of table and segment schemas (`<spool dir>/warehouse/files/metadata.json`). */
  store: FilesSchemaStore;
  spoolFactory: FilesSpoolFactory;
  uploader: ObjectUploader;
  format: SegmentFormat;
  /** Go-template-style object key pattern; the d8a default when absent. */
  pathTemplate?: string;
  /** Put literally before every object key (end it with `/` for a folder). */
  prefix?: string;
  /** Bytes at which a spool file is sealed; 1 GiB by default. */
  maxSegmentBytes?: number;
  /** Interval of seal-and-flush cycles; 1 h by default. */
  maxSegmentAgeMs?: number;
  comparer?: TypeComparer;
  /**
   * Batch ids already spooled or uploaded: a write whose batch id is known is a retry of one
   * already stored (the session spool re-delivers after a crash) and is skipped.
   */
  ledger?: DeliveryLedger;
  logger?: Logger;
  /** Clock for the spool times recorded in frames (and so for object dates). */
  timers?: Pick<Timers, 'now'>;
}

export const FILES_DEFAULT_MAX_SEGMENT_BYTES = 1024 * 1024 * 1024;
export const FILES_DEFAULT_MAX_SEGMENT_AGE_MS = 60 * 60 * 1000;

export class FilesSegmentError extends Error {
  override readonly name = 'FilesSegmentError';
}

export class FilesDriver implements Driver {
  private readonly store: FilesSchemaStore;
  private readonly spool: Spool;
  private readonly uploader: ObjectUploader;
  private readonly ledger: DeliveryLedger;
  private readonly format: SegmentFormat;
  private readonly template: PathTemplate;
  private readonly prefix: string;
  private readonly comparer: TypeComparer | undefined;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Fingerprints whose schema is being or has been recorded; appends wait for the record. */
  private readonly recordedSchemas = new Map<string, Promise<void>>();
  private closing: Promise<void> | null = null;

  constructor(options: FilesDriverOptions) {
    this.store = options.store;
    this.uploader = options.uploader;
    this.ledger = options.ledger ?? DeliveryLedger.inMemory();
    this.format = options.format;
    this.template = PathTemplate.parse(options.pathTemplate ?? DEFAULT_PATH_TEMPLATE);
    this.prefix = options.prefix ?? '';
    this.comparer = options.comparer;
    this.logger = options.logger ?? silentLogger;
    const clock = options.timers;
    this.now = clock === undefined ? () => Date.now() : () => clock.now();
    if (!this.template.variables.includes('SegmentID')) {
      this.logger.warn('warehouse.files.path_template has no {{.SegmentID}}; segments of one table and day overwrite each other', {
        template: this.template.source,
      });
    }
    this.spool = options.spoolFactory({
      handler: (key, next) => this.flushSegment(key, next),
      maxActiveSize: options.maxSegmentBytes ?? FILES_DEFAULT_MAX_SEGMENT_BYTES,
      flushIntervalMs: options.maxSegmentAgeMs ?? FILES_DEFAULT_MAX_SEGMENT_AGE_MS,
      maxFailures: FILES_MAX_FLUSH_FAILURES,
      failureStrategy: 'quarantine',
      flushOnClose: true,
    });
  }

  // ---- schema, kept in the driver's catalogue -------------------------------------------------

  async createTable(table: string, schema: Schema): Promise<void> {
    if (this.store.tableSchema(table) !== undefined) throw new TableAlreadyExistsError(table);
    await this.store.setTableSchema(table, schema);
  }

  async addColumn(table: string, field: Field): Promise<void> {
    const schema = this.store.tableSchema(table);
    if (schema === undefined) throw new TableNotFoundError(table);
    if (schema.fields.some((f) => f.name === field.name)) throw new ColumnAlreadyExistsError(table, field.name);
    await this.store.setTableSchema(table, schema.assign(field));
  }

  async missingColumns(table: string, schema: Schema): Promise<Field[]> {
    const existing = this.store.tableSchema(table);
    if (existing === undefined) throw new TableNotFoundError(table);
    return findMissingColumns(table, new Map(existing.fields.map((f) => [f.name, f])), schema, this.comparer);
  }

  // ---- rows -----------------------------------------------------------------------------------

  write(table: string, schema: Schema, rows: Row[], options: WriteOptions = {}): Promise<void> {
    const fieldNames = schema.fields.map((f) => f.name);
    return this.writeBatch(table, schema, { fieldNames, values: rows.map((r) => fieldNames.map((n) => (Object.hasOwn(r, n) ? (r[n] ?? null) : null))) }, options);
  }

  async writeBatch(table: string, schema: Schema, batch: RowBatch, options: WriteOptions = {}): Promise<void> {
    if (batch.values.length === 0) return;
    await this.spoolFrame(table, schema, options, (spooledAt, batchId) => {
      const encoder = this.format.rowEncoder?.(schema, batch.fieldNames, batch.values.length);
      if (encoder === undefined) return encodeValuesFrame(batch, spooledAt, batchId);
      for (const row of batch.values) encoder.add(row);
      return encodeEncodedFrame(encoder.bytes(), encoder.rowCount, spooledAt, batchId);
    });
  }

  /** Rows encoded by the format as they come, when it can (CSV); otherwise collected for `writeBatch`. */
  openRows(table: string, schema: Schema, fieldNames: readonly string[]): RowStream {
    const encoder = this.format.rowEncoder?.(schema, fieldNames);
    if (encoder === undefined) return new CollectedRowStream(this, table, schema, fieldNames);
    return new EncodedRowStream(encoder, (options) =>
      this.spoolFrame(table, schema, options, (spooledAt, batchId) => encodeEncodedFrame(encoder.bytes(), encoder.rowCount, spooledAt, batchId)),
    );
  }

  /** Appends one write's frame to its table's spool, unless the ledger knows its batch id. */
  private async spoolFrame(
    table: string,
    schema: Schema,
    options: WriteOptions,
    frame: (spooledAt: number, batchId: string | null) => SpoolPayload,
  ): Promise<void> {
    const batchId = options.batchId ?? null;
    if (batchId !== null && this.ledger.has(batchId)) {
      this.logger.debug('rows of this batch are already stored; skipping the retry', { table, batch_id: batchId });
      return;
    }
    const fingerprint = schemaFingerprint(schema);
    await this.recordSchema(fingerprint, table, schema);
    await this.spool.append(segmentKey(table, fingerprint), frame(this.now(), batchId));
    if (batchId !== null) this.ledger.add(batchId);
  }

  /** Seals and uploads everything spooled so far; rejects if any segment failed (it is retried later). */
  flush(): Promise<void> {
    return this.spool.flush();
  }

  /** Seals and uploads the last segments, then releases the catalogue. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    let failure: unknown = null;
    try {
      await this.spool.close();
    } catch (err) {
      failure = err;
    }
    await this.store.close();
    this.ledger.close();
    if (failure !== null) throw failure;
  }

  private recordSchema(fingerprint: string, table: string, schema: Schema): Promise<void> {
    let recorded = this.recordedSchemas.get(fingerprint);
    if (recorded === undefined) {
      recorded = this.store.rememberSegmentSchema(fingerprint, table, schema);
      this.recordedSchemas.set(fingerprint, recorded);
      // A failed save must be retried by the next write, not remembered as done.
      recorded.catch(() => this.recordedSchemas.delete(fingerprint));
    }
    return recorded;
  }

  // ---- one sealed spool file → one object -----------------------------------------------------

  private async flushSegment(key: string, next: NextBatch): Promise<void> {
    const { table, fingerprint } = parseSegmentKey(key);
    const stored = this.store.segmentSchema(fingerprint);
    if (stored === undefined) throw new FilesSegmentError(`no schema is recorded for fingerprint ${fingerprint} (spool key ${key})`);
    let batch = await next();
    const firstBytes = batch?.[0];
    if (batch === null || firstBytes === undefined) return;
    const first = decodeRowsFrame(firstBytes);
    const segmentId = segmentIdOf(firstBytes, first.spooledAt);
    const objectKey =
      this.prefix +
      this.template.render(
        segmentPathValues({ table, schema: fingerprint, segmentId, extension: this.format.extension }, new Date(first.spooledAt)),
      );
    const upload = await this.uploader.begin(objectKey);
    let rowCount = 0;
    const batchIds: string[] = [];
    try {
      const writer = this.format.open(stored.schema, upload);
      while (batch !== null) {
        for (const frame of batch) {
          const decoded = frame === firstBytes ? first : decodeRowsFrame(frame);
          if (decoded.batchId !== null) batchIds.push(decoded.batchId);
          if (decoded.encoded !== undefined) {
            // Spooled by a driver whose format encodes rows itself; another format cannot read them.
            if (writer.writeEncoded === undefined) throw new FilesSegmentError(`spool key ${key} holds rows encoded for another file format`);
            await writer.writeEncoded(decoded.encoded.bytes);
            rowCount += decoded.encoded.rowCount;
            continue;
          }
          if (writer.writeValues !== undefined) await writer.writeValues(decoded.fieldNames, decoded.values);
          else await writer.writeRows(frameRows(decoded));
          rowCount += decoded.values.length;
        }
        batch = await next();
      }
      await writer.close();
      await upload.commit();
      // Before the spool deletes the file that proves these batches were stored, say so durably.
      this.ledger.recordDelivered(batchIds);
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    this.logger.info('uploaded warehouse segment', { table, object: objectKey, rows: rowCount, destination: this.uploader.describe() });
  }
}

/** Spool key of a table's rows under one schema. */
export function segmentKey(table: string, fingerprint: string): string {
  return `${escapeTableName(table)}/${fingerprint}`;
}

/**
 * Table and fingerprint of a spool key. Also accepts the `<table>_<fingerprint>` form d8a's
 * spool produced from the same key, should files from it ever be fed in.
 */
export function parseSegmentKey(key: string): { table: string; fingerprint: string } {
  const slash = key.lastIndexOf('/');
  const cut = slash >= 0 ? slash : key.lastIndexOf('_');
  const table = key.slice(0, Math.max(cut, 0));
  const fingerprint = key.slice(cut + 1);
  if (cut <= 0 || !/^[0-9a-f]{16}$/.test(fingerprint)) {
    throw new FilesSegmentError(`spool key ${JSON.stringify(key)} is not <table>/<schema fingerprint>`);
  }
  return { table, fingerprint };
}

/** `<unix seconds of the first frame>_<20 hex digits of its hash>`: stable for one sealed file. */
export function segmentIdOf(firstFrame: Uint8Array, spooledAt: number): string {
  const hash = createHash('sha256').update(firstFrame).digest('hex').slice(0, 20);
  return `${Math.floor(spooledAt / 1000)}_${hash}`;
}

/** A write whose rows the format encodes as they are added; an empty one writes nothing. */
class EncodedRowStream implements RowStream {
  private ended = false;

  constructor(
    private readonly encoder: RowEncoder,
    private readonly spool: (options: WriteOptions) => Promise<void>,
  ) {}

  get rowCount(): number {
    return this.encoder.rowCount;
  }

  add(row: readonly unknown[]): void {
    if (this.ended) throw new Error('rows added to a write that has ended');
    this.encoder.add(row);
  }

  end(options: WriteOptions = {}): Promise<void> {
    if (this.ended) return Promise.reject(new Error('a write ended twice'));
    this.ended = true;
    return this.encoder.rowCount === 0 ? Promise.resolve() : this.spool(options);
  }
}
