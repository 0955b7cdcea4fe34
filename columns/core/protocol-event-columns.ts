import type { EventColumn } from '../../src/schema/column.js';
import { castBoolOrNull, castStringOrNull } from '../../src/schema/casts.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import { eventTimeMs, firstHeader, PLATFORM_METADATA_KEY, PROTOCOL_METADATA_KEY } from '../../src/hits/hit.js';
import { utcDate, utcTimestamp } from '../../src/hits/utc-text.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { eventColumn } from '../generic/simple.js';
import { queryParamEventColumn, queryParamValue } from '../generic/query-param.js';
import { goHostname, GoUrlError, type GoUrl } from '../url/go-url.js';
import { ORIGINAL_PAGE_LOCATION, stripExcludedParams } from '../url/page-url.js';
import { recentUrls } from '../url/recent-urls.js';
import { CoreEvent } from './interfaces.js';
import type { PropertySettingsLookup } from './property-lookup.js';

/**
 * Builders for the core event columns a protocol implements with its own parameters (GA4
 * reads `dl`, `dt`, `dr`; Matomo reads `url`, `action_name`, `urlref`). The logic is shared;
 * only the parameter names and the tracking-protocol constant differ.
 */

// The event's own time: the server-received time unless the client dated the event itself.
export const dateUtcColumn = eventColumn(CoreEvent.date_utc, (e) => utcDate(eventTimeMs(e.hit)));

export const timestampUtcColumn = eventColumn(CoreEvent.timestamp_utc, (e) => utcTimestamp(eventTimeMs(e.hit)));

/** `web`, unless the event came from an app stream (`android`, `ios`, `app`). */
export const platformWebColumn = eventColumn(CoreEvent.platform, (e) => e.hit.metadata[PLATFORM_METADATA_KEY] ?? 'web');

/**
 * The protocol constant of the table, or a more specific value for hits of another protocol
 * feeding the same table (GA4's Measurement Protocol writes `ga4_mp` into GA4 tables).
 */
export function trackingProtocolColumn(value: string, byHitProtocol: Readonly<Record<string, string>> = {}): EventColumn {
  return eventColumn(CoreEvent.tracking_protocol, (e) => {
    const hitProtocol = e.hit.metadata[PROTOCOL_METADATA_KEY];
    return (hitProtocol !== undefined ? byHitProtocol[hitProtocol] : undefined) ?? value;
  });
}

/**
 * page_location from a URL parameter: `""` when absent, otherwise the URL without the
 * property's excluded parameters. The URL as sent is kept in the event metadata for the
 * campaign and attribution columns. An unparsable URL breaks the event.
 */
export function pageLocationColumn(param: string, properties: PropertySettingsLookup): EventColumn {
  const excludedFor = (propertyId: string): readonly string[] => {
    try {
      return properties.byPropertyId(propertyId).excludedUrlParams;
    } catch {
      return [];
    }
  };
  return eventColumn(CoreEvent.page_location, (e) => {
    const original = queryParamValue(e.hit, param);
    if (original === null || original === '') return '';
    let cleaned: string;
    try {
      // Parsed through the shared memo: hostname, path, campaign and attribution columns reuse the parse.
      cleaned = stripExcludedParams(original, excludedFor(e.hit.propertyId));
    } catch (err) {
      if (err instanceof GoUrlError) throw new BrokenEventError(`failed to strip excluded params: ${err.message}`);
      throw err;
    }
    e.metadata[ORIGINAL_PAGE_LOCATION] = original;
    return cleaned;
  });
}

/** A part of the parsed page_location; null when page_location is missing, a broken event when it does not parse. */
function pageUrlPartColumn(iface: DocumentedInterface, part: (url: GoUrl) => string): EventColumn {
  return eventColumn(
    iface,
    (e) => {
      const location = e.values[CoreEvent.page_location.field.name];
      if (typeof location !== 'string') return null;
      try {
        return part(recentUrls.parse(location));
      } catch (err) {
        if (err instanceof GoUrlError) throw new BrokenEventError(err.message);
        throw err;
      }
    },
    { dependsOn: [CoreEvent.page_location.id] },
  );
}

export const pageHostnameColumn = pageUrlPartColumn(CoreEvent.page_hostname, goHostname);

export const pagePathColumn = pageUrlPartColumn(CoreEvent.page_path, (url) => url.path);

/** page_title as sent (`""` when absent), not truncated. */
export function pageTitleColumn(param: string): EventColumn {
  return queryParamEventColumn(CoreEvent.page_title, param);
}

/** page_referrer as sent (`""` when absent), not truncated. */
export function pageReferrerColumn(param: string): EventColumn {
  return queryParamEventColumn(CoreEvent.page_referrer, param);
}

/** The language parameter when non-empty, else the raw Accept-Language header, else null. */
export function deviceLanguageColumn(param: string): EventColumn {
  return eventColumn(CoreEvent.device_language, (e) => {
    const fromTracker = queryParamValue(e.hit, param);
    if (fromTracker !== null && fromTracker !== '') return fromTracker;
    const header = firstHeader(e.hit.request.headers, 'Accept-Language');
    return header === undefined || header === '' ? null : header;
  });
}

export function screenResolutionColumn(param: string): EventColumn {
  return queryParamEventColumn(CoreEvent.device_screen_resolution, param, { cast: castStringOrNull });
}

/** ignore_referrer from a GA4-style bool parameter. */
export function ignoreReferrerColumn(param: string): EventColumn {
  return queryParamEventColumn(CoreEvent.ignore_referrer, param, { cast: castBoolOrNull });
}
