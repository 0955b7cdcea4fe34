import type { ColumnSet } from '../../src/schema/column.js';
import { basicTrafficSourceDetector } from '../attribution/basic-detector.js';
import { stubDeviceColumns, stubGeoColumns } from './device-geo-stubs.js';
import { coreEventColumns } from './event-columns.js';
import type { PropertySettingsLookup } from './property-lookup.js';
import { coreSessionColumns } from './session-columns.js';
import { coreSessionScopedColumns } from './session-scoped-columns.js';
import type { TrafficSourceDetector } from './traffic-source.js';

export interface CoreColumnOptions {
  properties: PropertySettingsLookup;
  /** Attribution for session_source / medium / term; the built-in chain without host lists by default. */
  trafficSource?: TrafficSourceDetector;
}

/**
 * The core columns Cairn implements itself for every protocol (23 event, 11 session-scoped,
 * 51 session). The rest of the core interfaces come from the protocol (page URL, title,
 * referrer, dates, language, counters…) and from the device and geo providers.
 */
export function coreColumns(options: CoreColumnOptions): ColumnSet {
  return {
    event: coreEventColumns(options.properties),
    sessionScoped: coreSessionScopedColumns(),
    session: coreSessionColumns(options.trafficSource ?? basicTrafficSourceDetector()),
  };
}

/** The always-null device (7) and geo (6) event columns. */
export function stubDeviceGeoColumns(): ColumnSet {
  return { event: [...stubGeoColumns, ...stubDeviceColumns], sessionScoped: [], session: [] };
}
