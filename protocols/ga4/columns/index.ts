import type { ColumnSet } from '../../../src/schema/column.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { ga4CoreEventColumns } from './core-event-columns.js';
import { ga4EventColumns } from './event-columns.js';
import { ga4SessionColumns } from './session-columns.js';

export { GA4_INTERFACE_ORDER } from './interfaces.js';

export interface Ga4ColumnOptions {
  properties: PropertySettingsLookup;
  /** Value of the tracking_protocol column: `ga4_gtag` for GA4, `d8a` for the native protocol. */
  trackingProtocol?: string;
}

/**
 * The columns the GA4 protocol contributes to a table: its implementations of core interfaces
 * (page URL and title, referrer, dates, language, counters…) and its own columns.
 */
export function ga4Columns(options: Ga4ColumnOptions): ColumnSet {
  return {
    event: [...ga4CoreEventColumns(options.properties, options.trackingProtocol ?? 'ga4_gtag'), ...ga4EventColumns()],
    sessionScoped: [],
    session: ga4SessionColumns(),
  };
}
