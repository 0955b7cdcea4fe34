/**
 * CSV segments: a header of the schema's field names in schema order, then one line per row.
 * Cells follow d8a's CSV writer: NULL and missing values are empty, nested values are Go-style
 * JSON, and quoting follows RFC 4180 the way Go's `encoding/csv` applies it.
 */
import { DataType, Precision, type Schema } from 'apache-arrow';
import type { Row } from '../driver.js';
import { formatCell } from '../value-text.js';
import { GzipSink, type ByteSink, type SegmentFormat, type SegmentWriter } from './segment-format.js';

// Unicode white space as Go's unicode.IsSpace defines it (JS \s would also take U+FEFF).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const SPECIAL = /[",\r\n]/;

/** One CSV field, quoted only when a reader would otherwise misread it. */
export function csvField(text: string): string {
  if (text === '') return text;
  if (!needsQuotes(text)) return text;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Whether a field holds a quote, comma or line break, starts with white space, or is `\.`.
 * Most cells are short ASCII text, so this looks at the characters itself; the regular
 * expressions only settle a first character outside ASCII and long texts.
 */
function needsQuotes(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first < 0x80) {
    if (first === 0x20 || (first >= 0x09 && first <= 0x0d)) return true;
  } else if (LEADING_SPACE.test(text)) {
    return true;
  }
  if (text.length > 256) return SPECIAL.test(text) || text === '\\.';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) return true;
  }
  return text === '\\.';
}

/** One line (with its `\n`) for the given cell texts; null stands for NULL. */
export function csvLine(cells: readonly (string | null)[]): string {
  return cells.map((cell) => (cell === null ? '' : csvField(cell))).join(',') + '\n';
}

/** The text of a whole CSV file's body for `rows` under `schema` (no header). */
export function csvRows(schema: Schema, rows: readonly Row[]): string {
  const names = schema.fields.map((f) => f.name);
  return csvValueLines(
    schema,
    names,
    rows.map((row) => names.map((n) => (Object.hasOwn(row, n) ? row[n] : undefined))),
  );
}

export interface CsvFormatOptions {
  compression?: 'none' | 'gzip';
  /** zlib level 0–9; -1 takes zlib's default. */
  compressionLevel?: number;
}

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

  encodeValues(schema: Schema, fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Uint8Array {
    return Buffer.from(csvValueLines(schema, fieldNames, values), 'utf8');
  }
}

/** CSV lines (no header) of positional rows, in the schema's column order. */
function csvValueLines(schema: Schema, fieldNames: readonly string[], values: readonly (readonly unknown[])[]): string {
  const index = new Map(fieldNames.map((n, i) => [n, i]));
  const columns = schema.fields.map((f) => ({ at: index.get(f.name) ?? -1, cell: csvCellEncoder(f.type as DataType) }));
  const lines: string[] = new Array(values.length);
  const cells: string[] = new Array(columns.length);
  for (let r = 0; r < values.length; r++) {
    const row = values[r]!;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!;
      cells[j] = c.cell(c.at === -1 ? undefined : row[c.at]);
    }
    lines[r] = cells.join(',') + '\n';
  }
  return lines.join('');
}

/**
 * The CSV field text (quoted where needed, `''` for NULL) of one column's values. A session's
 * columns repeat on each of its rows and many event values repeat from row to row, so each
 * column remembers its last primitive value and that value's text.
 */
function csvCellEncoder(type: DataType): (value: unknown) => string {
  const general = (value: unknown): string => {
    const text = formatCell(value, type);
    return text === null ? '' : csvField(text);
  };
  const direct = directEncoder(type, general) ?? general;
  let lastValue: unknown = undefined;
  let lastText = '';
  return (value) => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return general(value);
    // 0 and -0 are equal but print differently.
    if (value === lastValue && (value !== 0 || Object.is(value, lastValue))) return lastText;
    lastValue = value;
    lastText = direct(value);
    return lastText;
  };
}

/** Shortcuts for the kinds of value that need no general formatting; they fall back to it otherwise. */
function directEncoder(type: DataType, general: (value: unknown) => string): ((value: unknown) => string) | undefined {
  if (DataType.isUtf8(type)) return (value) => (typeof value === 'string' ? csvField(value) : general(value));
  if (DataType.isBool(type)) return (value) => (value === true ? 'true' : value === false ? 'false' : general(value));
  if (DataType.isInt(type)) {
    // Integers print as digits and a sign, never anything a CSV reader would misread.
    return (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : general(value));
  }
  if (DataType.isFloat(type) && type.precision === Precision.DOUBLE) {
    return (value) => {
      // Between 1e-4 and 1e6 Go's shortest %v and JS's shortest decimal text agree digit for digit.
      if (typeof value === 'number') {
        const magnitude = Math.abs(value);
        if (magnitude >= 1e-4 && magnitude < 1e6) return String(value);
      }
      return general(value);
    };
  }
  return undefined;
}

class CsvSegmentWriter implements SegmentWriter {
  private headerWritten = false;

  constructor(
    private readonly schema: Schema,
    private readonly sink: ByteSink,
  ) {}

  async writeValues(fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Promise<void> {
    await this.writeEncoded(Buffer.from(csvValueLines(this.schema, fieldNames, values), 'utf8'));
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
