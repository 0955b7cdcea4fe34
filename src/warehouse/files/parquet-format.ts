/**
 * Parquet segments, written by `parquet-wasm` (the Apache Arrow Rust Parquet writer compiled to
 * WebAssembly). Rows are gathered into Arrow record batches here and streamed through the
 * writer, whose output goes to the sink as each row group is finished, so a segment never has
 * to fit in memory whole.
 *
 * Layout: one Parquet column per schema field, in schema order; lists are Parquet LISTs and the
 * struct elements of `params` / `ecommerce_items` are groups of their fields. Timestamps are
 * stored as TIMESTAMP(MILLIS, UTC) and dates as DATE, as the reference does.
 */
import { createRequire } from 'node:module';
import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { RecordBatch as ArrowRecordBatch, Table as ArrowTable, tableToIPC, type Schema } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm/node';
import type { Row } from '../driver.js';
import { ParquetBatchBuilder } from './parquet-batch.js';
import { planParquetColumns, type ParquetColumn } from './parquet-schema.js';
import type { ByteSink, SegmentFormat, SegmentWriter } from './segment-format.js';

export type ParquetCompression = 'none' | 'snappy' | 'gzip' | 'zstd';

export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['none', 'snappy', 'gzip', 'zstd'];

export interface ParquetFormatOptions {
  compression?: ParquetCompression;
  /** Rows per Arrow batch handed to the writer (memory held on the JavaScript side). */
  batchRows?: number;
  /** Rows per Parquet row group (memory held inside the writer). */
  rowGroupRows?: number;
}

const DEFAULT_BATCH_ROWS = 8192;
const DEFAULT_ROW_GROUP_ROWS = 131_072;

type ParquetWasmModule = typeof ParquetWasm;
let wasmModule: ParquetWasmModule | null = null;

/** The WebAssembly writer, compiled on first use so that deployments writing CSV never load it. */
function parquetWasm(): ParquetWasmModule {
  wasmModule ??= createRequire(import.meta.url)('parquet-wasm/node') as ParquetWasmModule;
  return wasmModule;
}

export class ParquetFormat implements SegmentFormat {
  readonly extension = 'parquet';
  readonly compression: ParquetCompression;
  private readonly batchRows: number;
  private readonly rowGroupRows: number;

  constructor(options: ParquetFormatOptions = {}) {
    this.compression = options.compression ?? 'none';
    this.batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);
    this.rowGroupRows = Math.max(1, options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS);
  }

  /** Fails with `UnsupportedMappingError` when a column has no Parquet layout. */
  checkSchema(schema: Schema): void {
    planParquetColumns(schema.fields);
  }

  open(schema: Schema, sink: ByteSink): SegmentWriter {
    return new ParquetSegmentWriter(planParquetColumns(schema.fields), sink, this.writerProperties(), this.batchRows);
  }

  private writerProperties(): ParquetWasm.WriterProperties {
    const wasm = parquetWasm();
    const codec = {
      none: wasm.Compression.UNCOMPRESSED,
      snappy: wasm.Compression.SNAPPY,
      gzip: wasm.Compression.GZIP,
      zstd: wasm.Compression.ZSTD,
    }[this.compression];
    return new wasm.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(this.rowGroupRows).setCreatedBy('cairn').build();
  }
}

/**
 * One Parquet file in the making. Batches go into the writer's input stream; a pump copies the
 * writer's output to the sink meanwhile. The input stream takes one batch at a time, so a
 * slow sink holds back the rows, not memory.
 */
class ParquetSegmentWriter implements SegmentWriter {
  private readonly builder: ParquetBatchBuilder;
  private input: ReadableStreamDefaultController<ParquetWasm.RecordBatch> | null = null;
  /** Batches the writer has asked for and not yet received. */
  private demand = 0;
  /** Wakes a `send` waiting for demand (or for news of a failure). */
  private wake: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private failure: unknown = null;
  private batchesSent = 0;
  private closed = false;

  constructor(
    private readonly columns: readonly ParquetColumn[],
    private readonly sink: ByteSink,
    private readonly properties: ParquetWasm.WriterProperties,
    private readonly batchRows: number,
  ) {
    this.builder = new ParquetBatchBuilder(columns);
  }

  async writeValues(fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Promise<void> {
    const index = new Map(fieldNames.map((n, i) => [n, i]));
    const at = this.columns.map((c) => index.get(c.name));
    for (const row of values) {
      this.builder.addPositional(row, at);
      if (this.builder.length >= this.batchRows) await this.send();
    }
  }

  async writeRows(rows: readonly Row[]): Promise<void> {
    const names = this.columns.map((c) => c.name);
    await this.writeValues(
      names,
      rows.map((r) => names.map((n) => (Object.hasOwn(r, n) ? r[n] : undefined))),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A segment without rows still carries its schema, so it is a readable, empty table.
    if (this.builder.length > 0 || this.batchesSent === 0) await this.send();
    this.input?.close();
    await this.pump;
    this.throwIfFailed();
    await this.sink.end();
  }

  private async send(): Promise<void> {
    this.throwIfFailed();
    const batch = toWasmBatch(this.builder.take());
    if (this.pump === null) this.start();
    while (this.demand === 0 && this.failure === null) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    this.throwIfFailed();
    this.demand--;
    this.input?.enqueue(batch);
    this.batchesSent++;
  }

  /** Starts the writer; it reads the first batch (for the schema) before it yields any output. */
  private start(): void {
    const wasm = parquetWasm();
    const batches = new ReadableStream<ParquetWasm.RecordBatch>(
      {
        start: (controller) => {
          this.input = controller;
        },
        pull: () => {
          this.demand++;
          this.wakeSender();
        },
      },
      { highWaterMark: 0 },
    );
    // parquet-wasm declares the DOM stream type; Node's web stream is the same object at runtime.
    const output = wasm.transformParquetStream(batches as never, this.properties) as unknown as Promise<ReadableStream<Uint8Array>>;
    this.pump = this.copy(output);
  }

  private async copy(started: Promise<ReadableStream<Uint8Array>>): Promise<void> {
    try {
      for await (const chunk of await started) await this.sink.write(chunk);
    } catch (err) {
      this.failure ??= err;
      // Whoever waits for the writer to take a batch must hear of the failure.
      this.wakeSender();
    }
  }

  private wakeSender(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }
}

function toWasmBatch(batch: ArrowRecordBatch): ParquetWasm.RecordBatch {
  const wasm = parquetWasm();
  const table = wasm.Table.fromIPCStream(tableToIPC(new ArrowTable([batch]), 'stream'));
  try {
    const [only] = table.recordBatches();
    if (only === undefined) throw new Error('the Arrow stream of one batch decoded to no batch');
    return only;
  } finally {
    table.free();
  }
}
