/**
 * Which Arrow columns a Parquet segment can hold and how each row value becomes the value
 * stored, following the reference's Parquet mapper chain (warehouse-config §4.6): strings,
 * 64/32-bit integers and floats, booleans, second timestamps (stored as UTC milliseconds),
 * dates, nullable versions of these, lists of them, and structs of them inside lists.
 */
import { Bool, DataType, DateDay, Field, Float32, Float64, Int32, Int64, List, Struct, TimestampMillisecond, TimeUnit, Utf8 } from 'apache-arrow';
import { UnsupportedMappingError } from '../errors.js';

export type ParquetScalarKind = 'utf8' | 'int64' | 'int32' | 'float64' | 'float32' | 'bool' | 'timestamp' | 'date32';

export interface ParquetScalarColumn {
  readonly kind: ParquetScalarKind;
  readonly name: string;
  readonly nullable: boolean;
  /** The Arrow type written to the file (timestamps become milliseconds). */
  readonly storedType: DataType;
}

export interface ParquetStructColumn {
  readonly kind: 'struct';
  readonly name: string;
  readonly nullable: boolean;
  readonly children: readonly ParquetScalarColumn[];
  readonly storedType: Struct;
}

export interface ParquetListColumn {
  readonly kind: 'list';
  readonly name: string;
  readonly nullable: boolean;
  readonly element: ParquetScalarColumn | ParquetStructColumn;
  readonly storedType: List;
}

export type ParquetColumn = ParquetScalarColumn | ParquetStructColumn | ParquetListColumn;

const MAPPER = 'parquet';

/** The stored layout of every field, or `UnsupportedMappingError` for the first that has none. */
export function planParquetColumns(fields: readonly Field[]): ParquetColumn[] {
  return fields.map((f) => planColumn(f, 'root'));
}

/** The Arrow schema fields as they are written (for the file's own schema). */
export function storedField(column: ParquetColumn): Field {
  return new Field(column.name, column.storedType, column.nullable);
}

function planColumn(field: Field, parent: 'root' | 'list'): ParquetColumn {
  const type = field.type as DataType;
  if (DataType.isList(type)) {
    if (parent !== 'root') throw new UnsupportedMappingError(String(type), MAPPER);
    const child = type.children[0];
    if (child === undefined) throw new UnsupportedMappingError(String(type), MAPPER);
    const element = planColumn(child, 'list');
    if (element.kind === 'list') throw new UnsupportedMappingError(String(type), MAPPER);
    return { kind: 'list', name: field.name, nullable: field.nullable, element, storedType: new List(storedField(element)) };
  }
  if (DataType.isStruct(type)) {
    // A struct stands only as a list element, and holds only scalars (one level of nesting).
    if (parent !== 'list') throw new UnsupportedMappingError(String(type), MAPPER);
    const children = type.children.map((c) => {
      const planned = planColumn(c, 'root');
      if (planned.kind !== 'list' && planned.kind !== 'struct') return planned;
      throw new UnsupportedMappingError(String(type), MAPPER);
    });
    return { kind: 'struct', name: field.name, nullable: field.nullable, children, storedType: new Struct(children.map(storedField)) };
  }
  const kind = scalarKind(type);
  if (kind === null) throw new UnsupportedMappingError(String(type), MAPPER);
  return { kind, name: field.name, nullable: field.nullable, storedType: storedScalarType(kind) };
}

function scalarKind(type: DataType): ParquetScalarKind | null {
  if (DataType.isUtf8(type)) return 'utf8';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isInt(type) && type.isSigned) {
    if (type.bitWidth === 64) return 'int64';
    if (type.bitWidth === 32) return 'int32';
    return null;
  }
  if (DataType.isFloat(type)) {
    // Arrow precision: 0 half, 1 single, 2 double.
    if (type.precision === 2) return 'float64';
    if (type.precision === 1) return 'float32';
    return null;
  }
  if (DataType.isTimestamp(type)) {
    const zone = type.timezone ?? '';
    return type.unit === TimeUnit.SECOND && (zone === '' || zone === 'UTC') ? 'timestamp' : null;
  }
  if (DataType.isDate(type)) return type.unit === 0 ? 'date32' : null; // DateUnit.DAY
  return null;
}

function storedScalarType(kind: ParquetScalarKind): DataType {
  switch (kind) {
    case 'utf8':
      return new Utf8();
    case 'int64':
      return new Int64();
    case 'int32':
      return new Int32();
    case 'float64':
      return new Float64();
    case 'float32':
      return new Float32();
    case 'bool':
      return new Bool();
    case 'timestamp':
      // Parquet has no second unit; the reference writes TIMESTAMP(MILLIS) too.
      return new TimestampMillisecond('UTC');
    case 'date32':
      return new DateDay();
  }
}

// ---------------------------------------------------------------- values

/** A value that its column cannot hold; names the column so an operator can find the writer. */
export class ParquetValueError extends Error {
  override readonly name = 'ParquetValueError';
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;
const MS_PER_DAY = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The stored form of one scalar value: string, number, bigint (64-bit integers and
 * millisecond timestamps) or boolean; null stays null. Anything else is an error naming
 * `path` rather than a silently changed value.
 */
export function storedScalar(column: ParquetScalarColumn, value: unknown, path: string): string | number | bigint | boolean | null {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new ParquetValueError(`${path}: column is not nullable but the value is missing`);
    return null;
  }
  switch (column.kind) {
    case 'utf8':
      if (typeof value === 'string') return value;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'int64': {
      const big = integerOf(value);
      if (big !== null) {
        if (big < INT64_MIN || big > INT64_MAX) throw new ParquetValueError(`${path}: ${big} is outside the int64 range`);
        return big;
      }
      break;
    }
    case 'int32': {
      const big = integerOf(value);
      if (big !== null) {
        if (big < BigInt(INT32_MIN) || big > BigInt(INT32_MAX)) throw new ParquetValueError(`${path}: ${big} is outside the int32 range`);
        return Number(big);
      }
      break;
    }
    case 'float64':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      break;
    case 'float32':
      if (typeof value === 'number' || typeof value === 'bigint') {
        const x = Number(value);
        if (Number.isFinite(x) && Math.abs(x) > FLOAT32_MAX) throw new ParquetValueError(`${path}: ${x} overflows a 32-bit float`);
        return x;
      }
      break;
    case 'timestamp': {
      const ms = timestampMillis(value);
      if (ms !== null) return BigInt(ms);
      break;
    }
    case 'date32': {
      const days = dateDays(value);
      if (days !== null) return days;
      break;
    }
  }
  throw new ParquetValueError(`${path}: a ${column.kind} column cannot hold ${describe(value)}`);
}

function integerOf(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return null;
}

/** RFC 3339 text, a Date, or epoch seconds (the column's own unit) → epoch milliseconds. */
export function timestampMillis(value: unknown): number | null {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value) ? null : ms;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'bigint') return Number(value) * 1000;
  return null;
}

/** `YYYY-MM-DD` or RFC 3339 text, a Date (its UTC day), or a day count → days since the epoch. */
function dateDays(value: unknown): number | null {
  if (typeof value === 'string') {
    const text = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value;
    if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(text)) return null;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : Math.floor(ms / MS_PER_DAY);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : Math.floor(value.getTime() / MS_PER_DAY);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date object';
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return `${typeof value} ${text}`;
}
