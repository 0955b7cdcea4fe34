/**
 * The limits GA4 applies to Measurement Protocol payloads. Cairn enforces them on both
 * endpoints so that a payload the debug endpoint passes is one GA4 would take too, and so that
 * the table never holds what GA4's own export could not.
 */

export const MAX_EVENTS_PER_REQUEST = 25;
export const MAX_PARAMS_PER_EVENT = 25;
export const MAX_USER_PROPERTIES = 25;
export const MAX_EVENT_NAME_LENGTH = 40;
export const MAX_PARAM_NAME_LENGTH = 40;
export const MAX_PARAM_VALUE_LENGTH = 100;
export const MAX_USER_PROPERTY_NAME_LENGTH = 24;
export const MAX_USER_PROPERTY_VALUE_LENGTH = 36;
export const MAX_USER_ID_LENGTH = 256;
export const MAX_ITEMS_PER_EVENT = 200;
/** How far back `timestamp_micros` may date an event. */
export const MAX_BACKDATE_MS = 72 * 3_600_000;
/** Clock skew tolerated for a `timestamp_micros` slightly ahead of the server's clock. */
export const MAX_FUTURE_SKEW_MS = 60_000;

/** Letters, digits and underscores, starting with a letter. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Event names GA4 keeps for the events its SDKs collect by themselves. */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_remove',
  'app_store_refund',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'firebase_campaign',
  'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'notification_send',
  'os_update',
  'session_start',
  'user_engagement',
]);

/** Prefixes no event, parameter or user property name may start with. */
export const RESERVED_NAME_PREFIXES: readonly string[] = ['google_', 'ga_', 'firebase_'];

export const RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set(['firebase_conversion']);

export const RESERVED_USER_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  'first_open_time',
  'first_visit_time',
  'last_deep_link_referrer',
  'user_id',
  'first_open_after_install',
]);

export function reservedPrefixOf(name: string): string | undefined {
  return RESERVED_NAME_PREFIXES.find((p) => name.startsWith(p));
}
