/**
 * Builds Arrow record batches from row values, column by column, straight into reusable typed
 * arrays. Arrow's generic builders, or JS arrays of boxed values, spent most of the time of a
 * 250-column GA4 table in allocation and garbage collection.
 */
import { makeData, RecordBatch, Schema, Struct, type Data, type DataType } from 'apache-arrow';
import {
  ParquetValueError,
  storedField,
  storedScalar,
  timestampMillis,
  type ParquetColumn,
  type ParquetListColumn,
  type ParquetScalarColumn,
  type ParquetStructColumn,
} from './parquet-schema.js';

/** One column's values of the batch being gathered. */
interface Accumulator {
  /** Converts and appends one value; `path` names it in errors. */
  add(value: unknown, path: string): void;
  /** The values gathered so far as Arrow data (copied: the accumulator is reused). */
  build(): Data;
  reset(): void;
}

/**
 * Rows gathered for one record batch. `addPositional` converts and checks each value at once,
 * so an unstorable value fails with the row it came from.
 */
export class ParquetBatchBuilder {
  private readonly accumulators: Accumulator[];
  private readonly names: string[];
  readonly schema: Schema;
  private rows = 0;

  constructor(columns: readonly ParquetColumn[]) {
    this.accumulators = columns.map(accumulatorFor);
    this.names = columns.map((c) => c.name);
    this.schema = new Schema(columns.map(storedField));
  }

  get length(): number {
    return this.rows;
  }

  /** Appends one row given positionally: `row[at[j]]` is column j (undefined `at` = missing). */
  addPositional(row: readonly unknown[], at: readonly (number | undefined)[]): void {
    for (let j = 0; j < this.accumulators.length; j++) {
      const index = at[j];
      (this.accumulators[j] as Accumulator).add(index === undefined ? undefined : row[index], this.names[j] as string);
    }
    this.rows++;
  }

  /** The gathered rows as one record batch; the builder starts empty again. */
  take(): RecordBatch {
    const children = this.accumulators.map((a) => a.build());
    const type = new Struct(this.schema.fields);
    const batch = new RecordBatch(this.schema, makeData({ type, length: this.rows, nullCount: 0, children }));
    for (const a of this.accumulators) a.reset();
    this.rows = 0;
    return batch;
  }
}

function accumulatorFor(column: ParquetColumn): Accumulator {
  switch (column.kind) {
    case 'list':
      return new ListAccumulator(column);
    case 'struct':
      return new StructAccumulator(column);
    case 'utf8':
      return new Utf8Accumulator(column);
    case 'bool':
      return new BoolAccumulator(column);
    case 'int64':
    case 'timestamp':
      return new Int64Accumulator(column);
    default:
      return new NumberAccumulator(column);
  }
}

/** Null bits of a column: one byte per value while gathering, packed when built. */
class Validity {
  private valid = new Uint8Array(1024);
  nulls = 0;
  length = 0;

  push(isValid: boolean): void {
    if (this.length === this.valid.length) this.valid = grow(this.valid, this.length * 2);
    this.valid[this.length++] = isValid ? 1 : 0;
    if (!isValid) this.nulls++;
  }

  /** The Arrow bitmap, or undefined when every value is valid. */
  bitmap(): Uint8Array | undefined {
    if (this.nulls === 0) return undefined;
    const bits = new Uint8Array((this.length + 7) >> 3);
    for (let i = 0; i < this.length; i++) if (this.valid[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
    return bits;
  }

  reset(): void {
    this.nulls = 0;
    this.length = 0;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array | Float32Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

function missing(column: { nullable: boolean }, path: string, what = 'column'): void {
  if (!column.nullable) throw new ParquetValueError(`${path}: ${what} is not nullable but the value is missing`);
}

function dataOf(type: DataType, validity: Validity, rest: Record<string, unknown>): Data {
  const bitmap = validity.bitmap();
  return makeData({
    type,
    length: validity.length,
    nullCount: validity.nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    ...rest,
  } as Parameters<typeof makeData>[0]);
}

class Utf8Accumulator implements Accumulator {
  private readonly validity = new Validity();
  private values: (string | null)[] = [];

  constructor(private readonly column: ParquetScalarColumn) {}

  add(value: unknown, path: string): void {
    if (value === null || value === undefined) {
      missing(this.column, path);
      this.values[this.validity.length] = null;
      this.validity.push(false);
      return;
    }
    if (typeof value !== 'string') storedScalar(this.column, value, path); // throws the column's error
    this.values[this.validity.length] = value as string;
    this.validity.push(true);
  }

  build(): Data {
    const length = this.validity.length;
    const valueOffsets = new Int32Array(length + 1);
    let joined = '';
    for (let i = 0; i < length; i++) {
      const v = this.values[i];
      if (v !== null && v !== undefined) joined += v;
    }
    let data: Uint8Array;
    if (!/[^\u0000-\u007f]/.test(joined)) {
      // ASCII only (most columns): one byte per character, encoded in one call.
      let at = 0;
      for (let i = 0; i < length; i++) {
        const v = this.values[i];
        if (v !== null && v !== undefined) at += v.length;
        valueOffsets[i + 1] = at;
      }
      data = Buffer.from(joined, 'latin1');
    } else {
      let total = 0;
      for (let i = 0; i < length; i++) {
        const v = this.values[i];
        if (v !== null && v !== undefined) total += Buffer.byteLength(v, 'utf8');
        valueOffsets[i + 1] = total;
      }
      const buffer = Buffer.allocUnsafe(total);
      for (let i = 0; i < length; i++) {
        const v = this.values[i];
        if (v !== null && v !== undefined) buffer.write(v, valueOffsets[i] as number, 'utf8');
      }
      data = buffer;
    }
    return dataOf(this.column.storedType, this.validity, { valueOffsets, data });
  }

  reset(): void {
    this.validity.reset();
    this.values = [];
  }
}

class BoolAccumulator implements Accumulator {
  private readonly validity = new Validity();
  private values = new Uint8Array(1024);

  constructor(private readonly column: ParquetScalarColumn) {}

  add(value: unknown, path: string): void {
    const at = this.validity.length;
    if (at === this.values.length) this.values = grow(this.values, at * 2);
    if (value === null || value === undefined) {
      missing(this.column, path);
      this.values[at] = 0;
      this.validity.push(false);
      return;
    }
    if (typeof value !== 'boolean') storedScalar(this.column, value, path);
    this.values[at] = value === true ? 1 : 0;
    this.validity.push(true);
  }

  build(): Data {
    const length = this.validity.length;
    const data = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) if (this.values[i] === 1) data[i >> 3]! |= 1 << (i & 7);
    return dataOf(this.column.storedType, this.validity, { data });
  }

  reset(): void {
    this.validity.reset();
  }
}

const TWO_32 = 2 ** 32;

/**
 * 64-bit integers (and millisecond timestamps) written as two 32-bit halves: a JS number
 * needs no BigInt on the way in, which is most of the cost otherwise.
 */
class Int64Accumulator implements Accumulator {
  private readonly validity = new Validity();
  private words = new Int32Array(2048);

  constructor(private readonly column: ParquetScalarColumn) {}

  add(value: unknown, path: string): void {
    const at = this.validity.length;
    if (at * 2 === this.words.length) this.words = grow(this.words, this.words.length * 2);
    if (value === null || value === undefined) {
      missing(this.column, path);
      this.words[at * 2] = 0;
      this.words[at * 2 + 1] = 0;
      this.validity.push(false);
      return;
    }
    let n: unknown;
    if (this.column.kind === 'int64') n = typeof value === 'number' && Number.isSafeInteger(value) ? value : storedScalar(this.column, value, path);
    else n = timestampMillis(value) ?? storedScalar(this.column, value, path);
    if (typeof n === 'number') {
      const high = Math.floor(n / TWO_32);
      this.words[at * 2] = n - high * TWO_32;
      this.words[at * 2 + 1] = high;
    } else {
      const big = BigInt.asIntN(64, n as bigint);
      this.words[at * 2] = Number(BigInt.asIntN(32, big));
      this.words[at * 2 + 1] = Number(big >> 32n);
    }
    this.validity.push(true);
  }

  build(): Data {
    const data = new BigInt64Array(this.words.buffer.slice(0, this.validity.length * 8));
    return dataOf(this.column.storedType, this.validity, { data });
  }

  reset(): void {
    this.validity.reset();
  }
}

/** int32, date32, float64 and float32 columns. */
class NumberAccumulator implements Accumulator {
  private readonly validity = new Validity();
  private values: Int32Array | Float64Array | Float32Array;

  constructor(private readonly column: ParquetScalarColumn) {
    this.values = column.kind === 'float64' ? new Float64Array(1024) : column.kind === 'float32' ? new Float32Array(1024) : new Int32Array(1024);
  }

  add(value: unknown, path: string): void {
    const at = this.validity.length;
    if (at === this.values.length) this.values = grow(this.values, at * 2);
    if (value === null || value === undefined) {
      missing(this.column, path);
      this.values[at] = 0;
      this.validity.push(false);
      return;
    }
    const fast = this.column.kind === 'float64' && typeof value === 'number';
    this.values[at] = fast ? (value as number) : (storedScalar(this.column, value, path) as number);
    this.validity.push(true);
  }

  build(): Data {
    return dataOf(this.column.storedType, this.validity, { data: this.values.slice(0, this.validity.length) });
  }

  reset(): void {
    this.validity.reset();
  }
}

class StructAccumulator implements Accumulator {
  private readonly validity = new Validity();
  private readonly children: Accumulator[];

  constructor(private readonly column: ParquetStructColumn) {
    this.children = column.children.map(accumulatorFor);
  }

  add(value: unknown, path: string): void {
    if (value === null || value === undefined) {
      missing(this.column, path, 'struct');
      // A null struct still takes a slot in each child.
      for (let k = 0; k < this.children.length; k++) this.addChild(k, null, path);
      this.validity.push(false);
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw new ParquetValueError(`${path}: a struct needs an object, not ${typeof value}`);
    const record = value as Record<string, unknown>;
    for (let k = 0; k < this.children.length; k++) {
      const name = (this.column.children[k] as ParquetScalarColumn).name;
      (this.children[k] as Accumulator).add(Object.hasOwn(record, name) ? record[name] : undefined, `${path}.${name}`);
    }
    this.validity.push(true);
  }

  private addChild(k: number, value: unknown, path: string): void {
    const child = this.column.children[k] as ParquetScalarColumn;
    // Under a null struct a required member is no error: the whole struct is null.
    if (!child.nullable) (this.children[k] as Accumulator).add(zeroOf(child), `${path}.${child.name}`);
    else (this.children[k] as Accumulator).add(value, `${path}.${child.name}`);
  }

  build(): Data {
    return dataOf(this.column.storedType, this.validity, { children: this.children.map((c) => c.build()) });
  }

  reset(): void {
    this.validity.reset();
    for (const c of this.children) c.reset();
  }
}

function zeroOf(column: ParquetScalarColumn): unknown {
  switch (column.kind) {
    case 'utf8':
      return '';
    case 'bool':
      return false;
    case 'timestamp':
    case 'date32':
      return 0;
    default:
      return 0;
  }
}

class ListAccumulator implements Accumulator {
  private readonly validity = new Validity();
  private offsets = new Int32Array(1025);
  private readonly element: Accumulator;
  private count = 0;

  constructor(private readonly column: ParquetListColumn) {
    this.element = accumulatorFor(column.element);
  }

  add(value: unknown, path: string): void {
    const at = this.validity.length;
    if (at + 1 === this.offsets.length) this.offsets = grow(this.offsets, this.offsets.length * 2);
    if (value === null || value === undefined) {
      missing(this.column, path, 'list column');
      this.offsets[at + 1] = this.count;
      this.validity.push(false);
      return;
    }
    if (!Array.isArray(value)) throw new ParquetValueError(`${path}: a list column needs an array, not ${typeof value}`);
    for (let i = 0; i < value.length; i++) this.element.add(value[i], `${path}[${i}]`);
    this.count += value.length;
    this.offsets[at + 1] = this.count;
    this.validity.push(true);
  }

  build(): Data {
    return dataOf(this.column.storedType, this.validity, {
      valueOffsets: this.offsets.slice(0, this.validity.length + 1),
      child: this.element.build(),
    });
  }

  reset(): void {
    this.validity.reset();
    this.element.reset();
    this.count = 0;
  }
}
