/**
 * CSV segments: a header of the schema's field names in schema order, then one line per row.
 * Cells follow d8a's CSV writer: NULL and missing values are empty, nested values are Go-style
 * JSON, and quoting follows RFC 4180 the way Go's `encoding/csv` applies it.
 */
import type { Schema } from 'apache-arrow';
import type { Row } from '../driver.js';
import { CsvRowEncoder, csvValueBytes } from './csv-bytes.js';
import { csvField } from './csv-field.js';
import { GzipSink, type ByteSink, type RowEncoder, type SegmentFormat, type SegmentWriter } from './segment-format.js';

export { csvField };

/** One line (with its `\n`) for the given cell texts; null stands for NULL. */
export function csvLine(cells: readonly (string | null)[]): string {
  return cells.map((cell) => (cell === null ? '' : csvField(cell))).join(',') + '\n';
}

/** The text of a whole CSV file's body for `rows` under `schema` (no header). */
export function csvRows(schema: Schema, rows: readonly Row[]): string {
  const names = schema.fields.map((f) => f.name);
  return csvValueBytes(
    schema,
    names,
    rows.map((row) => names.map((n) => (Object.hasOwn(row, n) ? row[n] : undefined))),
  ).toString('utf8');
}

export interface CsvFormatOptions {
  compression?: 'none' | 'gzip';
  /** zlib level 0–9; -1 takes zlib's default. */
  compressionLevel?: number;
}

/** A write of the session writer is about a thousand rows. */
const DEFAULT_EXPECTED_ROWS = 1000;

export class CsvFormat implements SegmentFormat {
  readonly extension: string;
  private readonly gzip: boolean;
  private readonly level: number;

  constructor(options: CsvFormatOptions = {}) {
    this.gzip = options.compression === 'gzip';
    this.level = options.compressionLevel ?? -1;
    this.extension = this.gzip ? 'csv.gz' : 'csv';
  }

  open(schema: Schema, sink: ByteSink): SegmentWriter {
    return new CsvSegmentWriter(schema, this.gzip ? new GzipSink(sink, this.level) : sink);
  }

  rowEncoder(schema: Schema, fieldNames: readonly string[], expectedRows = DEFAULT_EXPECTED_ROWS): RowEncoder {
    return new CsvRowEncoder(schema, fieldNames, expectedRows);
  }
}

class CsvSegmentWriter implements SegmentWriter {
  private headerWritten = false;

  constructor(
    private readonly schema: Schema,
    private readonly sink: ByteSink,
  ) {}

  async writeValues(fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Promise<void> {
    await this.writeEncoded(csvValueBytes(this.schema, fieldNames, values));
  }

  async writeEncoded(bytes: Uint8Array): Promise<void> {
    if (!this.headerWritten) {
      this.headerWritten = true;
      await this.sink.write(Buffer.from(csvLine(this.schema.fields.map((f) => f.name)), 'utf8'));
    }
    await this.sink.write(bytes);
  }

  async writeRows(rows: readonly Row[]): Promise<void> {
    let text = '';
    if (!this.headerWritten) {
      text = csvLine(this.schema.fields.map((f) => f.name));
      this.headerWritten = true;
    }
    text += csvRows(this.schema, rows);
    await this.sink.write(Buffer.from(text, 'utf8'));
  }

  async close(): Promise<void> {
    // A segment without rows still gets its header, so every object is a readable CSV.
    if (!this.headerWritten) await this.writeRows([]);
    await this.sink.end();
  }
}
