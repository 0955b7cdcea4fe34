/**
 * Identity of a schema for file naming: every schema change gives new files, so one file never
 * mixes column sets. Field metadata is left out on purpose; it carries storage hints, not shape.
 */
import { createHash } from 'node:crypto';
import { DataType, TimeUnit, type Field, type Schema } from 'apache-arrow';

/** 16 lowercase hex digits of SHA-256 over a canonical description of the schema. */
export function schemaFingerprint(schema: Schema): string {
  const canonical = schema.fields.map(canonicalField).join(',');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function canonicalField(field: Field): string {
  return `${JSON.stringify(field.name)}:${canonicalType(field.type as DataType)}${field.nullable ? '?' : '!'}`;
}

function canonicalType(type: DataType): string {
  if (DataType.isList(type)) return `list<${type.children.map(canonicalField).join(',')}>`;
  if (DataType.isStruct(type)) return `struct<${type.children.map(canonicalField).join(',')}>`;
  if (DataType.isMap(type)) return `map<${type.children.map(canonicalField).join(',')}>`;
  if (DataType.isTimestamp(type)) return `timestamp[${TimeUnit[type.unit]},${type.timezone ?? ''}]`;
  return String(type);
}

/** The table name as it appears in paths: anything outside `A-Z a-z 0-9 _ -` becomes `_`. */
export function escapeTableName(table: string): string {
  return table.replace(/[^A-Za-z0-9_-]/gu, '_');
}
