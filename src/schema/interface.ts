import { Field, type DataType } from 'apache-arrow';

/** Namespaced id of a column interface, e.g. `core.d8a.tech/events/page_location`. */
export type InterfaceId = string;

/**
 * What a column promises to produce: a stable id and the Arrow field (name, type, nullability)
 * of the value it writes. Several implementations may exist for one interface (a real device
 * detector and an always-null stub); a column set holds at most one per id.
 */
export interface ColumnInterface {
  readonly id: InterfaceId;
  readonly field: Field;
}

/** Field metadata keys the warehouse drivers understand (the reference's names, kept for compatibility). */
export const FIELD_METADATA = {
  description: 'd8a.column.description',
  lowCardinality: 'd8a.warehouse.clickhouse.low_cardinality',
  codec: 'd8a.warehouse.clickhouse.codec',
} as const;

export interface InterfaceFieldOptions {
  nullable?: boolean;
  /** ClickHouse may store the column as LowCardinality. */
  lowCardinality?: boolean;
  /** ClickHouse compression codec, e.g. `CODEC(Delta, LZ4)`. */
  codec?: string;
}

export function defineInterface(id: InterfaceId, name: string, type: DataType, options: InterfaceFieldOptions = {}): ColumnInterface {
  const metadata = new Map<string, string>();
  if (options.lowCardinality === true) metadata.set(FIELD_METADATA.lowCardinality, 'true');
  if (options.codec !== undefined) metadata.set(FIELD_METADATA.codec, options.codec);
  return { id, field: new Field(name, type, options.nullable ?? false, metadata) };
}

/** The interface with a description in its field metadata, which warehouses use as a column comment. */
export function withDescription(iface: ColumnInterface, description: string): ColumnInterface {
  if (description === '') return iface;
  const metadata = new Map(iface.field.metadata);
  metadata.set(FIELD_METADATA.description, description);
  return { id: iface.id, field: iface.field.clone({ metadata }) };
}
