import { EMPTY_COLUMN_SET, type ColumnSet } from '../src/schema/column.js';
import type { InterfaceId } from '../src/schema/interface.js';
import type { PropertySettings } from '../src/settings/types.js';
import { d8aColumns } from '../protocols/d8a/columns/index.js';
import { ga4Columns, ga4CustomColumns, GA4_INTERFACE_ORDER } from '../protocols/ga4/columns/index.js';
import type { CurrencyConverter } from './currency/converter.js';
import { matomoColumns, matomoCustomColumns, MATOMO_INTERFACE_ORDER } from '../protocols/matomo/columns/index.js';
import { NO_PROPERTIES, type PropertySettingsLookup } from './core/property-lookup.js';

/** Protocols whose column catalogue exists so far. */
export type CatalogueProtocol = 'ga4' | 'd8a' | 'matomo';

export function hasColumnCatalogue(protocol: string): protocol is CatalogueProtocol {
  return protocol === 'ga4' || protocol === 'd8a' || protocol === 'matomo';
}

/**
 * The columns a protocol adds to the core ones. Property settings are looked up per hit (the
 * page_location exclusions); without a lookup nothing is stripped, which suits the catalogue.
 */
export function protocolColumns(
  protocol: CatalogueProtocol,
  properties: PropertySettingsLookup = NO_PROPERTIES,
  currencyConverter?: CurrencyConverter,
): ColumnSet {
  const money = currencyConverter === undefined ? {} : { currencyConverter };
  switch (protocol) {
    case 'ga4':
      return ga4Columns({ properties, ...money });
    case 'd8a':
      return d8aColumns({ properties, ...money });
    case 'matomo':
      return matomoColumns({ properties });
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
    case 'matomo':
      return MATOMO_INTERFACE_ORDER;
  }
}

/**
 * The custom columns a property's own settings ask for through its protocol's shortcuts:
 * `matomo.custom_dimensions` and `matomo.custom_variables` for a Matomo property.
 */
export function protocolCustomColumns(property: PropertySettings): ColumnSet {
  if (property.protocol === 'matomo') return matomoCustomColumns(property);
  if (property.protocol === 'ga4' || property.protocol === 'd8a') return ga4CustomColumns(property);
  return EMPTY_COLUMN_SET;
}
