import type { InterfaceFieldOptions, InterfaceId } from '../../src/schema/interface.js';
import type { DataType } from 'apache-arrow';
import { arrowTypes, documentedInterface, type DocumentedInterface } from '../generic/documented-interface.js';

/**
 * The core interfaces: the columns every protocol's table has, in the order their tables
 * declare them (this order is the physical column order). Some are implemented in
 * `columns/core`, others by each protocol (page URL, title, referrer, dates…), the device
 * and geo ones by their providers.
 */

const EVENTS = 'core.d8a.tech/events/';
const SESSIONS = 'core.d8a.tech/sessions/';

const { utf8, int64, bool, date32, timestampSeconds } = arrowTypes;
const NULLABLE: InterfaceFieldOptions = { nullable: true };
const LOW_CARDINALITY: InterfaceFieldOptions = { lowCardinality: true };
const NULLABLE_LOW_CARDINALITY: InterfaceFieldOptions = { nullable: true, lowCardinality: true };

function ev(name: string, type: DataType, displayName: string, description: string, options: InterfaceFieldOptions = {}): DocumentedInterface {
  return documentedInterface(EVENTS + name, name, type, displayName, description, options);
}

function se(name: string, type: DataType, displayName: string, description: string, options: InterfaceFieldOptions = NULLABLE): DocumentedInterface {
  return documentedInterface(SESSIONS + name.replace(/^session_/, ''), name, type, displayName, description, options);
}

const utmWords: Record<string, string> = {
  campaign: 'campaign',
  source: 'source',
  medium: 'medium',
  content: 'content',
  term: 'term',
  id: 'campaign id',
  source_platform: 'source platform',
  creative_format: 'creative format',
  marketing_tactic: 'marketing tactic',
};

function utm(key: keyof typeof utmWords & string): DocumentedInterface {
  return ev(`utm_${key}`, utf8(), `UTM ${utmWords[key]}`, `The utm_${key} parameter of the page URL the event was sent from (the ${utmWords[key]} of the campaign that brought the visitor).`, NULLABLE);
}

function clickId(key: string, network: string): DocumentedInterface {
  return ev(`click_id_${key}`, utf8(), `Click ID (${key})`, `The ${key} parameter of the page URL: the click identifier ${network} appends to ad links.`, NULLABLE);
}

export const CoreEvent = {
  id: ev('id', utf8(), 'Event ID', 'Identifier of the event, unique per tracked hit.'),
  name: ev('name', utf8(), 'Event Name', 'Name of the event, such as page_view, scroll or purchase.', LOW_CARDINALITY),
  property_id: ev('property_id', utf8(), 'Property ID', 'Identifier of the property (site or app) the event belongs to.', LOW_CARDINALITY),
  property_name: ev('property_name', utf8(), 'Property Name', 'Configured name of the property the event belongs to.', LOW_CARDINALITY),
  date_utc: ev('date_utc', date32(), 'Date (UTC)', 'Day the server received the event, in UTC.', { codec: 'CODEC(Delta, LZ4)' }),
  timestamp_utc: ev('timestamp_utc', timestampSeconds(), 'Timestamp (UTC)', 'Moment the server received the event, in UTC, to the second.', { codec: 'CODEC(Delta, LZ4)' }),
  client_id: ev('client_id', utf8(), 'Client ID', 'Identifier of the browser or device that sent the event, as the tracker stores it (a first-party cookie).'),
  user_id: ev('user_id', utf8(), 'User ID', 'Identifier of the signed-in user, when the site provides one; null otherwise.', NULLABLE),
  ip_address: ev('ip_address', utf8(), 'IP Address', 'Address the request came from, after the property\'s IP masking.'),
  page_location: ev('page_location', utf8(), 'Page Location', 'Full URL of the page the event was sent from, without the tracking parameters the property excludes.'),
  page_hostname: ev('page_hostname', utf8(), 'Page Hostname', 'Host name part of the page URL, without port.'),
  page_path: ev('page_path', utf8(), 'Page Path', 'Path part of the page URL, percent-decoded.'),
  page_title: ev('page_title', utf8(), 'Page Title', 'Title of the page the event was sent from; empty when the tracker sent none.'),
  page_referrer: ev('page_referrer', utf8(), 'Page Referrer', 'URL of the page that linked to the current one; empty for direct visits or when the browser withheld it.'),
  platform: ev('platform', utf8(), 'Platform', 'Kind of client that sent the event; web for browser trackers.', LOW_CARDINALITY),
  utm_campaign: utm('campaign'),
  utm_source: utm('source'),
  utm_medium: utm('medium'),
  utm_content: utm('content'),
  utm_term: utm('term'),
  utm_id: utm('id'),
  utm_source_platform: utm('source_platform'),
  utm_creative_format: utm('creative_format'),
  utm_marketing_tactic: utm('marketing_tactic'),
  click_id_gclid: clickId('gclid', 'Google Ads'),
  click_id_dclid: clickId('dclid', 'Google display campaigns'),
  click_id_gbraid: clickId('gbraid', 'Google Ads (iOS app campaigns)'),
  click_id_srsltid: clickId('srsltid', 'Google Merchant Center'),
  click_id_wbraid: clickId('wbraid', 'Google Ads (web-to-app campaigns)'),
  click_id_fbclid: clickId('fbclid', 'Meta (Facebook, Instagram)'),
  click_id_msclkid: clickId('msclkid', 'Microsoft Advertising'),
  geo_city: ev('geo_city', utf8(), 'City', 'City the IP address is located in, when geolocation is enabled.', NULLABLE),
  geo_region: ev('geo_region', utf8(), 'Region', 'Region (first-level subdivision) the IP address is located in.', NULLABLE),
  geo_metro: ev('geo_metro', utf8(), 'Metro Area', 'Metropolitan area of the IP address; not provided by the supported databases.', NULLABLE),
  geo_country: ev('geo_country', utf8(), 'Country', 'Country the IP address is located in, by English name.', NULLABLE_LOW_CARDINALITY),
  geo_continent: ev('geo_continent', utf8(), 'Continent', 'Continent the IP address is located in, by English name.', NULLABLE_LOW_CARDINALITY),
  geo_sub_continent: ev('geo_sub_continent', utf8(), 'Sub-Continent', 'Sub-continent of the IP address; not provided by the supported databases.', NULLABLE),
  device_category: ev('device_category', utf8(), 'Device Category', 'Kind of device detected from the request headers: desktop, smartphone, tablet…', NULLABLE_LOW_CARDINALITY),
  device_language: ev('device_language', utf8(), 'Language', 'Language the browser reports, from the tracker or else the Accept-Language header.', NULLABLE),
  device_screen_resolution: ev('device_screen_resolution', utf8(), 'Screen Resolution', 'Screen size the tracker reports, as width x height.', NULLABLE),
  device_mobile_brand_name: ev('device_mobile_brand_name', utf8(), 'Device Brand', 'Manufacturer of the device detected from the request headers.', NULLABLE),
  device_mobile_model_name: ev('device_mobile_model_name', utf8(), 'Device Model', 'Model of the device detected from the request headers.', NULLABLE),
  device_operating_system: ev('device_operating_system', utf8(), 'Operating System', 'Operating system detected from the request headers.', NULLABLE_LOW_CARDINALITY),
  device_operating_system_version: ev('device_operating_system_version', utf8(), 'Operating System Version', 'Version of the detected operating system.', NULLABLE),
  device_web_browser: ev('device_web_browser', utf8(), 'Browser', 'Browser detected from the request headers.', NULLABLE_LOW_CARDINALITY),
  device_web_browser_version: ev('device_web_browser_version', utf8(), 'Browser Version', 'Version of the detected browser.', NULLABLE),
  tracking_protocol: ev('tracking_protocol', utf8(), 'Tracking Protocol', 'Protocol the event arrived with (ga4_gtag, d8a, matomo).', LOW_CARDINALITY),
  ignore_referrer: ev('ignore_referrer', bool(), 'Ignore Referrer', 'Whether the tracker asked to disregard the referrer for attribution.', NULLABLE),
} as const;

export const CoreSessionScoped = {
  session_hit_number: ev('session_hit_number', int64(), 'Hit Number', 'Position of the event in its session, counting from 0.', NULLABLE),
  session_page_number: ev('session_page_number', int64(), 'Page Number', 'Position of the event\'s page in its session, counting from 0; it grows each time the page URL changes.', NULLABLE),
  time_on_page: ev('time_on_page', int64(), 'Time on Page', 'Seconds from the page view that opened this page to the next page view, or to the last event of the session.', NULLABLE),
  session_is_entry_page: ev('session_is_entry_page', bool(), 'Is Entry Page', 'True on the first page view of the session.', NULLABLE),
  session_is_exit_page: ev('session_is_exit_page', bool(), 'Is Exit Page', 'True on the last page view of the session.', NULLABLE),
  page_is_bounce: ev('page_is_bounce', bool(), 'Is Bounce', 'True on the page view of a session that has exactly one page view.', NULLABLE),
  previous_page_location: ev('previous_page_location', utf8(), 'Previous Page Location', 'URL of the page viewed before the current one in the session.', NULLABLE),
  next_page_location: ev('next_page_location', utf8(), 'Next Page Location', 'URL of the page viewed after the current one in the session.', NULLABLE),
  previous_page_title: ev('previous_page_title', utf8(), 'Previous Page Title', 'Title of the page viewed before the current one in the session.', NULLABLE),
  next_page_title: ev('next_page_title', utf8(), 'Next Page Title', 'Title of the page viewed after the current one in the session.', NULLABLE),
  traffic_filter_name: ev('traffic_filter_name', utf8(), 'Traffic Filter', 'Name of the test-mode traffic filter that matched the event; null when none did.', NULLABLE),
} as const;

function sessionUtm(key: string): DocumentedInterface {
  return se(`session_utm_${key}`, utf8(), `Session UTM ${utmWords[key] ?? key}`, `utm_${key} of the session's first page view.`);
}

function sessionClickId(key: string): DocumentedInterface {
  return se(`session_click_id_${key}`, utf8(), `Session Click ID (${key})`, `${key} click identifier of the session's first page view.`);
}

function dominant(name: string, what: string, options: InterfaceFieldOptions = NULLABLE): DocumentedInterface {
  return se(name, utf8(), `Session ${what}`, `${what} of the first event of the client that sent most of the session's events.`, options);
}

export const CoreSession = {
  session_id: se('session_id', utf8(), 'Session ID', 'Identifier of the session: the id of its first event.', {}),
  session_client_id: se('session_client_id', utf8(), 'Session Client ID', 'Client id of the session\'s first event.'),
  session_source: se('session_source', utf8(), 'Session Source', 'Where the session came from (a search engine, a site, a campaign source, or direct).', {}),
  session_medium: se('session_medium', utf8(), 'Session Medium', 'Kind of traffic that started the session (organic, referral, cpc, email, none…).', {}),
  session_term: se('session_term', utf8(), 'Session Term', 'Search keyword or campaign term that started the session; empty when unknown.'),
  session_referrer: se('session_referrer', utf8(), 'Session Referrer', 'Referrer of the session\'s first event.'),
  session_duration: se('session_duration', int64(), 'Session Duration', 'Seconds between the first and the last event of the session.'),
  session_total_events: se('session_total_events', int64(), 'Session Events', 'Number of events in the session.'),
  session_first_event_time: se('session_first_event_time', timestampSeconds(), 'Session Start', 'Time of the session\'s first event.'),
  session_last_event_time: se('session_last_event_time', timestampSeconds(), 'Session End', 'Time of the session\'s last event.'),
  session_entry_page_location: se('session_entry_page_location', utf8(), 'Entry Page Location', 'URL of the session\'s first page view (its landing page).'),
  session_second_page_location: se('session_second_page_location', utf8(), 'Second Page Location', 'URL of the session\'s second page view.'),
  session_exit_page_location: se('session_exit_page_location', utf8(), 'Exit Page Location', 'URL of the session\'s last page view.'),
  session_entry_page_title: se('session_entry_page_title', utf8(), 'Entry Page Title', 'Title of the session\'s first page view.'),
  session_second_page_title: se('session_second_page_title', utf8(), 'Second Page Title', 'Title of the session\'s second page view.'),
  session_exit_page_title: se('session_exit_page_title', utf8(), 'Exit Page Title', 'Title of the session\'s last page view.'),
  session_utm_campaign: sessionUtm('campaign'),
  session_utm_source: sessionUtm('source'),
  session_utm_medium: sessionUtm('medium'),
  session_utm_content: sessionUtm('content'),
  session_utm_term: sessionUtm('term'),
  session_utm_id: sessionUtm('id'),
  session_utm_source_platform: sessionUtm('source_platform'),
  session_utm_creative_format: sessionUtm('creative_format'),
  session_utm_marketing_tactic: sessionUtm('marketing_tactic'),
  session_click_id_gclid: sessionClickId('gclid'),
  session_click_id_dclid: sessionClickId('dclid'),
  session_click_id_gbraid: sessionClickId('gbraid'),
  session_click_id_srsltid: sessionClickId('srsltid'),
  session_click_id_wbraid: sessionClickId('wbraid'),
  session_click_id_fbclid: sessionClickId('fbclid'),
  session_click_id_msclkid: sessionClickId('msclkid'),
  session_geo_city: dominant('session_geo_city', 'City'),
  session_geo_region: dominant('session_geo_region', 'Region'),
  session_geo_metro: dominant('session_geo_metro', 'Metro Area'),
  session_geo_country: dominant('session_geo_country', 'Country', NULLABLE_LOW_CARDINALITY),
  session_geo_continent: dominant('session_geo_continent', 'Continent', NULLABLE_LOW_CARDINALITY),
  session_geo_sub_continent: dominant('session_geo_sub_continent', 'Sub-Continent'),
  session_device_category: dominant('session_device_category', 'Device Category', NULLABLE_LOW_CARDINALITY),
  session_device_language: dominant('session_device_language', 'Language'),
  session_device_mobile_brand_name: dominant('session_device_mobile_brand_name', 'Device Brand'),
  session_device_mobile_model_name: dominant('session_device_mobile_model_name', 'Device Model'),
  session_device_operating_system: dominant('session_device_operating_system', 'Operating System', NULLABLE_LOW_CARDINALITY),
  session_device_operating_system_version: dominant('session_device_operating_system_version', 'Operating System Version'),
  session_device_web_browser: dominant('session_device_web_browser', 'Browser', NULLABLE_LOW_CARDINALITY),
  session_device_web_browser_version: dominant('session_device_web_browser_version', 'Browser Version'),
  session_device_screen_resolution: dominant('session_device_screen_resolution', 'Screen Resolution'),
  session_total_page_views: se('session_total_page_views', int64(), 'Page Views', 'Number of page_view events in the session.'),
  session_unique_page_views: se('session_unique_page_views', int64(), 'Unique Page Views', 'Number of distinct page URLs viewed in the session.'),
  session_is_bounced: se('session_is_bounced', bool(), 'Is Bounced', 'True when the session has exactly one page view.'),
  session_total_purchases: se('session_total_purchases', int64(), 'Purchases', 'Number of purchase events in the session.'),
  session_total_scrolls: se('session_total_scrolls', int64(), 'Scrolls', 'Number of scroll events in the session.'),
  session_total_outbound_clicks: se('session_total_outbound_clicks', int64(), 'Outbound Clicks', 'Number of clicks on links leaving the site.'),
  session_unique_outbound_clicks: se('session_unique_outbound_clicks', int64(), 'Unique Outbound Clicks', 'Number of distinct outbound links clicked.'),
  session_total_site_searches: se('session_total_site_searches', int64(), 'Site Searches', 'Number of searches on the site.'),
  session_unique_site_searches: se('session_unique_site_searches', int64(), 'Unique Site Searches', 'Number of distinct searches on the site (per event name and term).'),
  session_total_form_interactions: se('session_total_form_interactions', int64(), 'Form Interactions', 'Number of form starts and submissions.'),
  session_unique_form_interactions: se('session_unique_form_interactions', int64(), 'Unique Form Interactions', 'Number of distinct form interactions (per event name and form).'),
  session_total_video_engagements: se('session_total_video_engagements', int64(), 'Video Engagements', 'Number of video start, progress and completion events.'),
  session_total_file_downloads: se('session_total_file_downloads', int64(), 'File Downloads', 'Number of file downloads.'),
  session_unique_file_downloads: se('session_unique_file_downloads', int64(), 'Unique File Downloads', 'Number of distinct files downloaded.'),
  session_split_cause: se('session_split_cause', utf8(), 'Split Cause', 'Why this session was cut from the previous one (campaign or user change, event or time limit); null for the first part.', NULLABLE_LOW_CARDINALITY),
} as const;

/** Every core interface id in declaration order: events, then session-scoped, then sessions. */
export const CORE_INTERFACE_ORDER: readonly InterfaceId[] = [
  ...Object.values(CoreEvent),
  ...Object.values(CoreSessionScoped),
  ...Object.values(CoreSession),
].map((i) => i.id);
