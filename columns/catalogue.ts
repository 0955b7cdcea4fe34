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
  nullable: boolean;
  description: string;
  interfaceId: string;
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
    nullable: c.implements.field.nullable,
    description: c.docs.description,
    interfaceId: c.implements.id,
  }));
}
