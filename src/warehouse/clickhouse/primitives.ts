/**
 * The eight scalar types Cairn's columns use, with everything the ClickHouse driver needs to
 * know about each: the native type, the DEFAULT expression that stands in for NULL, the Arrow
 * type it reads back as, and the JSON value of that default.
 */
import { Bool, DataType, DateDay, DateUnit, Float32, Float64, Int32, Int64, Precision, TimestampSecond, TimeUnit, Utf8 } from 'apache-arrow';

export type PrimitiveKind = 'string' | 'int64' | 'int32' | 'float64' | 'float32' | 'timestamp' | 'bool' | 'date32';

export interface Primitive {
  readonly kind: PrimitiveKind;
  /** The ClickHouse type in DDL. */
  readonly sql: string;
  /** What a nullable column of this type gets as `DEFAULT`, since Cairn never creates `Nullable(T)`. */
  readonly defaultExpression: string;
  /** The value sent for a NULL member of `Nested`, which has no DEFAULT of its own (the JSON form of `defaultExpression`). */
  readonly defaultValue: string | number | boolean;
  /** The Arrow type a column of this ClickHouse type reads back as. */
  arrowType(): DataType;
}

/** Timestamps are UTC seconds, the one timestamp type Cairn's columns have. */
export const TIMESTAMP_ZONE = 'UTC';

export const PRIMITIVES: Readonly<Record<PrimitiveKind, Primitive>> = {
  string: { kind: 'string', sql: 'String', defaultExpression: "''", defaultValue: '', arrowType: () => new Utf8() },
  int64: { kind: 'int64', sql: 'Int64', defaultExpression: '0', defaultValue: 0, arrowType: () => new Int64() },
  int32: { kind: 'int32', sql: 'Int32', defaultExpression: '0', defaultValue: 0, arrowType: () => new Int32() },
  float64: { kind: 'float64', sql: 'Float64', defaultExpression: '0', defaultValue: 0, arrowType: () => new Float64() },
  float32: { kind: 'float32', sql: 'Float32', defaultExpression: '0', defaultValue: 0, arrowType: () => new Float32() },
  timestamp: {
    kind: 'timestamp',
    sql: 'DateTime64(0)',
    defaultExpression: "'1970-01-01 00:00:00'",
    defaultValue: 0,
    arrowType: () => new TimestampSecond(TIMESTAMP_ZONE),
  },
  bool: { kind: 'bool', sql: 'Bool', defaultExpression: '0', defaultValue: false, arrowType: () => new Bool() },
  date32: { kind: 'date32', sql: 'Date32', defaultExpression: "'1970-01-01'", defaultValue: '1970-01-01', arrowType: () => new DateDay() },
};

/**
 * The primitive an Arrow type is, or null. Types are matched by id and parameters (not by
 * object identity as the reference's Go code does); a timestamp must be seconds in UTC, the
 * only one `DateTime64(0)` stores faithfully.
 */
export function primitiveOf(type: DataType): Primitive | null {
  if (DataType.isUtf8(type)) return PRIMITIVES.string;
  if (DataType.isBool(type)) return PRIMITIVES.bool;
  if (DataType.isInt(type)) {
    if (!type.isSigned) return null;
    if (type.bitWidth === 64) return PRIMITIVES.int64;
    if (type.bitWidth === 32) return PRIMITIVES.int32;
    return null;
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.DOUBLE) return PRIMITIVES.float64;
    if (type.precision === Precision.SINGLE) return PRIMITIVES.float32;
    return null;
  }
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? PRIMITIVES.date32 : null;
  if (DataType.isTimestamp(type)) {
    return type.unit === TimeUnit.SECOND && type.timezone === TIMESTAMP_ZONE ? PRIMITIVES.timestamp : null;
  }
  return null;
}
