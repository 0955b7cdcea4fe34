import { Field, List, Struct, type DataType } from 'apache-arrow';
import type { InterfaceFieldOptions, InterfaceId } from '../../../src/schema/interface.js';
import { arrowTypes, documentedInterface, type DocumentedInterface } from '../../../columns/generic/documented-interface.js';

/**
 * Matomo protocol interfaces, declared in the table's physical order after the core columns
 * (d8a's Matomo table). Ids follow d8a: `…/event/<column>` and `…/session/<column without
 * session_>`, except the two session lists, which keep their full names.
 */

export const MATOMO_EVENT_PREFIX = 'matomo.protocols.d8a.tech/event/';
export const MATOMO_SESSION_PREFIX = 'matomo.protocols.d8a.tech/session/';

const FULL_NAME_SESSION_IDS = new Set(['session_custom_variables', 'session_custom_dimensions']);

export function matomoEventInterfaceId(column: string): InterfaceId {
  return MATOMO_EVENT_PREFIX + column;
}

export function matomoSessionInterfaceId(column: string): InterfaceId {
  return MATOMO_SESSION_PREFIX + (FULL_NAME_SESSION_IDS.has(column) ? column : column.replace(/^session_/, ''));
}

const { utf8, int64, float64, bool } = arrowTypes;
const NULLABLE: InterfaceFieldOptions = { nullable: true };

function listOf(fields: readonly (readonly [string, DataType])[]): DataType {
  const struct = new Struct(fields.map(([name, type]) => new Field(name, type, true)));
  return new List(new Field('item', struct, true));
}

/** `list<struct<name, value>>`: custom variables, page or visit scope. */
export const customVariablesType = (): DataType => listOf([['name', utf8()], ['value', utf8()]]);

/** `list<struct<slot, value>>`: custom dimensions. */
export const customDimensionsType = (): DataType => listOf([['slot', int64()], ['value', utf8()]]);

/** `list<struct<sku, name, category_1..5, price, quantity>>`: ecommerce items. */
export const ecommerceItemsType = (): DataType =>
  listOf([
    ['sku', utf8()],
    ['name', utf8()],
    ['category_1', utf8()],
    ['category_2', utf8()],
    ['category_3', utf8()],
    ['category_4', utf8()],
    ['category_5', utf8()],
    ['price', float64()],
    ['quantity', float64()],
  ]);

function ev(name: string, type: DataType, displayName: string, description: string): DocumentedInterface {
  return documentedInterface(matomoEventInterfaceId(name), name, type, displayName, description, NULLABLE);
}

function se(name: string, type: DataType, displayName: string, description: string): DocumentedInterface {
  return documentedInterface(matomoSessionInterfaceId(name), name, type, displayName, description, NULLABLE);
}

function productCategory(n: number): DocumentedInterface {
  const description =
    n === 1
      ? 'First category of the viewed product: entry 1 of the _pkc JSON list, or the whole _pkc value when it is not a list.'
      : `Category ${n} of the viewed product: entry ${n} of the _pkc JSON list.`;
  return ev(`params_product_category_${n}`, utf8(), `Product Category ${n}`, description);
}

export const MatomoEvent = {
  params_site_id: ev('params_site_id', utf8(), 'Site ID', 'The idsite the tracker sent; property_id is the property Cairn routed it to.'),
  params_page_view_id: ev('params_page_view_id', utf8(), 'Page View ID', 'Identifier the tracker gives each page view (pv_id); events sent from the same page view share it.'),
  params_goal_id: ev('params_goal_id', utf8(), 'Goal ID', 'Goal the request converts (idgoal); 0 stands for an ecommerce order or cart update.'),
  params_category: ev('params_category', utf8(), 'Event Category', 'Category of a custom event (e_c).'),
  params_action: ev('params_action', utf8(), 'Event Action', 'Action of a custom event (e_a).'),
  params_link_url: ev('params_link_url', utf8(), 'Outlink URL', 'Target of the outbound link that was clicked (link).'),
  params_download_url: ev('params_download_url', utf8(), 'Download URL', 'URL of the downloaded file (download).'),
  params_search_term: ev('params_search_term', utf8(), 'Search Term', 'What the visitor searched for on the site (search), as sent.'),
  params_value: ev('params_value', float64(), 'Event Value', 'Numeric value of a custom event (e_v).'),
  params_media_asset_id: ev('params_media_asset_id', utf8(), 'Media ID', 'Identifier of the video or audio played (ma_id).'),
  params_media_type: ev('params_media_type', utf8(), 'Media Type', 'Kind of media played, video or audio (ma_mt).'),
  params_content_interaction: ev('params_content_interaction', utf8(), 'Content Interaction', 'What the visitor did with a tracked content block, e.g. click (c_i).'),
  params_content_name: ev('params_content_name', utf8(), 'Content Name', 'Name of the tracked content block (c_n).'),
  params_content_piece: ev('params_content_piece', utf8(), 'Content Piece', 'The piece of content shown, such as an image path or a text (c_p).'),
  params_content_target: ev('params_content_target', utf8(), 'Content Target', 'Where the content block leads, usually a URL (c_t).'),
  params_product_price: ev('params_product_price', float64(), 'Product Price', 'Price of the viewed product (_pkp).'),
  params_product_sku: ev('params_product_sku', utf8(), 'Product SKU', 'Stock-keeping unit of the viewed product (_pks).'),
  params_product_name: ev('params_product_name', utf8(), 'Product Name', 'Name of the viewed product (_pkn).'),
  params_product_category_1: productCategory(1),
  params_product_category_2: productCategory(2),
  params_product_category_3: productCategory(3),
  params_product_category_4: productCategory(4),
  params_product_category_5: productCategory(5),
  params_search_keyword: ev('params_search_keyword', utf8(), 'Search Keyword', 'The site-search keyword (search), cut to the string limit.'),
  params_search_category: ev('params_search_category', utf8(), 'Search Category', 'Category the site search was limited to (search_cat).'),
  params_search_count: ev('params_search_count', int64(), 'Search Results', 'Number of results the site search returned (search_count).'),
  custom_variables: ev('custom_variables', customVariablesType(), 'Custom Variables', 'Page-scope custom variables (cvar) as name and value, in slot order.'),
  custom_dimensions: ev('custom_dimensions', customDimensionsType(), 'Custom Dimensions', 'Custom dimensions sent with the event (dimension1, dimension2, …) as slot and value, in slot order.'),
  ecommerce_purchase_revenue: ev('ecommerce_purchase_revenue', float64(), 'Revenue', 'Grand total of an ecommerce order, or the revenue of a goal conversion (revenue).'),
  ecommerce_shipping_value: ev('ecommerce_shipping_value', float64(), 'Shipping', 'Shipping cost of the order (ec_sh).'),
  ecommerce_subtotal_value: ev('ecommerce_subtotal_value', float64(), 'Subtotal', 'Order total before shipping (ec_st).'),
  ecommerce_tax_value: ev('ecommerce_tax_value', float64(), 'Tax', 'Tax of the order (ec_tx).'),
  ecommerce_discount_value: ev('ecommerce_discount_value', float64(), 'Discount', 'Discount granted on the order (ec_dt).'),
  ecommerce_order_id: ev('ecommerce_order_id', utf8(), 'Order ID', 'Identifier of the ecommerce order (ec_id).'),
  ecommerce_items: ev('ecommerce_items', ecommerceItemsType(), 'Items', 'Items of the order or cart (ec_items): SKU, name, up to five categories, price and quantity (1 when not given).'),
  ecommerce_items_total_quantity: ev('ecommerce_items_total_quantity', int64(), 'Items Quantity', 'Sum of the item quantities, each cut to a whole number; 0 without items.'),
} as const;

export const MatomoSession = {
  session_custom_variables: se('session_custom_variables', customVariablesType(), 'Session Custom Variables', 'Visit-scope custom variables (_cvar) of the whole session, a later value of a name replacing an earlier one, sorted by name.'),
  session_custom_dimensions: se('session_custom_dimensions', customDimensionsType(), 'Session Custom Dimensions', 'Custom dimensions of the whole session, a later value of a slot replacing an earlier one, sorted by slot.'),
  session_total_goal_conversions: se('session_total_goal_conversions', int64(), 'Goal Conversions', 'Number of goal conversions in the session.'),
  session_total_content_impressions: se('session_total_content_impressions', int64(), 'Content Impressions', 'Number of content impressions in the session.'),
  session_total_content_interactions: se('session_total_content_interactions', int64(), 'Content Interactions', 'Number of content interactions in the session.'),
  session_returning_user: se('session_returning_user', bool(), 'Returning User', 'True when the session\'s first event says the visitor has been seen before (_idn=0).'),
} as const;

/** Every Matomo interface id in declaration order (its physical order after the core columns). */
export const MATOMO_INTERFACE_ORDER: readonly InterfaceId[] = [...Object.values(MatomoEvent), ...Object.values(MatomoSession)].map((i) => i.id);
