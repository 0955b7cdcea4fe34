/**
 * Row values (columns.md §1.7: strings, numbers, bigints, RFC 3339 times, arrays of plain
 * objects) → the JSON values a `JSONEachRow` insert carries, for the column types the table
 * really has. A value of the wrong kind is an error, never coerced: a wrong type points at a
 * bug that a silent conversion would hide in the warehouse.
 *
 * Times go as epoch seconds, not text: text would be read in the server's time zone, and
 * Cairn's times are UTC whatever zone the server runs in.
 *
 * A NULL in a column with a DEFAULT, and a NULL list, are left out of the row: ClickHouse then
 * stores the column's default, which for the tables Cairn creates is the zero value the
 * reference sends explicitly. Most columns of an event are NULL, so this halves the size of a
 * typical insert.
 */
import { DataType, type Field } from 'apache-arrow';
import { primitiveOf, type Primitive } from './primitives.js';

export type JsonValue = string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/**
 * Turns one row value into what is sent for a column, or `undefined` to leave the column out
 * of the row (it takes its default); throws `ValueEncodingError`.
 */
export type ValueEncoder = (value: unknown) => JsonValue | undefined;

/** Encodes a value where leaving it out is not possible (inside `Nested`, inside arrays). */
type RequiredEncoder = (value: unknown) => JsonValue;

export class ValueEncodingError extends Error {
  override readonly name = 'ValueEncodingError';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'object':
      return 'an object';
    default:
      return `${typeof value} ${String(value)}`;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const SECONDS_PER_DAY = 86_400;

function encodeString(value: unknown): JsonValue {
  if (typeof value === 'string') return value;
  throw new ValueEncodingError(`expected a string, got ${describe(value)}`);
}

function encodeInt64(value: unknown): JsonValue {
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (Number.isSafeInteger(value)) return value;
    return encodeInt64(BigInt(value));
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new ValueEncodingError(`${value} does not fit in Int64`);
    // Beyond 2^53 a JSON number would lose digits on the way; ClickHouse reads quoted integers.
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  throw new ValueEncodingError(`expected an integer, got ${describe(value)}`);
}

function encodeInt32(value: unknown): JsonValue {
  const n = typeof value === 'bigint' && value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n)) {
    if (n < INT32_MIN || n > INT32_MAX) throw new ValueEncodingError(`${n} does not fit in Int32`);
    return n;
  }
  throw new ValueEncodingError(`expected a 32-bit integer, got ${describe(value)}`);
}

function encodeFloat(value: unknown): JsonValue {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number') throw new ValueEncodingError(`expected a number, got ${describe(value)}`);
  if (Number.isFinite(n)) return n;
  // JSON has no NaN or infinities; ClickHouse reads these spellings in quotes.
  if (Number.isNaN(n)) return 'nan';
  return n > 0 ? 'inf' : '-inf';
}

function encodeBool(value: unknown): JsonValue {
  if (typeof value === 'boolean') return value;
  throw new ValueEncodingError(`expected a boolean, got ${describe(value)}`);
}

function epochSeconds(ms: number, value: unknown): number {
  if (!Number.isFinite(ms)) throw new ValueEncodingError(`expected a time, got ${describe(value)}`);
  return Math.floor(ms / 1000);
}

function encodeTimestamp(value: unknown): JsonValue {
  if (typeof value === 'string') {
    // Only full RFC 3339 times: a bare date or local time would be read in some zone.
    if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
      throw new ValueEncodingError(`expected an RFC 3339 time, got ${describe(value)}`);
    }
    return epochSeconds(Date.parse(value.replace(' ', 'T')), value);
  }
  if (value instanceof Date) return epochSeconds(value.getTime(), value);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  throw new ValueEncodingError(`expected a time (RFC 3339 text or epoch seconds), got ${describe(value)}`);
}

function dayText(days: number): string {
  return new Date(days * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

function encodeDate32(value: unknown): JsonValue {
  if (typeof value === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new ValueEncodingError(`expected a date as YYYY-MM-DD, got ${describe(value)}`);
    }
    return value;
  }
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'number' && Number.isInteger(value)) return dayText(value);
  throw new ValueEncodingError(`expected a date, got ${describe(value)}`);
}

const PRIMITIVE_ENCODERS: Readonly<Record<Primitive['kind'], RequiredEncoder>> = {
  string: encodeString,
  int64: encodeInt64,
  int32: encodeInt32,
  float64: encodeFloat,
  float32: encodeFloat,
  timestamp: encodeTimestamp,
  bool: encodeBool,
  date32: encodeDate32,
};

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
}

function refuseNull(encode: RequiredEncoder): RequiredEncoder {
  return (value) => {
    if (isAbsent(value)) throw new ValueEncodingError('NULL for a column without a DEFAULT');
    return encode(value);
  };
}

/** A scalar column: NULL is left out when the column has a DEFAULT, an error when it has none. */
function scalarEncoder(primitive: Primitive, nullable: boolean): ValueEncoder {
  const encode = PRIMITIVE_ENCODERS[primitive.kind];
  if (nullable) return (value) => (isAbsent(value) ? undefined : encode(value));
  return refuseNull(encode);
}

/** A `Nested` member: every member is sent, NULL as the type's zero value when it is nullable. */
function memberEncoder(primitive: Primitive, nullable: boolean): RequiredEncoder {
  const encode = PRIMITIVE_ENCODERS[primitive.kind];
  if (nullable) return (value) => (isAbsent(value) ? primitive.defaultValue : encode(value));
  return refuseNull(encode);
}

function arrayEncoder(element: Primitive): ValueEncoder {
  const encode = PRIMITIVE_ENCODERS[element.kind];
  return (value) => {
    if (isAbsent(value)) return undefined;
    if (!Array.isArray(value)) throw new ValueEncodingError(`expected an array, got ${describe(value)}`);
    return value.map((item, i) => {
      if (isAbsent(item)) throw new ValueEncodingError(`element ${i} is NULL, which an Array cannot hold`);
      try {
        return encode(item);
      } catch (err) {
        throw new ValueEncodingError(`element ${i}: ${(err as Error).message}`);
      }
    });
  };
}

function memberOf(item: unknown, name: string): unknown {
  if (item instanceof Map) return item.get(name);
  return (item as Record<string, unknown>)[name];
}

/** `Nested`: one object per element with every member present (a missing or NULL member takes its zero value). */
function nestedEncoder(members: readonly Field[]): ValueEncoder {
  const encoders = members.map((member) => {
    const primitive = primitiveOf(member.type);
    if (primitive === null) throw new ValueEncodingError(`Nested member ${member.name} has unsupported type ${String(member.type)}`);
    return { name: member.name, encode: memberEncoder(primitive, member.nullable) };
  });
  return (value) => {
    if (isAbsent(value)) return undefined;
    if (!Array.isArray(value)) throw new ValueEncodingError(`expected an array of objects, got ${describe(value)}`);
    return value.map((item: unknown, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new ValueEncodingError(`element ${i}: expected an object, got ${describe(item)}`);
      }
      const out: { [key: string]: JsonValue } = {};
      for (const { name, encode } of encoders) {
        try {
          out[name] = encode(memberOf(item, name));
        } catch (err) {
          throw new ValueEncodingError(`element ${i}, member ${name}: ${(err as Error).message}`);
        }
      }
      return out;
    });
  };
}

/** The encoder for a column whose read-back field is `field`. */
export function valueEncoderFor(field: Field): ValueEncoder {
  const type = field.type as DataType;
  if (DataType.isList(type)) {
    const element = type.valueType as DataType;
    if (DataType.isStruct(element)) return nestedEncoder(element.children);
    const primitive = primitiveOf(element);
    if (primitive === null) throw new ValueEncodingError(`column ${field.name}: unsupported array element type ${String(element)}`);
    return arrayEncoder(primitive);
  }
  const primitive = primitiveOf(type);
  if (primitive === null) throw new ValueEncodingError(`column ${field.name}: unsupported type ${String(type)}`);
  return scalarEncoder(primitive, field.nullable);
}
