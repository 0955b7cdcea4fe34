import type { ColumnSet } from '../../../src/schema/column.js';
import type { CurrencyConverter } from '../../../columns/currency/converter.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { ga4CoreEventColumns } from './core-event-columns.js';
import { ecommerceColumns } from './ecommerce-columns.js';
import { ga4HitColumns } from './event-columns.js';
import { paramColumns } from './param-columns.js';
import { eventParamsColumn } from './params-list.js';
import { ga4SessionColumns } from './session-columns.js';
import { userPropertiesColumn } from './user-properties.js';
import { USD_ONLY_CONVERTER } from './usd-conversion.js';

export { GA4_INTERFACE_ORDER } from './interfaces.js';
export { USD_ONLY_CONVERTER } from './usd-conversion.js';
export { ga4CustomColumns } from './custom-columns.js';

export interface Ga4ColumnOptions {
  properties: PropertySettingsLookup;
  /** Value of the tracking_protocol column: `ga4_gtag` for GA4, `d8a` for the native protocol. */
  trackingProtocol?: string;
  /**
   * Rates for the `*_in_usd` columns. Without one, amounts in US dollars pass through and
   * every other currency gives null.
   */
  currencyConverter?: CurrencyConverter;
}

/**
 * The columns the GA4 protocol contributes to a table: its implementations of core interfaces
 * (page URL and title, referrer, dates, language, counters…) and its own columns.
 */
export function ga4Columns(options: Ga4ColumnOptions): ColumnSet {
  return {
    event: [
      ...ga4CoreEventColumns(options.properties, options.trackingProtocol ?? 'ga4_gtag'),
      ...ga4HitColumns(),
      ...paramColumns(),
      eventParamsColumn,
      userPropertiesColumn,
      ...ecommerceColumns(options.currencyConverter ?? USD_ONLY_CONVERTER),
    ],
    sessionScoped: [],
    session: ga4SessionColumns(),
  };
}
