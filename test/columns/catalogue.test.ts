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

// The reference's physical order of the GA4-specific event columns (migrate DDL).
const GA4_EVENT_ORDER =
  'measurement_id params_ignore_referrer params_engagement_time_ms ecommerce_purchase_revenue ecommerce_purchase_revenue_in_usd ecommerce_refund_value ecommerce_refund_value_in_usd ecommerce_shipping_value ecommerce_shipping_value_in_usd ecommerce_tax_value ecommerce_tax_value_in_usd ecommerce_items_total_quantity ecommerce_unique_items ecommerce_items client_session_id client_session_number gtm_debug page_load_hash params params_aclid privacy_ads_storage privacy_analytics_storage params_anid params_achievement_id params_ad_event_id params_ad_unit_code params_app_version params_campaign params_campaign_content params_campaign_id params_campaign_medium params_campaign_source params_campaign_term params_cancellation_reason params_character params_content_description params_content_group params_content_id params_content_type params_coupon params_creative_name params_creative_slot params_currency params_dclid params_deferred_analytics_collection params_disqualified_lead_reason params_exposure_time params_fatal params_file_extension params_file_name params_firebase_error params_firebase_error_value params_firebase_previous_class params_firebase_previous_id params_firebase_previous_screen params_firebase_screen params_firebase_screen_class params_firebase_screen_id params_form_destination params_form_id params_form_name params_form_submit_text params_free_trial params_ga_session_id params_ga_session_number params_gclid params_group_id params_introductory_price params_item_list_id params_item_list_name params_item_name params_label params_language params_lead_source params_lead_status params_level params_level_name params_link_classes params_link_domain params_link_id params_link_text params_link_url params_message_device_time params_message_id params_message_name params_message_time params_message_type params_method params_outbound params_payment_type params_percent_scrolled params_previous_app_version params_previous_first_open_count params_previous_gmp_app_id params_previous_os_version params_price params_product_id params_promotion_id params_promotion_name params_quantity params_renewal_count params_reset_analytics_cause params_reward_type params_reward_value params_score params_screen_resolution params_search_term params_shipping params_shipping_tier params_srsltid params_subscription params_success params_system_app params_system_app_update params_tax params_topic params_transaction_id params_unconvert_lead_reason params_updated_with_analytics params_value params_video_current_time params_video_duration params_video_percent params_video_provider params_video_title params_video_url params_virtual_currency_name params_visible user_properties'.split(
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
  assert.equal(names('event').slice(CORE_EVENT_ORDER.length), GA4_EVENT_ORDER);
  assert.is(c.length, 253);
  assert.equal(names('session-scoped'), SSE_ORDER);
  assert.equal(names('session'), [...CORE_SESSION_ORDER, 'session_is_engaged', 'session_returning_user', 'session_abandoned_cart']);
  // Events first, then session-scoped, then sessions.
  assert.equal([...new Set(c.map((e) => e.scope))], ['event', 'session-scoped', 'session']);
});

const ITEM_STRUCT =
  'item_id: utf8, item_name: utf8, affiliation: utf8, coupon: utf8, discount: float64, index: float64, item_brand: utf8, item_category: utf8, item_category2: utf8, item_category3: utf8, item_category4: utf8, item_category5: utf8, item_list_id: utf8, item_list_name: utf8, item_variant: utf8, location_id: utf8, price: float64, price_in_usd: float64, quantity: float64, item_refund: float64, item_refund_in_usd: float64, item_revenue: float64, item_revenue_in_usd: float64, promotion_id: utf8, promotion_name: utf8, creative_name: utf8, creative_slot: utf8';

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
    ['ecommerce_items', `list<struct<${ITEM_STRUCT}>>`, true, 'ga4.protocols.d8a.tech/event/items'],
    ['params', 'list<struct<name: utf8, value_string: utf8, value_number: float64>>', true, 'ga4.protocols.d8a.tech/event/params'],
    ['params_gclid', 'utf8', true, 'ga4.protocols.d8a.tech/events/params_gclid'],
    ['params_srsltid', 'utf8', true, 'ga4.protocols.d8a.tech/events/params_srsltid'],
    ['page_load_hash', 'timestamp[s, tz=UTC]', true, 'ga4.protocols.d8a.tech/event/page_load_hash'],
    ['privacy_ads_storage', 'bool', true, 'ga4.protocols.d8a.tech/event/privacy_ads_storage'],
    ['ecommerce_unique_items', 'int64', true, 'ga4.protocols.d8a.tech/event/ecommerce_unique_items'],
    ['ecommerce_tax_value_in_usd', 'float64', true, 'ga4.protocols.d8a.tech/event/ecommerce_tax_value_in_usd'],
    ['params_video_percent', 'int64', true, 'ga4.protocols.d8a.tech/event/params_video_percent'],
    ['session_abandoned_cart', 'bool', true, 'ga4.protocols.d8a.tech/session/abandoned_cart'],
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
  assert.is(field('gtm_debug').metadata.get('d8a.warehouse.clickhouse.low_cardinality'), 'true');
  assert.is(field('measurement_id').nullable, false);
});

test('friendly type names for the docs', () => {
  const byName = new Map(columnCatalogue('ga4').map((e) => [e.name, e.friendlyType]));
  assert.is(byName.get('page_location'), 'String');
  assert.is(byName.get('session_duration'), 'Numeric (Int64)');
  assert.is(byName.get('params_value'), 'Numeric (Float64)');
  assert.is(byName.get('session_is_engaged'), 'Boolean');
  assert.is(byName.get('date_utc'), 'Date');
  assert.is(byName.get('timestamp_utc'), 'Datetime (s)');
  assert.is(byName.get('params'), 'Array<Object<name: String, value_string: String, value_number: Numeric (Float64)>>');
});

test.run();
