import { DataType, type Field } from 'apache-arrow';
import type { Column } from '../src/schema/column.js';
import { arrowTypeName } from '../src/schema/arrow-type-names.js';
import { NO_PROPERTIES } from './core/property-lookup.js';
import { physicalOrderKeeper, protocolColumnSet } from './column-sets.js';
import type { CatalogueProtocol } from './protocol-columns.js';

export interface CatalogueEntry {
  name: string;
  displayName: string;
  scope: Column['scope'];
  /** Arrow type in short form: `utf8`, `int64`, `timestamp[s, tz=UTC]`, `list<struct<…>>`. */
  type: string;
  /** The type in words for readers of the docs: `String`, `Numeric (Int64)`, `Array<Object<…>>`. */
  friendlyType: string;
  nullable: boolean;
  description: string;
  interfaceId: string;
}

/**
 * A column type as the reference's catalogue names it for people: `String`, `Numeric (Int64)`,
 * `Numeric (Float64)`, `Boolean`, `Date`, `Datetime (s)`, lists as `Array<…>` and structs as
 * `Object<field: …>`.
 */
export function friendlyTypeName(type: DataType): string {
  if (DataType.isUtf8(type)) return 'String';
  if (DataType.isBool(type)) return 'Boolean';
  if (DataType.isInt(type)) return `Numeric (${type.isSigned ? 'Int' : 'Uint'}${type.bitWidth})`;
  if (DataType.isFloat(type)) return arrowTypeName(type) === 'float32' ? 'Numeric (Float32)' : 'Numeric (Float64)';
  if (DataType.isDate(type)) return 'Date';
  if (DataType.isTimestamp(type)) return `Datetime (${/^timestamp\[(\w+)/.exec(arrowTypeName(type))?.[1] ?? 's'})`;
  if (DataType.isList(type)) return `Array<${friendlyTypeName(type.valueType)}>`;
  if (DataType.isStruct(type)) return `Object<${type.children.map((f: Field) => `${f.name}: ${friendlyTypeName(f.type)}`).join(', ')}>`;
  return arrowTypeName(type);
}

/**
 * The columns of a protocol's table in physical order (events, session-scoped, sessions),
 * as `cairn columns` prints them. Device and geo columns are listed with their stub
 * implementations; custom columns are per property and not part of the catalogue.
 */
export function columnCatalogue(protocol: CatalogueProtocol): CatalogueEntry[] {
  const physical = physicalOrderKeeper(protocol).sorted(protocolColumnSet(protocol, { properties: NO_PROPERTIES }));
  const ordered = [...physical.event, ...physical.sessionScoped, ...physical.session];
  return ordered.map((c) => ({
    name: c.implements.field.name,
    displayName: c.docs.displayName,
    scope: c.scope,
    type: arrowTypeName(c.implements.field.type),
    friendlyType: friendlyTypeName(c.implements.field.type),
    nullable: c.implements.field.nullable,
    description: c.docs.description,
    interfaceId: c.implements.id,
  }));
}
