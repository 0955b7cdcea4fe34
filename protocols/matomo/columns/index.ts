import type { ColumnSet } from '../../../src/schema/column.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { matomoCoreEventColumns } from './core-event-columns.js';
import { matomoEventColumns } from './event-columns.js';
import { matomoSessionColumns } from './session-columns.js';

export { MATOMO_INTERFACE_ORDER } from './interfaces.js';
export { matomoCustomColumns } from './custom-columns.js';

export interface MatomoColumnOptions {
  properties: PropertySettingsLookup;
}

/**
 * The columns the Matomo protocol contributes to a table: its implementations of core
 * interfaces (page URL and title, referrer, dates, language, counters…) and its own 36 event
 * and 6 session columns.
 */
export function matomoColumns(options: MatomoColumnOptions): ColumnSet {
  return {
    event: [...matomoCoreEventColumns(options.properties), ...matomoEventColumns()],
    sessionScoped: [],
    session: matomoSessionColumns(),
  };
}
