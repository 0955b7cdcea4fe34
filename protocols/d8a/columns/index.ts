import type { Column, ColumnSet } from '../../../src/schema/column.js';
import type { CurrencyConverter } from '../../../columns/currency/converter.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { ga4Columns } from '../../ga4/columns/index.js';
import { d8aInterfaceId } from './interface-ids.js';

export { d8aInterfaceId } from './interface-ids.js';

/**
 * The native protocol speaks GA4's wire format, so its columns are GA4's: same names, types
 * and logic, `tracking_protocol` = `d8a`, and every GA4 interface id renamed from `ga4.` to
 * `d8a.` (core ids are untouched). The renamed ids are unknown to the GA4 declaration order,
 * so in the physical order they follow the core columns in evaluation order, as in d8a.
 */
function renamed<T extends Column>(column: T): T {
  const id = d8aInterfaceId(column.implements.id);
  return {
    ...column,
    implements: { id, field: column.implements.field },
    dependsOn: column.dependsOn.map(d8aInterfaceId),
    docs: { ...column.docs, interfaceId: id },
  };
}

export interface D8aColumnOptions {
  properties: PropertySettingsLookup;
  /** As for GA4: rates for the `*_in_usd` columns. */
  currencyConverter?: CurrencyConverter;
}

export function d8aColumns(options: D8aColumnOptions): ColumnSet {
  const ga4 = ga4Columns({
    properties: options.properties,
    trackingProtocol: 'd8a',
    ...(options.currencyConverter ? { currencyConverter: options.currencyConverter } : {}),
  });
  return { event: ga4.event.map(renamed), sessionScoped: ga4.sessionScoped.map(renamed), session: ga4.session.map(renamed) };
}
