import type { EventColumn } from '../../src/schema/column.js';
import { alwaysNullEventColumn } from '../generic/simple.js';
import { CoreEvent } from './interfaces.js';

/**
 * Always-null device and geo columns, the reference's `stub` providers: the table keeps its
 * full shape while device detection or geolocation is not configured. A real provider
 * replaces these by implementing the same interfaces.
 */

export const stubGeoColumns: readonly EventColumn[] = [
  alwaysNullEventColumn(CoreEvent.geo_continent),
  alwaysNullEventColumn(CoreEvent.geo_country),
  alwaysNullEventColumn(CoreEvent.geo_region),
  alwaysNullEventColumn(CoreEvent.geo_city),
  alwaysNullEventColumn(CoreEvent.geo_sub_continent),
  alwaysNullEventColumn(CoreEvent.geo_metro),
];

export const stubDeviceColumns: readonly EventColumn[] = [
  alwaysNullEventColumn(CoreEvent.device_category),
  alwaysNullEventColumn(CoreEvent.device_mobile_brand_name),
  alwaysNullEventColumn(CoreEvent.device_mobile_model_name),
  alwaysNullEventColumn(CoreEvent.device_operating_system),
  alwaysNullEventColumn(CoreEvent.device_operating_system_version),
  alwaysNullEventColumn(CoreEvent.device_web_browser),
  alwaysNullEventColumn(CoreEvent.device_web_browser_version),
];
