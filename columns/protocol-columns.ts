import type { ColumnSet } from '../src/schema/column.js';
import type { InterfaceId } from '../src/schema/interface.js';
import { d8aColumns } from '../protocols/d8a/columns/index.js';
import { ga4Columns, GA4_INTERFACE_ORDER } from '../protocols/ga4/columns/index.js';
import { NO_PROPERTIES, type PropertySettingsLookup } from './core/property-lookup.js';

/** Protocols whose column catalogue exists so far. */
export type CatalogueProtocol = 'ga4' | 'd8a';

export function hasColumnCatalogue(protocol: string): protocol is CatalogueProtocol {
  return protocol === 'ga4' || protocol === 'd8a';
}

/**
 * The columns a protocol adds to the core ones. Property settings are looked up per hit (the
 * page_location exclusions); without a lookup nothing is stripped, which suits the catalogue.
 */
export function protocolColumns(protocol: CatalogueProtocol, properties: PropertySettingsLookup = NO_PROPERTIES): ColumnSet {
  switch (protocol) {
    case 'ga4':
      return ga4Columns({ properties });
    case 'd8a':
      return d8aColumns({ properties });
  }
}

/**
 * The protocol's declared interfaces, for the physical order. The native protocol declares
 * GA4's (unrenamed) ids, as d8a does, so its renamed GA4 columns sort after the declared ones.
 */
export function protocolInterfaceOrder(protocol: CatalogueProtocol): readonly InterfaceId[] {
  switch (protocol) {
    case 'ga4':
    case 'd8a':
      return GA4_INTERFACE_ORDER;
  }
}
