import type { EventColumn } from '../../../src/schema/column.js';
import { firstParam } from '../../../src/hits/hit.js';
import type { PropertySettingsLookup } from '../../../columns/core/property-lookup.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import {
  dateUtcColumn,
  deviceLanguageColumn,
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

/**
 * ignore_referrer from Matomo's flag, which it accepts under two spellings: null when neither
 * is sent, otherwise true when either is `1`.
 */
export const matomoIgnoreReferrerColumn = eventColumn(
  CoreEvent.ignore_referrer,
  (e) => {
    const params = e.hit.request.queryParams;
    const a = firstParam(params, 'ignore_referrer');
    const b = firstParam(params, 'ignore_referer');
    if (a === undefined && b === undefined) return null;
    return a === '1' || b === '1';
  },
  { description: 'Whether the tracker asked to disregard the referrer for attribution (ignore_referrer=1 or ignore_referer=1); null when it sent neither.' },
);

/** The core event interfaces Matomo implements from its own parameters (url, action_name, urlref, lang, res). */
export function matomoCoreEventColumns(properties: PropertySettingsLookup): EventColumn[] {
  return [
    dateUtcColumn,
    timestampUtcColumn,
    pageLocationColumn('url', properties),
    pageHostnameColumn,
    pagePathColumn,
    pageTitleColumn('action_name'),
    pageReferrerColumn('urlref'),
    platformWebColumn,
    deviceLanguageColumn('lang'),
    screenResolutionColumn('res'),
    trackingProtocolColumn('matomo'),
    matomoIgnoreReferrerColumn,
  ];
}
