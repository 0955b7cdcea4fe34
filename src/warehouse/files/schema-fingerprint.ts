/**
 * Identity of a schema for file naming: every schema change gives new files, so one file never
 * mixes column sets. Field metadata is left out on purpose; it carries storage hints, not shape.
 */
import { createHash } from 'node:crypto';
import { DataType, TimeUnit, type Field, type Schema } from 'apache-arrow';

// Every write names its segment by its schema, and a table's writes share one schema object.
const fingerprints = new WeakMap<Schema, { fields: readonly Field[]; fingerprint: string }>();

/** 16 lowercase hex digits of SHA-256 over a canonical description of the schema. */
export function schemaFingerprint(schema: Schema): string {
  const known = fingerprints.get(schema);
  // Arrow schemas are not changed in place; the field list is compared anyway, by identity.
  if (known !== undefined && known.fields === schema.fields) return known.fingerprint;
  const canonical = schema.fields.map(canonicalField).join(',');
  const fingerprint = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  fingerprints.set(schema, { fields: schema.fields, fingerprint });
  return fingerprint;
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
