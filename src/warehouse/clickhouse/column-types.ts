/**
 * Arrow field → ClickHouse column type, following the reference's composite mapper: the first
 * of these that applies wins — low cardinality (field metadata), arrays and `Nested` for lists,
 * rejection of a bare struct, nullable scalars as `T DEFAULT <zero>` (never `Nullable(T)`), then
 * the eight primitives.
 */
import { DataType, Field } from 'apache-arrow';
import { FIELD_METADATA } from '../../schema/interface.js';
import { UnsupportedMappingError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { primitiveOf } from './primitives.js';

/** Name under which this driver reports types it cannot map. */
export const CLICKHOUSE_MAPPER = 'clickhouse';

export interface ClickHouseColumnType {
  /** The type as DDL writes it, e.g. `LowCardinality(String)` or ``Nested(`name` String)``. */
  readonly sql: string;
  /** `DEFAULT` expression of a nullable scalar column; null when the column has none. */
  readonly defaultExpression: string | null;
}

function unsupported(type: DataType): UnsupportedMappingError {
  return new UnsupportedMappingError(String(type), CLICKHOUSE_MAPPER);
}

/** `Nested(...)` of a list of structs: sub-columns take their primitive type only (no DEFAULT, codec or low cardinality). */
function nestedType(struct: DataType): string {
  if (!DataType.isStruct(struct) || struct.children.length === 0) throw unsupported(struct);
  const parts = struct.children.map((child) => {
    const primitive = primitiveOf(child.type);
    if (primitive === null) throw unsupported(child.type);
    return `${quoteIdentifier(child.name)} ${primitive.sql}`;
  });
  return `Nested(${parts.join(', ')})`;
}

function listType(list: DataType): string {
  if (!DataType.isList(list)) throw unsupported(list);
  const element = list.valueType;
  if (DataType.isStruct(element)) return nestedType(element);
  const primitive = primitiveOf(element);
  if (primitive === null) throw unsupported(list);
  return `Array(${primitive.sql})`;
}

/** The field without the low-cardinality hint, so the inner mapping does not recurse into it. */
function withoutLowCardinality(field: Field): Field {
  const metadata = new Map(field.metadata);
  metadata.delete(FIELD_METADATA.lowCardinality);
  return new Field(field.name, field.type, field.nullable, metadata);
}

/** The ClickHouse type of a column for `field`; throws `UnsupportedMappingError` for a type it cannot store. */
export function clickHouseColumnType(field: Field): ClickHouseColumnType {
  if (field.metadata.get(FIELD_METADATA.lowCardinality) === 'true') {
    if (DataType.isList(field.type) || DataType.isStruct(field.type)) throw unsupported(field.type);
    const inner = clickHouseColumnType(withoutLowCardinality(field));
    return { sql: `LowCardinality(${inner.sql})`, defaultExpression: inner.defaultExpression };
  }
  if (DataType.isList(field.type)) return { sql: listType(field.type), defaultExpression: null };
  if (DataType.isStruct(field.type)) throw unsupported(field.type);
  const primitive = primitiveOf(field.type);
  if (primitive === null) throw unsupported(field.type);
  return { sql: primitive.sql, defaultExpression: field.nullable ? primitive.defaultExpression : null };
}

/** The field's codec hint, checked: it must be a `CODEC(...)` clause. */
export function codecClause(field: Field): string | null {
  const raw = field.metadata.get(FIELD_METADATA.codec);
  if (raw === undefined) return null;
  const codec = raw.trim();
  if (codec === '' || !codec.startsWith('CODEC(')) {
    throw new Error(`column ${field.name}: ${FIELD_METADATA.codec} must be a CODEC(...) clause, got ${JSON.stringify(raw)}`);
  }
  return codec;
}

/** `` `name` Type[ DEFAULT expr][ CODEC(...)] ``, as both CREATE TABLE and ADD COLUMN write it. */
export function columnDefinition(field: Field): string {
  const type = clickHouseColumnType(field);
  let definition = `${quoteIdentifier(field.name)} ${type.sql}`;
  if (type.defaultExpression !== null) definition += ` DEFAULT ${type.defaultExpression}`;
  const codec = codecClause(field);
  if (codec !== null) definition += ` ${codec}`;
  return definition;
}
