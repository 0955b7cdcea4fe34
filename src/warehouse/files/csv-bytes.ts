/**
 * CSV lines written straight into bytes. Building a string per cell, joining them into a string
 * per line and the lines into one text made the CSV format the second largest cost of writing
 * rows, and most of the garbage: a row of the events table has about 250 cells, most of them
 * empty. Here an empty cell costs one comma, and a cell of plain ASCII text is copied into the
 * buffer as it is checked; only text outside ASCII, or that needs quotes around non-ASCII
 * content, goes through the string form of `csvField` and Buffer's UTF-8 writer.
 */
import { DataType, Precision, type Schema } from 'apache-arrow';
import { formatCell, jsonString, sortedKeysOf, type SortedKey } from '../value-text.js';
import { utf8Write } from '../../storage/buffer-text.js';
import { csvField } from './csv-field.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** A growing byte buffer that CSV fields are appended to. */
class CsvBytes {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  /** The bytes written so far (a view; the writer must not be used afterwards). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Appends a copy of bytes `start`..`end` already written. */
  repeat(start: number, end: number): void {
    const n = end - start;
    if (this.buf.length - this.pos < n) this.grow(n);
    this.buf.copyWithin(this.pos, start, end);
    this.pos += n;
  }

  comma(): void {
    if (this.pos === this.buf.length) this.grow(1);
    this.buf[this.pos++] = COMMA;
  }

  newline(): void {
    if (this.pos === this.buf.length) this.grow(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /** One field, quoted only where `csvField` would quote it, with the same bytes as its UTF-8 form. */
  field(text: string): void {
    const n = text.length;
    if (n === 0) return;
    // Worst case: every UTF-16 unit becomes three bytes, plus the two quotes.
    if (this.buf.length - this.pos < 3 * n + 2) this.grow(3 * n + 2);
    const buf = this.buf;
    const pos = this.pos;
    const first = text.charCodeAt(0);
    if (first !== 0x20 && (first < 0x09 || first > 0x0d)) {
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80 || c === QUOTE || c === COMMA || c === NEWLINE || c === 0x0d) break;
        buf[pos + i] = c;
      }
      if (i === n && !(n === 2 && text === '\\.')) {
        this.pos = pos + n;
        return;
      }
      if (i < n && text.charCodeAt(i) < 0x80 && this.quotedAscii(text, i)) return;
    }
    this.pos = pos + utf8Write.call(buf, csvField(text), pos, buf.length - pos);
  }

  /**
   * Writes `text` in quotes with its quotes doubled when all of it is ASCII (JSON cells mostly
   * are); `checked` characters at its start are known to be ASCII already.
   */
  private quotedAscii(text: string, checked: number): boolean {
    const n = text.length;
    for (let i = checked; i < n; i++) if (text.charCodeAt(i) >= 0x80) return false;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) buf[pos++] = QUOTE;
      buf[pos++] = c;
    }
    buf[pos++] = QUOTE;
    this.pos = pos;
    return true;
  }

  /**
   * A nested value as the CSV field of its Go JSON text, written in one pass: the JSON's quotes
   * are doubled as they are written, and the field's own quotes are added only if the text
   * turns out to need them (a `"` or a `,` in it). False, with nothing written, for values
   * this path does not take (anything but plain arrays and objects of strings, numbers,
   * booleans and nulls); the caller then formats them the general way.
   */
  jsonField(value: object): boolean {
    const start = this.pos;
    this.ensure(1);
    this.buf[this.pos++] = QUOTE;
    this.sawSpecial = false;
    if (!this.json(value, 0)) {
      this.pos = start;
      return false;
    }
    if (this.sawSpecial) {
      this.ensure(1);
      this.buf[this.pos++] = QUOTE;
    } else {
      // Nothing to quote: drop the opening quote again. Such a text is short (`[]`, `[1]`,
      // `null`: strings and second members bring quotes or commas), and Buffer's copy costs
      // more to call than these few bytes take to move.
      const buf = this.buf;
      const end = this.pos;
      for (let i = start + 1; i < end; i++) buf[i - 1] = buf[i]!;
      this.pos = end - 1;
    }
    return true;
  }

  private sawSpecial = false;

  private json(value: unknown, depth: number): boolean {
    if (value === null || value === undefined) {
      this.ensure(4);
      const buf = this.buf;
      const pos = this.pos;
      buf[pos] = 0x6e;
      buf[pos + 1] = 0x75;
      buf[pos + 2] = 0x6c;
      buf[pos + 3] = 0x6c;
      this.pos = pos + 4;
      return true;
    }
    switch (typeof value) {
      case 'string':
        this.jsonText(value);
        return true;
      case 'number':
        this.ascii(Number.isFinite(value) ? String(value) : 'null');
        return true;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    // Deep values keep the general path, which reports the nesting error.
    if (depth >= 100) return false;
    if (Array.isArray(value)) {
      this.ensure(1);
      this.buf[this.pos++] = 0x5b;
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.comma();
        if (!this.json(value[i], depth + 1)) return false;
      }
      this.ensure(1);
      this.buf[this.pos++] = 0x5d;
      if (value.length > 1) this.sawSpecial = true;
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    const record = value as Record<string, unknown>;
    const shape = objectShapeOf(sortedKeysOf(Object.keys(record)));
    this.ensure(1);
    this.buf[this.pos++] = 0x7b;
    // Keys always bring quotes, and a second key a comma.
    if (shape.keys.length > 0) this.sawSpecial = true;
    if (!shape.writeMembers(record, this, shape.keys, depth + 1)) return false;
    this.ensure(1);
    this.buf[this.pos++] = 0x7d;
    return true;
  }

  /** One member of an object: its key's bytes (`"name":`, with a comma before all but the first), then its value. */
  member(key: Uint8Array, value: unknown, depth: number): boolean {
    this.copyBytes(key);
    return this.json(value, depth);
  }

  /** A JSON string literal with its quotes doubled. */
  private jsonText(text: string): void {
    const n = text.length;
    this.ensure(n + 4);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    buf[pos++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Printable ASCII without anything Go escapes; the rest takes the general literal.
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
        this.doubledQuotes(jsonString(text));
        return;
      }
      buf[pos++] = c;
    }
    buf[pos++] = QUOTE;
    buf[pos++] = QUOTE;
    this.pos = pos;
    this.sawSpecial = true;
  }

  private copyBytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const buf = this.buf;
    const pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos + i] = bytes[i]!;
    this.pos = pos + n;
  }

  /** Text known to be ASCII without quotes. */
  private ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    const buf = this.buf;
    const pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos + i] = text.charCodeAt(i);
    this.pos = pos + n;
  }

  /** Any text, with its quotes doubled, as UTF-8. */
  private doubledQuotes(text: string): void {
    if (text.includes('"')) {
      this.sawSpecial = true;
      text = text.replaceAll('"', '""');
    }
    if (text.includes(',')) this.sawSpecial = true;
    this.ensure(3 * text.length);
    this.pos += utf8Write.call(this.buf, text, this.pos, this.buf.length - this.pos);
  }

  private ensure(bytes: number): void {
    if (this.buf.length - this.pos < bytes) this.grow(bytes);
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + needed));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/**
 * How the objects of one key list are written: each key's bytes in Go's order (the first without
 * its comma), and a function generated for the list that writes the members in that order. Its
 * loads name their keys, so for objects that share a shape (an item's 27 fields, a parameter's
 * three) each load is a cached one; a single load site with a computed key sees every key of
 * every shape and falls back to a generic lookup.
 */
interface ObjectShape {
  readonly keys: readonly Uint8Array[];
  readonly writeMembers: (record: Record<string, unknown>, out: CsvBytes, keys: readonly Uint8Array[], depth: number) => boolean;
}

// Per key list, one lookup per object. The key lists come from a small cache that starts over
// when full, so a list made again finds its shape by its names, and its function is compiled
// once; past MAX_COMPILED_SHAPES, shapes are written by a plain loop instead.
const objectShapes = new WeakMap<readonly SortedKey[], ObjectShape>();
const shapesByNames = new Map<string, ObjectShape>();
const MAX_COMPILED_SHAPES = 256;

function objectShapeOf(sorted: readonly SortedKey[]): ObjectShape {
  let shape = objectShapes.get(sorted);
  if (shape === undefined) {
    const names = JSON.stringify(sorted.map((key) => key.name));
    shape = shapesByNames.get(names) ?? newObjectShape(sorted);
    if (shapesByNames.size < MAX_COMPILED_SHAPES) shapesByNames.set(names, shape);
    objectShapes.set(sorted, shape);
  }
  return shape;
}

function newObjectShape(sorted: readonly SortedKey[]): ObjectShape {
  const keys = sorted.map((key, i) => Buffer.from((i > 0 ? key.commaQuoted : key.quoted).replaceAll('"', '""'), 'utf8'));
  if (shapesByNames.size >= MAX_COMPILED_SHAPES) {
    const names = sorted.map((key) => key.name);
    const writeMembers: ObjectShape['writeMembers'] = (record, out, keyBytes, depth) => {
      for (let i = 0; i < names.length; i++) if (!out.member(keyBytes[i]!, record[names[i]!], depth)) return false;
      return true;
    };
    return { keys, writeMembers };
  }
  const body = sorted.map((key, i) => `if (!out.member(keys[${i}], record[${JSON.stringify(key.name)}], depth)) return false;`).join('\n');
  return { keys, writeMembers: new Function('record', 'out', 'keys', 'depth', `${body}\nreturn true;`) as ObjectShape['writeMembers'] };
}

/** Whether two cell values are certain to print the same: the same value, with 0 and -0 told apart. */
function sameCell(a: unknown, b: unknown): boolean {
  return a === b && (a !== 0 || Object.is(a, b));
}

/** Appends one non-null cell of a column. */
type CsvCellWriter = (value: unknown, out: CsvBytes) => void;

/**
 * The cell writer of one column. A session's columns repeat on each of its rows and many
 * event values repeat from row to row, so non-text primitives keep the text of their last value.
 */
function csvCellWriter(type: DataType): CsvCellWriter {
  const general = (value: unknown): string => formatCell(value, type) ?? '';
  // Nested values are JSON; timestamp and date columns read objects (Dates) their own way.
  const nested = !DataType.isTimestamp(type) && !DataType.isDate(type);
  const object = (value: object, out: CsvBytes): void => {
    if (!nested || !out.jsonField(value)) out.field(general(value));
  };
  if (DataType.isUtf8(type)) {
    return (value, out) => {
      if (typeof value === 'string') out.field(value);
      else if (typeof value === 'object' && value !== null) object(value, out);
      else out.field(general(value));
    };
  }
  const direct = directText(type, general) ?? general;
  let lastValue: unknown = undefined;
  let lastText = '';
  return (value, out) => {
    if (typeof value === 'object' && value !== null) {
      object(value, out);
      return;
    }
    if (!sameCell(value, lastValue)) {
      lastValue = value;
      lastText = direct(value);
    }
    out.field(lastText);
  };
}

/** Shortcuts for the kinds of value that need no general formatting; they fall back to `general` otherwise. */
function directText(type: DataType, general: (value: unknown) => string): ((value: unknown) => string) | undefined {
  if (DataType.isBool(type)) return (value) => (value === true ? 'true' : value === false ? 'false' : general(value));
  if (DataType.isInt(type)) {
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

/**
 * CSV lines (no header) of positional rows, in the schema's column order, as UTF-8 bytes, one
 * row at a time.
 *
 * The rows of one session end with the same session columns (a quarter of the events table),
 * and a cell's bytes depend only on its value and its column. So the cells at the end of a row
 * that hold the same values as the previous row's are not encoded again: their bytes are
 * copied from that row. That previous row is the only one the encoder keeps.
 */
export class CsvRowEncoder {
  private readonly at: Int32Array;
  private readonly cells: CsvCellWriter[];
  private readonly out: CsvBytes;
  // Where each cell of the previous row starts (at its separating comma), and where that row
  // ends; a buffer may pass 2 GiB, so the offsets are not 32-bit.
  private starts: Float64Array;
  private next: Float64Array;
  private previous: readonly unknown[] | undefined;
  private previousEnd = 0;
  private rows = 0;

  constructor(schema: Schema, fieldNames: readonly string[], expectedRows = 1) {
    const index = new Map(fieldNames.map((n, i) => [n, i]));
    const count = schema.fields.length;
    this.at = new Int32Array(count);
    this.cells = new Array<CsvCellWriter>(count);
    for (let j = 0; j < count; j++) {
      const field = schema.fields[j]!;
      this.at[j] = index.get(field.name) ?? -1;
      this.cells[j] = csvCellWriter(field.type as DataType);
    }
    this.out = new CsvBytes(expectedRows * 1024);
    this.starts = new Float64Array(count);
    this.next = new Float64Array(count);
  }

  get rowCount(): number {
    return this.rows;
  }

  add(row: readonly unknown[]): void {
    const { at, cells, out, previous, starts, next } = this;
    const count = at.length;
    let firstShared = count;
    if (previous !== undefined) {
      while (firstShared > 0) {
        const k = at[firstShared - 1]!;
        if (k !== -1 && !sameCell(row[k], previous[k])) break;
        firstShared--;
      }
    }
    for (let j = 0; j < firstShared; j++) {
      next[j] = out.length;
      if (j > 0) out.comma();
      const k = at[j]!;
      if (k === -1) continue;
      const value = row[k];
      if (value !== null && value !== undefined) cells[j]!(value, out);
    }
    if (firstShared < count) {
      const shift = out.length - starts[firstShared]!;
      out.repeat(starts[firstShared]!, this.previousEnd);
      for (let j = firstShared; j < count; j++) next[j] = starts[j]! + shift;
    }
    this.previousEnd = out.length;
    out.newline();
    this.previous = row;
    this.starts = next;
    this.next = starts;
    this.rows++;
  }

  /** The lines written so far (a view; the encoder must not be used afterwards). */
  bytes(): Buffer {
    return this.out.bytes();
  }
}

/** `CsvRowEncoder` over a whole batch of rows. */
export function csvValueBytes(schema: Schema, fieldNames: readonly string[], values: readonly (readonly unknown[])[]): Buffer {
  const encoder = new CsvRowEncoder(schema, fieldNames, values.length);
  for (let r = 0; r < values.length; r++) encoder.add(values[r]!);
  return encoder.bytes();
}
