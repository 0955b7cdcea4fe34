import { Field, Float64, Int64, List, Struct, Utf8, type DataType } from 'apache-arrow';

/**
 * The two nested GA4 columns: their Arrow types and the plain objects rows carry. Every
 * subfield is nullable; list elements are named `item`, as Arrow's Go library names them.
 */

/** One element of the `params` column. */
export interface EventParam {
  name: string;
  value_string: string | null;
  value_number: number | null;
}

export function eventParamsType(): DataType {
  const struct = new Struct([new Field('name', new Utf8(), true), new Field('value_string', new Utf8(), true), new Field('value_number', new Float64(), true)]);
  return new List(new Field('item', struct, true));
}

/** One element of the `user_properties` column. */
export interface UserProperty {
  name: string;
  value_string: string | null;
  value_number: number | null;
  set_timestamp_micros: number | null;
}

export function userPropertiesType(): DataType {
  const struct = new Struct([
    new Field('name', new Utf8(), true),
    new Field('value_string', new Utf8(), true),
    new Field('value_number', new Float64(), true),
    new Field('set_timestamp_micros', new Int64(), true),
  ]);
  return new List(new Field('item', struct, true));
}

/** Item subfields in their declared order, with the kind of value each holds. */
export const ITEM_FIELDS = [
  ['item_id', 'string'],
  ['item_name', 'string'],
  ['affiliation', 'string'],
  ['coupon', 'string'],
  ['discount', 'number'],
  ['index', 'number'],
  ['item_brand', 'string'],
  ['item_category', 'string'],
  ['item_category2', 'string'],
  ['item_category3', 'string'],
  ['item_category4', 'string'],
  ['item_category5', 'string'],
  ['item_list_id', 'string'],
  ['item_list_name', 'string'],
  ['item_variant', 'string'],
  ['location_id', 'string'],
  ['price', 'number'],
  ['price_in_usd', 'number'],
  ['quantity', 'number'],
  ['item_refund', 'number'],
  ['item_refund_in_usd', 'number'],
  ['item_revenue', 'number'],
  ['item_revenue_in_usd', 'number'],
  ['promotion_id', 'string'],
  ['promotion_name', 'string'],
  ['creative_name', 'string'],
  ['creative_slot', 'string'],
] as const;

type ItemFieldEntry = (typeof ITEM_FIELDS)[number];
export type ItemField = ItemFieldEntry[0];
export type ItemTextField = Extract<ItemFieldEntry, readonly [string, 'string']>[0];
export type ItemNumberField = Extract<ItemFieldEntry, readonly [string, 'number']>[0];

/** One element of `ecommerce_items`: every field present, null when unknown. */
export type Ga4Item = { [K in ItemTextField]: string | null } & { [K in ItemNumberField]: number | null };

export function ecommerceItemsType(): DataType {
  const fields = ITEM_FIELDS.map(([name, kind]) => new Field(name, kind === 'string' ? new Utf8() : new Float64(), true));
  return new List(new Field('item', new Struct(fields), true));
}
