import type { EventColumn } from '../../src/schema/column.js';
import { castNonEmptyString, castStringOrNull } from '../../src/schema/casts.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { eventColumn } from '../generic/simple.js';
import { originalPageParam } from '../url/page-url.js';
import { CoreEvent } from './interfaces.js';
import type { PropertySettingsLookup } from './property-lookup.js';

/**
 * The core event columns every protocol shares: they read fields the protocol already set on
 * the hit (id, name, client, user, property, IP) or parameters of the page URL.
 */

const PAGE_LOCATION_DEPENDENCY = [CoreEvent.page_location.id];

export const eventIdColumn = eventColumn(CoreEvent.id, (e) => e.hit.id);

export const eventNameColumn = eventColumn(CoreEvent.name, (e) => e.hit.eventName, { cast: castNonEmptyString });

export const propertyIdColumn = eventColumn(CoreEvent.property_id, (e) => e.hit.propertyId);

export const clientIdColumn = eventColumn(CoreEvent.client_id, (e) => e.hit.clientId);

export const userIdColumn = eventColumn(CoreEvent.user_id, (e) => (e.hit.userId === null || e.hit.userId === '' ? null : e.hit.userId));

export const ipAddressColumn = eventColumn(CoreEvent.ip_address, (e) => e.hit.request.ip);

/** The configured name of the hit's property; `""` when the property is unknown. */
export function propertyNameColumn(properties: PropertySettingsLookup): EventColumn {
  return eventColumn(CoreEvent.property_name, (e) => {
    try {
      return properties.byPropertyId(e.hit.propertyId).name;
    } catch {
      return '';
    }
  });
}

/** A parameter of the original (unstripped) page URL, empty → null. */
function pageUrlParamColumn(iface: DocumentedInterface, param: string): EventColumn {
  return eventColumn(iface, (e) => originalPageParam(e, param), { cast: castStringOrNull, dependsOn: PAGE_LOCATION_DEPENDENCY });
}

export const utmColumns: readonly EventColumn[] = [
  pageUrlParamColumn(CoreEvent.utm_campaign, 'utm_campaign'),
  pageUrlParamColumn(CoreEvent.utm_source, 'utm_source'),
  pageUrlParamColumn(CoreEvent.utm_medium, 'utm_medium'),
  pageUrlParamColumn(CoreEvent.utm_content, 'utm_content'),
  pageUrlParamColumn(CoreEvent.utm_term, 'utm_term'),
  pageUrlParamColumn(CoreEvent.utm_id, 'utm_id'),
  pageUrlParamColumn(CoreEvent.utm_source_platform, 'utm_source_platform'),
  pageUrlParamColumn(CoreEvent.utm_creative_format, 'utm_creative_format'),
  pageUrlParamColumn(CoreEvent.utm_marketing_tactic, 'utm_marketing_tactic'),
];

export const clickIdColumns: readonly EventColumn[] = [
  pageUrlParamColumn(CoreEvent.click_id_gclid, 'gclid'),
  pageUrlParamColumn(CoreEvent.click_id_dclid, 'dclid'),
  pageUrlParamColumn(CoreEvent.click_id_gbraid, 'gbraid'),
  pageUrlParamColumn(CoreEvent.click_id_srsltid, 'srsltid'),
  pageUrlParamColumn(CoreEvent.click_id_wbraid, 'wbraid'),
  pageUrlParamColumn(CoreEvent.click_id_fbclid, 'fbclid'),
  pageUrlParamColumn(CoreEvent.click_id_msclkid, 'msclkid'),
];

export function coreEventColumns(properties: PropertySettingsLookup): EventColumn[] {
  return [eventIdColumn, eventNameColumn, ipAddressColumn, clientIdColumn, userIdColumn, propertyIdColumn, propertyNameColumn(properties), ...utmColumns, ...clickIdColumns];
}
