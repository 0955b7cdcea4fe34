/**
 * A Measurement Protocol event spelled as the query string gtag would have sent for it. The
 * GA4 columns read gtag's parameters, so writing the event in that form is what makes server
 * and app events land in the very same columns as web events, with the same rules.
 */
import { USER_PROPERTY_TIME_PREFIX } from '../ga4/columns/user-properties.js';
import type { MpEvent, MpPayload, ParamValue } from './payload.js';

/** Event params with a gtag parameter of their own instead of an `ep.` / `epn.` one. */
const DEDICATED_PARAMS: Readonly<Record<string, string>> = {
  session_id: 'sid',
  engagement_time_msec: '_et',
  page_location: 'dl',
  page_title: 'dt',
  page_referrer: 'dr',
  language: 'ul',
  screen_resolution: 'sr',
  ignore_referrer: 'ir',
};

/** Item fields and the two-letter codes of gtag's `prN` item strings. */
const ITEM_CODES: Readonly<Record<string, string>> = {
  item_id: 'id',
  item_name: 'nm',
  affiliation: 'af',
  coupon: 'cp',
  discount: 'ds',
  index: 'lp',
  item_brand: 'br',
  item_category: 'ca',
  item_category2: 'c2',
  item_category3: 'c3',
  item_category4: 'c4',
  item_category5: 'c5',
  item_list_id: 'li',
  item_list_name: 'ln',
  item_variant: 'va',
  location_id: 'lo',
  price: 'pr',
  quantity: 'qt',
  creative_name: 'cn',
  creative_slot: 'cs',
  promotion_id: 'pi',
  promotion_name: 'pn',
};


const text = (v: ParamValue): string => (typeof v === 'number' ? numberText(v) : v);

/** Numbers as gtag writes them: no exponent for ordinary magnitudes, `-0` as `0`. */
function numberText(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * `~` separates an item string's fields, so a value holding one would be cut short; it is
 * written as `-`, the only change the encoding makes to a value.
 */
function itemString(fields: ReadonlyArray<[string, ParamValue]>): string {
  const parts: string[] = [];
  for (const [key, value] of fields) {
    const code = ITEM_CODES[key];
    if (code !== undefined) parts.push(code + text(value).replaceAll('~', '-'));
  }
  return parts.join('~');
}

/** One `key=value` pair per entry, each part percent-encoded. */
function queryString(pairs: ReadonlyArray<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

export interface GtagLayerContext {
  /** `measurement_id` or `firebase_app_id`. */
  streamId: string;
  payload: MpPayload;
}

/** The gtag-form query string of one event of the payload. */
export function gtagLayer(ctx: GtagLayerContext, event: MpEvent): string {
  const { payload } = ctx;
  const pairs: Array<[string, string]> = [
    ['v', '2'],
    ['tid', ctx.streamId],
    ['cid', payload.clientId],
  ];
  if (payload.userId !== null) pairs.push(['uid', payload.userId]);
  pairs.push(['en', event.name]);
  if (payload.device.language !== undefined) pairs.push(['ul', payload.device.language]);
  if (payload.device.screenResolution !== undefined) pairs.push(['sr', payload.device.screenResolution]);
  if (payload.nonPersonalizedAds) pairs.push(['npa', '1']);
  for (const [name, value] of event.params) {
    const dedicated = DEDICATED_PARAMS[name];
    if (dedicated !== undefined) {
      pairs.push([dedicated, text(value)]);
    } else if (name === 'currency') {
      // gtag sends the currency as `cu`; the event parameter keeps it in `params` too.
      pairs.push(['cu', text(value)], ['ep.currency', text(value)]);
    } else if (typeof value === 'number') {
      pairs.push([`epn.${name}`, numberText(value)]);
    } else {
      pairs.push([`ep.${name}`, value]);
    }
  }
  event.items.forEach((fields, i) => pairs.push([`pr${i + 1}`, itemString(fields)]));
  for (const up of payload.userProperties) {
    pairs.push(typeof up.value === 'number' ? [`upn.${up.name}`, numberText(up.value)] : [`up.${up.name}`, up.value]);
    if (up.setTimestampMicros !== undefined) pairs.push([`${USER_PROPERTY_TIME_PREFIX}${up.name}`, String(up.setTimestampMicros)]);
  }
  return queryString(pairs);
}
