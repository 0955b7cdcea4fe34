import type { InterfaceFieldOptions, InterfaceId } from '../../../src/schema/interface.js';
import type { DataType } from 'apache-arrow';
import { arrowTypes, documentedInterface, type DocumentedInterface } from '../../../columns/generic/documented-interface.js';
import { ecommerceItemsType, eventParamsType, userPropertiesType } from './nested-types.js';
import { PARAM_COLUMNS, type ParamCast, type ParamColumnName } from './param-table.js';

/**
 * GA4 protocol interfaces. `GA4_INTERFACE_ORDER` declares all of them (the table's physical
 * order after the core columns); `Ga4Event` / `Ga4Session` define them with their types and words.
 */

export const GA4_EVENT_PREFIX = 'ga4.protocols.d8a.tech/event/';
export const GA4_SESSION_PREFIX = 'ga4.protocols.d8a.tech/session/';

// Interface ids that do not follow `<prefix><column name>`.
const ID_EXCEPTIONS: Record<string, string> = {
  ecommerce_items: 'ga4.protocols.d8a.tech/event/items',
  params_aclid: 'ga4.protocols.d8a.tech/events/params_aclid',
  params_anid: 'ga4.protocols.d8a.tech/events/params_anid',
  params_dclid: 'ga4.protocols.d8a.tech/events/params_dclid',
  params_gclid: 'ga4.protocols.d8a.tech/events/params_gclid',
  params_srsltid: 'ga4.protocols.d8a.tech/events/params_srsltid',
};

export function ga4EventInterfaceId(column: string): InterfaceId {
  return ID_EXCEPTIONS[column] ?? GA4_EVENT_PREFIX + column;
}

export function ga4SessionInterfaceId(column: string): InterfaceId {
  return GA4_SESSION_PREFIX + column.replace(/^session_/, '');
}

/** GA4 event columns in declaration order. */
const GA4_EVENT_COLUMN_ORDER = `measurement_id params_ignore_referrer params_engagement_time_ms ecommerce_purchase_revenue
ecommerce_purchase_revenue_in_usd ecommerce_refund_value ecommerce_refund_value_in_usd ecommerce_shipping_value
ecommerce_shipping_value_in_usd ecommerce_tax_value ecommerce_tax_value_in_usd ecommerce_items_total_quantity
ecommerce_unique_items ecommerce_items client_session_id client_session_number gtm_debug page_load_hash params
params_aclid privacy_ads_storage privacy_analytics_storage params_anid params_achievement_id params_ad_event_id
params_ad_unit_code params_app_version params_campaign params_campaign_content params_campaign_id
params_campaign_medium params_campaign_source params_campaign_term params_cancellation_reason params_character
params_content_description params_content_group params_content_id params_content_type params_coupon
params_creative_name params_creative_slot params_currency params_dclid params_deferred_analytics_collection
params_disqualified_lead_reason params_exposure_time params_fatal params_file_extension params_file_name
params_firebase_error params_firebase_error_value params_firebase_previous_class params_firebase_previous_id
params_firebase_previous_screen params_firebase_screen params_firebase_screen_class params_firebase_screen_id
params_form_destination params_form_id params_form_name params_form_submit_text params_free_trial
params_ga_session_id params_ga_session_number params_gclid params_group_id params_introductory_price
params_item_list_id params_item_list_name params_item_name params_label params_language params_lead_source
params_lead_status params_level params_level_name params_link_classes params_link_domain params_link_id
params_link_text params_link_url params_message_device_time params_message_id params_message_name
params_message_time params_message_type params_method params_outbound params_payment_type params_percent_scrolled
params_previous_app_version params_previous_first_open_count params_previous_gmp_app_id params_previous_os_version
params_price params_product_id params_promotion_id params_promotion_name params_quantity params_renewal_count
params_reset_analytics_cause params_reward_type params_reward_value params_score params_screen_resolution
params_search_term params_shipping params_shipping_tier params_srsltid params_subscription params_success
params_system_app params_system_app_update params_tax params_topic params_transaction_id
params_unconvert_lead_reason params_updated_with_analytics params_value params_video_current_time
params_video_duration params_video_percent params_video_provider params_video_title params_video_url
params_virtual_currency_name params_visible user_properties`.split(/\s+/);

const GA4_SESSION_COLUMN_ORDER = ['session_is_engaged', 'session_returning_user', 'session_abandoned_cart'];

/** Every GA4 interface id in declaration order (its physical order after the core columns). */
export const GA4_INTERFACE_ORDER: readonly InterfaceId[] = [
  ...GA4_EVENT_COLUMN_ORDER.map(ga4EventInterfaceId),
  ...GA4_SESSION_COLUMN_ORDER.map(ga4SessionInterfaceId),
];

const { utf8, int64, float64, bool, timestampSeconds } = arrowTypes;
const NULLABLE: InterfaceFieldOptions = { nullable: true };
const NULLABLE_LOW_CARDINALITY: InterfaceFieldOptions = { nullable: true, lowCardinality: true };

function ev(name: string, type: DataType, displayName: string, description: string, options: InterfaceFieldOptions = NULLABLE): DocumentedInterface {
  return documentedInterface(ga4EventInterfaceId(name), name, type, displayName, description, options);
}

function se(name: string, type: DataType, displayName: string, description: string, options: InterfaceFieldOptions = NULLABLE): DocumentedInterface {
  return documentedInterface(ga4SessionInterfaceId(name), name, type, displayName, description, options);
}

const PARAM_TYPES: Record<ParamCast, () => DataType> = { string: utf8, int64, float64, bool };

const paramInterfaces = Object.fromEntries(
  PARAM_COLUMNS.map((spec) => [spec.column, ev(spec.column, PARAM_TYPES[spec.cast](), spec.displayName, spec.description)]),
) as Record<ParamColumnName, DocumentedInterface>;

function usd(base: string, what: string): DocumentedInterface {
  return ev(`${base}_in_usd`, float64(), `${what} (USD)`, `${what} converted to US dollars at the latest loaded exchange rate; null when the currency is missing or has no rate.`);
}

export const Ga4Event = {
  measurement_id: ev('measurement_id', utf8(), 'Measurement ID', 'GA4 measurement id (tid) the tracker sent the event with; property_id is the property Cairn routed it to.', {
    lowCardinality: true,
  }),
  ecommerce_purchase_revenue: ev('ecommerce_purchase_revenue', float64(), 'Purchase Revenue', 'For a purchase, the sum of price × quantity over its items; 0 for every other event.'),
  ecommerce_purchase_revenue_in_usd: usd('ecommerce_purchase_revenue', 'Purchase Revenue'),
  ecommerce_refund_value: ev('ecommerce_refund_value', float64(), 'Refund Value', 'For a refund, the sum of price × quantity over its items; 0 for every other event.'),
  ecommerce_refund_value_in_usd: usd('ecommerce_refund_value', 'Refund Value'),
  ecommerce_shipping_value: ev('ecommerce_shipping_value', float64(), 'Shipping Value', 'Shipping cost of a purchase or refund (0 when not given); 0 for every other event.'),
  ecommerce_shipping_value_in_usd: usd('ecommerce_shipping_value', 'Shipping Value'),
  ecommerce_tax_value: ev('ecommerce_tax_value', float64(), 'Tax Value', 'Tax of the event (the numeric tax parameter); null when not given.'),
  ecommerce_tax_value_in_usd: usd('ecommerce_tax_value', 'Tax Value'),
  ecommerce_items_total_quantity: ev('ecommerce_items_total_quantity', int64(), 'Items Quantity', 'Sum of the item quantities (each cut to a whole number); 0 without items.'),
  ecommerce_unique_items: ev('ecommerce_unique_items', int64(), 'Unique Items', 'Number of distinct item ids among the items (items known only by name are not counted); 0 without items.'),
  ecommerce_items: ev('ecommerce_items', ecommerceItemsType(), 'Items', 'The items of the event (pr1, pr2… parameters in that order), each with its ids, names, categories, price, quantity and revenue or refund; null without items.'),
  client_session_id: ev('client_session_id', utf8(), 'Client Session ID', 'Session id kept by the tracker\'s cookie (sid): the time the browser session started.'),
  client_session_number: ev('client_session_number', int64(), 'Client Session Number', 'Session count kept by the tracker\'s cookie (sct): 1 for a visitor\'s first session, 2 for the second…'),
  gtm_debug: ev('gtm_debug', utf8(), 'GTM Debug', 'The gtm_debug parameter of the page URL, set while Google Tag Manager runs in preview mode.', NULLABLE_LOW_CARDINALITY),
  page_load_hash: ev('page_load_hash', timestampSeconds(), 'Page Load Time', 'When the page that sent the event was loaded, from the tracker\'s page-load timestamp (_p), to the second.'),
  params: ev('params', eventParamsType(), 'Event Parameters', 'Every event parameter of the hit in request order: text ones (ep.) with value_string, numeric ones (epn.) with value_number.'),
  privacy_ads_storage: ev('privacy_ads_storage', bool(), 'Ads Storage Consent', 'Whether the visitor allowed ad storage, from Google consent mode (third character of gcs); null when not sent.'),
  privacy_analytics_storage: ev('privacy_analytics_storage', bool(), 'Analytics Storage Consent', 'Whether the visitor allowed analytics storage, from Google consent mode (fourth character of gcs); null when not sent.'),
  user_properties: ev(
    'user_properties',
    userPropertiesType(),
    'User Properties',
    'User properties sent with the event (gtag up. / upn. parameters, Measurement Protocol user_properties) in request order, each with the time it was set in microseconds; an empty list without any.',
  ),
  ...paramInterfaces,
} as const;

const T64: InterfaceFieldOptions = { nullable: true, codec: 'CODEC(T64, LZ4)' };

export const Ga4Session = {
  session_is_engaged: se('session_is_engaged', bool(), 'Session Is Engaged', 'True when the tracker flagged an event as engaged (seg), or the session has two page or screen views, or a purchase.', T64),
  session_returning_user: se('session_returning_user', bool(), 'Returning User', 'True when an event of the session says the visitor has had an earlier session (session number of 2 or more).', T64),
  session_abandoned_cart: se('session_abandoned_cart', bool(), 'Abandoned Cart', 'True when something was added to the cart and no purchase followed the last addition.', T64),
} as const;
