import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columnCatalogue } from '../../columns/catalogue.js';
import { protocolColumnSet } from '../../columns/column-sets.js';
import { NO_PROPERTIES } from '../../columns/core/property-lookup.js';
import { CORE_INTERFACE_ORDER } from '../../columns/core/interfaces.js';

const CORE_EVENT_ORDER =
  'id name property_id property_name date_utc timestamp_utc client_id user_id ip_address page_location page_hostname page_path page_title page_referrer platform utm_campaign utm_source utm_medium utm_content utm_term utm_id utm_source_platform utm_creative_format utm_marketing_tactic click_id_gclid click_id_dclid click_id_gbraid click_id_srsltid click_id_wbraid click_id_fbclid click_id_msclkid geo_city geo_region geo_metro geo_country geo_continent geo_sub_continent device_category device_language device_screen_resolution device_mobile_brand_name device_mobile_model_name device_operating_system device_operating_system_version device_web_browser device_web_browser_version tracking_protocol ignore_referrer'.split(
    ' ',
  );
const SSE_ORDER =
  'session_hit_number session_page_number time_on_page session_is_entry_page session_is_exit_page page_is_bounce previous_page_location next_page_location previous_page_title next_page_title traffic_filter_name'.split(' ');
const CORE_SESSION_ORDER =
  'session_id session_client_id session_source session_medium session_term session_referrer session_duration session_total_events session_first_event_time session_last_event_time session_entry_page_location session_second_page_location session_exit_page_location session_entry_page_title session_second_page_title session_exit_page_title session_utm_campaign session_utm_source session_utm_medium session_utm_content session_utm_term session_utm_id session_utm_source_platform session_utm_creative_format session_utm_marketing_tactic session_click_id_gclid session_click_id_dclid session_click_id_gbraid session_click_id_srsltid session_click_id_wbraid session_click_id_fbclid session_click_id_msclkid session_geo_city session_geo_region session_geo_metro session_geo_country session_geo_continent session_geo_sub_continent session_device_category session_device_language session_device_mobile_brand_name session_device_mobile_model_name session_device_operating_system session_device_operating_system_version session_device_web_browser session_device_web_browser_version session_device_screen_resolution session_total_page_views session_unique_page_views session_is_bounced session_total_purchases session_total_scrolls session_total_outbound_clicks session_unique_outbound_clicks session_total_site_searches session_unique_site_searches session_total_form_interactions session_unique_form_interactions session_total_video_engagements session_total_file_downloads session_unique_file_downloads session_split_cause'.split(
    ' ',
  );

test('every one of the 121 core interfaces is implemented exactly once', () => {
  assert.is(CORE_INTERFACE_ORDER.length, 121);
  for (const protocol of ['ga4', 'd8a'] as const) {
    const set = protocolColumnSet(protocol, { properties: NO_PROPERTIES });
    const ids = [...set.event, ...set.sessionScoped, ...set.session].map((c) => c.implements.id);
    for (const id of CORE_INTERFACE_ORDER) assert.ok(ids.includes(id), `${protocol} lacks ${id}`);
    assert.is(new Set(ids).size, ids.length);
  }
});

test('GA4 catalogue: core columns in the reference physical order, then GA4 columns', () => {
  const c = columnCatalogue('ga4');
  const names = (scope: string) => c.filter((e) => e.scope === scope).map((e) => e.name);
  assert.equal(names('event').slice(0, CORE_EVENT_ORDER.length), CORE_EVENT_ORDER);
  assert.equal(names('event').slice(CORE_EVENT_ORDER.length), ['measurement_id', 'client_session_number', 'params_form_id', 'params_link_url', 'params_search_term']);
  assert.equal(names('session-scoped'), SSE_ORDER);
  assert.equal(names('session'), [...CORE_SESSION_ORDER, 'session_is_engaged', 'session_returning_user', 'session_abandoned_cart']);
  // Events first, then session-scoped, then sessions.
  assert.equal([...new Set(c.map((e) => e.scope))], ['event', 'session-scoped', 'session']);
});

test('catalogue entries: friendly types, nullability, ids and descriptions', () => {
  const byName = new Map(columnCatalogue('ga4').map((e) => [e.name, e]));
  const expect: [string, string, boolean, string][] = [
    ['id', 'utf8', false, 'core.d8a.tech/events/id'],
    ['date_utc', 'date32', false, 'core.d8a.tech/events/date_utc'],
    ['timestamp_utc', 'timestamp[s, tz=UTC]', false, 'core.d8a.tech/events/timestamp_utc'],
    ['user_id', 'utf8', true, 'core.d8a.tech/events/user_id'],
    ['ignore_referrer', 'bool', true, 'core.d8a.tech/events/ignore_referrer'],
    ['session_page_number', 'int64', true, 'core.d8a.tech/events/session_page_number'],
    ['session_id', 'utf8', false, 'core.d8a.tech/sessions/id'],
    ['session_first_event_time', 'timestamp[s, tz=UTC]', true, 'core.d8a.tech/sessions/first_event_time'],
    ['session_total_purchases', 'int64', true, 'core.d8a.tech/sessions/total_purchases'],
    ['measurement_id', 'utf8', false, 'ga4.protocols.d8a.tech/event/measurement_id'],
    ['session_returning_user', 'bool', true, 'ga4.protocols.d8a.tech/session/returning_user'],
  ];
  for (const [name, type, nullable, id] of expect) {
    const e = byName.get(name);
    assert.ok(e, name);
    assert.equal([e?.type, e?.nullable, e?.interfaceId], [type, nullable, id], name);
    assert.ok((e?.description.length ?? 0) > 10, `${name} has a description`);
    assert.ok((e?.displayName.length ?? 0) > 1, `${name} has a display name`);
  }
});

test('the native protocol renames GA4 interface ids and keeps names and types', () => {
  const ga4 = columnCatalogue('ga4');
  const d8a = columnCatalogue('d8a');
  assert.equal(new Set(d8a.map((e) => `${e.name}:${e.type}`)), new Set(ga4.map((e) => `${e.name}:${e.type}`)));
  const measurement = d8a.find((e) => e.name === 'measurement_id');
  assert.is(measurement?.interfaceId, 'd8a.protocols.d8a.tech/event/measurement_id');
  assert.is(d8a.find((e) => e.name === 'page_location')?.interfaceId, 'core.d8a.tech/events/page_location');
  assert.ok(d8a.every((e) => !e.interfaceId.startsWith('ga4.')));
});

test('field metadata carries the description and ClickHouse hints', () => {
  const set = protocolColumnSet('ga4', { properties: NO_PROPERTIES });
  const field = (name: string) => [...set.event, ...set.session].find((c) => c.implements.field.name === name)!.implements.field;
  assert.ok((field('page_title').metadata.get('d8a.column.description') ?? '').length > 0);
  assert.is(field('name').metadata.get('d8a.warehouse.clickhouse.low_cardinality'), 'true');
  assert.is(field('date_utc').metadata.get('d8a.warehouse.clickhouse.codec'), 'CODEC(Delta, LZ4)');
  assert.is(field('session_is_engaged').metadata.get('d8a.warehouse.clickhouse.codec'), 'CODEC(T64, LZ4)');
});

test.run();
