import type { SessionColumn } from '../../src/schema/column.js';
import { BrokenSessionError } from '../../src/schema/errors.js';
import type { Event, Session } from '../../src/schema/session.js';
import { dominantClientValueColumn } from '../generic/dominant-client.js';
import { countEventsNamed, uniqueEventsColumn, totalEventsColumn } from '../generic/event-counters.js';
import { eventNameIs, PAGE_VIEW } from '../generic/event-name.js';
import { nthMatchingEventValueColumn } from '../generic/nth-matching-event.js';
import { sessionColumn } from '../generic/simple.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { CoreEvent, CoreSession } from './interfaces.js';
import { trafficSourceColumns, type TrafficSourceDetector } from './traffic-source.js';

/** Event metadata key the splitter sets on the first event of every session it cuts off. */
export const SESSION_SPLIT_CAUSE = 'session_split_cause';

const isPageView = eventNameIs(PAGE_VIEW);
const PAGE_VIEWS = new Set([PAGE_VIEW]);

function firstEvent(session: Session): Event {
  const event = session.events[0];
  if (event === undefined) throw new BrokenSessionError('session has no events');
  return event;
}

function lastEvent(session: Session): Event {
  const event = session.events[session.events.length - 1];
  if (event === undefined) throw new BrokenSessionError('session has no events');
  return event;
}

function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export const sessionIdColumn = sessionColumn(
  CoreSession.session_id,
  (session) => {
    const id = firstEvent(session).values[CoreEvent.id.field.name];
    if (typeof id !== 'string') throw new BrokenSessionError('the first event has no id');
    return id;
  },
  { dependsOn: [CoreEvent.id.id] },
);

export const sessionClientIdColumn = sessionColumn(CoreSession.session_client_id, (session) => firstEvent(session).hit.clientId);

export const firstEventTimeColumn = sessionColumn(CoreSession.session_first_event_time, (session) => unixSeconds(firstEvent(session).hit.request.serverReceivedTime));

export const lastEventTimeColumn = sessionColumn(CoreSession.session_last_event_time, (session) => unixSeconds(lastEvent(session).hit.request.serverReceivedTime));

export const durationColumn = sessionColumn(
  CoreSession.session_duration,
  (session) => {
    const first = session.values[CoreSession.session_first_event_time.field.name];
    const last = session.values[CoreSession.session_last_event_time.field.name];
    if (typeof first !== 'number' || typeof last !== 'number') throw new BrokenSessionError('first or last event time is missing');
    if (last < first) throw new BrokenSessionError('the last event is earlier than the first');
    return last - first;
  },
  { dependsOn: [CoreSession.session_first_event_time.id, CoreSession.session_last_event_time.id] },
);

export const totalEventsCountColumn = sessionColumn(CoreSession.session_total_events, (session) => session.events.length);

export const sessionReferrerColumn = sessionColumn(
  CoreSession.session_referrer,
  (session) => firstEvent(session).values[CoreEvent.page_referrer.field.name] ?? null,
  { dependsOn: [CoreEvent.page_referrer.id] },
);

export const splitCauseColumn = sessionColumn(CoreSession.session_split_cause, (session) => firstEvent(session).metadata[SESSION_SPLIT_CAUSE] ?? null);

function nthPageView(iface: DocumentedInterface, n: number, source: DocumentedInterface): SessionColumn {
  return nthMatchingEventValueColumn(iface, n, source.field.name, isPageView, { dependsOn: [CoreEvent.name.id, source.id] });
}

export const pageViewPageColumns: readonly SessionColumn[] = [
  nthPageView(CoreSession.session_entry_page_location, 0, CoreEvent.page_location),
  nthPageView(CoreSession.session_second_page_location, 1, CoreEvent.page_location),
  nthPageView(CoreSession.session_exit_page_location, -1, CoreEvent.page_location),
  nthPageView(CoreSession.session_entry_page_title, 0, CoreEvent.page_title),
  nthPageView(CoreSession.session_second_page_title, 1, CoreEvent.page_title),
  nthPageView(CoreSession.session_exit_page_title, -1, CoreEvent.page_title),
];

/** Campaign and click-id values of the first page view (not of the first event). */
export const sessionCampaignColumns: readonly SessionColumn[] = [
  nthPageView(CoreSession.session_utm_campaign, 0, CoreEvent.utm_campaign),
  nthPageView(CoreSession.session_utm_source, 0, CoreEvent.utm_source),
  nthPageView(CoreSession.session_utm_medium, 0, CoreEvent.utm_medium),
  nthPageView(CoreSession.session_utm_content, 0, CoreEvent.utm_content),
  nthPageView(CoreSession.session_utm_term, 0, CoreEvent.utm_term),
  nthPageView(CoreSession.session_utm_id, 0, CoreEvent.utm_id),
  nthPageView(CoreSession.session_utm_source_platform, 0, CoreEvent.utm_source_platform),
  nthPageView(CoreSession.session_utm_creative_format, 0, CoreEvent.utm_creative_format),
  nthPageView(CoreSession.session_utm_marketing_tactic, 0, CoreEvent.utm_marketing_tactic),
  nthPageView(CoreSession.session_click_id_gclid, 0, CoreEvent.click_id_gclid),
  nthPageView(CoreSession.session_click_id_dclid, 0, CoreEvent.click_id_dclid),
  nthPageView(CoreSession.session_click_id_gbraid, 0, CoreEvent.click_id_gbraid),
  nthPageView(CoreSession.session_click_id_srsltid, 0, CoreEvent.click_id_srsltid),
  nthPageView(CoreSession.session_click_id_wbraid, 0, CoreEvent.click_id_wbraid),
  nthPageView(CoreSession.session_click_id_fbclid, 0, CoreEvent.click_id_fbclid),
  nthPageView(CoreSession.session_click_id_msclkid, 0, CoreEvent.click_id_msclkid),
];

function dominant(iface: DocumentedInterface, source: DocumentedInterface): SessionColumn {
  return dominantClientValueColumn(iface, source.field.name, { dependsOn: [source.id] });
}

/** Device and place of the session: those of the client that sent most of its events. */
export const dominantClientColumns: readonly SessionColumn[] = [
  dominant(CoreSession.session_geo_city, CoreEvent.geo_city),
  dominant(CoreSession.session_geo_region, CoreEvent.geo_region),
  dominant(CoreSession.session_geo_metro, CoreEvent.geo_metro),
  dominant(CoreSession.session_geo_country, CoreEvent.geo_country),
  dominant(CoreSession.session_geo_continent, CoreEvent.geo_continent),
  dominant(CoreSession.session_geo_sub_continent, CoreEvent.geo_sub_continent),
  dominant(CoreSession.session_device_category, CoreEvent.device_category),
  dominant(CoreSession.session_device_language, CoreEvent.device_language),
  dominant(CoreSession.session_device_mobile_brand_name, CoreEvent.device_mobile_brand_name),
  dominant(CoreSession.session_device_mobile_model_name, CoreEvent.device_mobile_model_name),
  dominant(CoreSession.session_device_operating_system, CoreEvent.device_operating_system),
  dominant(CoreSession.session_device_operating_system_version, CoreEvent.device_operating_system_version),
  dominant(CoreSession.session_device_web_browser, CoreEvent.device_web_browser),
  dominant(CoreSession.session_device_web_browser_version, CoreEvent.device_web_browser_version),
  dominant(CoreSession.session_device_screen_resolution, CoreEvent.device_screen_resolution),
];

export const pageViewCountColumns: readonly SessionColumn[] = [
  totalEventsColumn(CoreSession.session_total_page_views, [PAGE_VIEW], { dependsOn: [CoreEvent.name.id] }),
  uniqueEventsColumn(CoreSession.session_unique_page_views, [PAGE_VIEW], [CoreEvent.page_location.field.name], {
    dependsOn: [CoreEvent.name.id, CoreEvent.page_location.id],
  }),
  sessionColumn(CoreSession.session_is_bounced, (session) => countEventsNamed(session, PAGE_VIEWS) === 1, { dependsOn: [CoreEvent.name.id] }),
];

export function coreSessionColumns(trafficSource: TrafficSourceDetector): SessionColumn[] {
  return [
    sessionIdColumn,
    firstEventTimeColumn,
    lastEventTimeColumn,
    durationColumn,
    totalEventsCountColumn,
    sessionReferrerColumn,
    splitCauseColumn,
    sessionClientIdColumn,
    ...trafficSourceColumns(trafficSource),
    ...pageViewPageColumns,
    ...sessionCampaignColumns,
    ...dominantClientColumns,
    ...pageViewCountColumns,
  ];
}
