/**
 * Arrow fields ↔ BigQuery table fields, after the reference's eleven mappers (warehouse-config
 * §2.4): string, int64/int32 → INTEGER, float64/float32 → FLOAT, bool, second timestamps,
 * dates, lists as REPEATED fields, structs as RECORDs (inside lists only, one level deep), and
 * nullability as the field mode. Reading a table back gives the Arrow field each BigQuery field
 * stands for, so schema evolution compares like with like.
 */
import { Bool, DataType, DateDay, Field, Float64, Int64, List, Struct, TimestampSecond, TimeUnit, Utf8, type Schema } from 'apache-arrow';
import { FIELD_METADATA } from '../../schema/interface.js';
import { UnsupportedMappingError } from '../errors.js';
import { TypeComparer, type CompatibilityRule } from '../schema-diff.js';

export type BigQueryFieldType = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'RECORD';
export type BigQueryFieldMode = 'REQUIRED' | 'NULLABLE' | 'REPEATED';

/** A field of a table resource's `schema.fields`, as the REST API spells it. */
export interface BigQueryField {
  name: string;
  type: BigQueryFieldType;
  mode: BigQueryFieldMode;
  fields?: BigQueryField[];
  description?: string;
}

const MAPPER = 'bigquery';

/** The BigQuery field of an Arrow field, or `UnsupportedMappingError`. */
export function bigQueryFieldOf(field: Field): BigQueryField {
  return mapField(field, 'root');
}

export function bigQuerySchemaOf(schema: Schema): BigQueryField[] {
  return schema.fields.map((f) => bigQueryFieldOf(f));
}

function mapField(field: Field, parent: 'root' | 'list'): BigQueryField {
  const type = field.type as DataType;
  const description = field.metadata.get(FIELD_METADATA.description);
  const withDescription = (f: BigQueryField): BigQueryField => (description === undefined || description === '' ? f : { ...f, description });
  if (DataType.isList(type)) {
    const element = type.children[0];
    if (element === undefined || parent !== 'root') throw new UnsupportedMappingError(String(type), MAPPER);
    const inner = mapField(element, 'list');
    if (inner.mode === 'REPEATED') throw new UnsupportedMappingError(String(type), MAPPER);
    const { description: _elementDescription, ...rest } = inner;
    // The list's own nullability is not expressible: a REPEATED field is simply empty.
    return withDescription({ ...rest, name: field.name, mode: 'REPEATED' });
  }
  if (DataType.isStruct(type)) {
    if (parent !== 'list') throw new UnsupportedMappingError(String(type), MAPPER);
    const fields = type.children.map((child) => {
      const sub = mapField(child, 'root');
      if (sub.type === 'RECORD' || sub.mode === 'REPEATED') throw new UnsupportedMappingError(String(type), MAPPER);
      return sub;
    });
    return withDescription({ name: field.name, type: 'RECORD', mode: field.nullable ? 'NULLABLE' : 'REQUIRED', fields });
  }
  const scalar = scalarType(type);
  if (scalar === null) throw new UnsupportedMappingError(String(type), MAPPER);
  return withDescription({ name: field.name, type: scalar, mode: field.nullable ? 'NULLABLE' : 'REQUIRED' });
}

function scalarType(type: DataType): BigQueryFieldType | null {
  if (DataType.isUtf8(type)) return 'STRING';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isInt(type)) return type.isSigned && (type.bitWidth === 64 || type.bitWidth === 32) ? 'INTEGER' : null;
  if (DataType.isFloat(type)) return type.precision === 2 || type.precision === 1 ? 'FLOAT' : null;
  if (DataType.isTimestamp(type)) return type.unit === TimeUnit.SECOND ? 'TIMESTAMP' : null;
  if (DataType.isDate(type)) return type.unit === 0 ? 'DATE' : null; // DateUnit.DAY
  return null;
}

// ---------------------------------------------------------------- reading a table back

/** Type names the API may report for the same thing (standard SQL next to legacy names). */
const TYPE_ALIASES: Record<string, BigQueryFieldType> = {
  STRING: 'STRING',
  INTEGER: 'INTEGER',
  INT64: 'INTEGER',
  FLOAT: 'FLOAT',
  FLOAT64: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  RECORD: 'RECORD',
  STRUCT: 'RECORD',
};

/** A table column whose BigQuery type Cairn has no Arrow type for (e.g. NUMERIC, JSON). */
export class UnknownBigQueryTypeError extends Error {
  override readonly name = 'UnknownBigQueryTypeError';
}

/** The Arrow field a column of the table stands for (REPEATED reads back as a nullable list). */
export function arrowFieldOf(field: BigQueryField): Field {
  const mode = (field.mode ?? 'NULLABLE').toUpperCase();
  const element = arrowElementOf(field);
  if (mode === 'REPEATED') return new Field(field.name, new List(new Field('item', element.type, element.nullable)), true);
  return new Field(field.name, element.type, mode !== 'REQUIRED');
}

function arrowElementOf(field: BigQueryField): { type: DataType; nullable: boolean } {
  const type = TYPE_ALIASES[String(field.type).toUpperCase()];
  const nullable = (field.mode ?? 'NULLABLE').toUpperCase() !== 'REQUIRED';
  switch (type) {
    case 'STRING':
      return { type: new Utf8(), nullable };
    case 'INTEGER':
      return { type: new Int64(), nullable };
    case 'FLOAT':
      return { type: new Float64(), nullable };
    case 'BOOLEAN':
      return { type: new Bool(), nullable };
    case 'TIMESTAMP':
      return { type: new TimestampSecond('UTC'), nullable };
    case 'DATE':
      return { type: new DateDay(), nullable };
    case 'RECORD':
      return { type: new Struct((field.fields ?? []).map(arrowFieldOf)), nullable };
    default:
      throw new UnknownBigQueryTypeError(`column ${field.name} has BigQuery type ${String(field.type)}, which Cairn does not write`);
  }
}

// ---------------------------------------------------------------- compatibility

const widerInt: CompatibilityRule = (expected, actual) => {
  const both = DataType.isInt(expected) && DataType.isInt(actual) && [32, 64].includes(expected.bitWidth) && [32, 64].includes(actual.bitWidth);
  return { handled: both, compatible: both };
};

const widerFloat: CompatibilityRule = (expected, actual) => {
  const both = DataType.isFloat(expected) && DataType.isFloat(actual) && [1, 2].includes(expected.precision) && [1, 2].includes(actual.precision);
  return { handled: both, compatible: both };
};

/**
 * The reference's BigQuery checker: the column's nullability must match exactly, then the
 * structural comparison with INTEGER taking int32 or int64 and FLOAT taking float32 or float64.
 */
export class BigQueryTypeComparer extends TypeComparer {
  constructor() {
    super([widerInt, widerFloat]);
  }

  override fieldsIncompatibility(existing: Field, input: Field): string | null {
    if (existing.nullable !== input.nullable) {
      return `${existing.name}: nullability differs - expected: ${existing.nullable}, actual: ${input.nullable}`;
    }
    return super.fieldsIncompatibility(existing, input);
  }
}

/** BigQuery's verdict on an int32 column read back as INTEGER (int64) and the like. */
export const bigQueryTypeComparer = new BigQueryTypeComparer();
