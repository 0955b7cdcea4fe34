/**
 * How rows become the bytes of one output object. A format turns batches of rows into bytes
 * pushed to a sink; the sink is the upload (or a compressor in front of it).
 */
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';
import type { Schema } from 'apache-arrow';
import type { Row } from '../driver.js';

/** Where an object's bytes go, in order. `end` completes the object's content. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

export interface SegmentWriter {
  writeRows(rows: readonly Row[]): Promise<void>;
  /** Rows the format's `rowEncoder` produced, under the same schema. */
  writeEncoded?(bytes: Uint8Array): Promise<void>;
  /** Rows given positionally: `values[i][j]` is field `fieldNames[j]` of row i. */
  writeValues?(fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Promise<void>;
  /** Writes what remains (trailers, compressor state) and ends the sink. */
  close(): Promise<void>;
}

export interface SegmentFormat {
  /** File extension without a leading dot, e.g. `csv.gz`. */
  readonly extension: string;
  open(schema: Schema, sink: ByteSink): SegmentWriter;
  /**
   * Rows in the format's own bytes as they are added, for formats whose rows concatenate (CSV
   * lines, not Parquet pages); the driver then spools these bytes instead of the values.
   * `expectedRows` only sizes the first buffer.
   */
  rowEncoder?(schema: Schema, fieldNames: readonly string[], expectedRows?: number): RowEncoder;
}

/** Rows turned into a format's bytes as they are added. */
export interface RowEncoder {
  add(row: readonly unknown[]): void;
  readonly rowCount: number;
  /** The bytes of every row added; the encoder is done with afterwards. */
  bytes(): Uint8Array;
}

/** Compresses everything written into one gzip stream before it reaches `inner`. */
export class GzipSink implements ByteSink {
  private readonly gzip: Gzip;
  /** Compressed chunks are handed on one at a time, in the order zlib produced them. */
  private forwarding: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly inner: ByteSink,
    level: number,
  ) {
    this.gzip = createGzip({ level: level < 0 ? zlibConstants.Z_DEFAULT_COMPRESSION : level });
    this.gzip.on('data', (chunk: Buffer) => {
      this.forwarding = this.forwarding.then(() => (this.failure === null ? this.inner.write(chunk) : undefined));
      this.forwarding.catch((err: unknown) => {
        this.failure ??= err;
      });
    });
    this.gzip.on('error', (err) => {
      this.failure ??= err;
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      this.gzip.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
    // Keep the uploader's pace: do not let compressed output pile up in memory.
    await this.forwarding.catch(() => undefined);
    this.throwIfFailed();
  }

  async end(): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      this.gzip.once('error', reject);
      this.gzip.once('end', resolve);
      this.gzip.end();
      this.gzip.resume();
    });
    await this.forwarding.catch(() => undefined);
    this.throwIfFailed();
    await this.inner.end();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }
}
