import type { EventColumn } from '../../../src/schema/column.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { MEASUREMENT_PROTOCOL_HITS } from '../../../src/hits/hit.js';
import {
  dateUtcColumn,
  deviceLanguageColumn,
  ignoreReferrerColumn,
  pageHostnameColumn,
  pageLocationColumn,
  pagePathColumn,
  pageReferrerColumn,
  pageTitleColumn,
  platformWebColumn,
  screenResolutionColumn,
  timestampUtcColumn,
  trackingProtocolColumn,
} from '../../../columns/core/protocol-event-columns.js';

/** The core event interfaces GA4 implements from its own parameters (dl, dt, dr, ul, sr, ir). */
export function ga4CoreEventColumns(properties: PropertySettingsLookup, trackingProtocol: string): EventColumn[] {
  return [
    dateUtcColumn,
    timestampUtcColumn,
    pageLocationColumn('dl', properties),
    pageHostnameColumn,
    pagePathColumn,
    pageTitleColumn('dt'),
    pageReferrerColumn('dr'),
    platformWebColumn,
    deviceLanguageColumn('ul'),
    screenResolutionColumn('sr'),
    trackingProtocolColumn(trackingProtocol, { [MEASUREMENT_PROTOCOL_HITS]: MEASUREMENT_PROTOCOL_HITS }),
    ignoreReferrerColumn('ir'),
  ];
}
