import type { EventColumn } from '../../../src/schema/column.js';
import { castFloat64OrNull, castInt64OrNull, castStringOrNull, type Cast } from '../../../src/schema/casts.js';
import type { Event } from '../../../src/schema/session.js';
import { queryParamEventColumn, queryParamValue } from '../../../columns/generic/query-param.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import type { DocumentedInterface } from '../../../columns/generic/documented-interface.js';
import { customDimensionsOf, parseCustomVariables } from './custom-data.js';
import { parseEcommerceItems, productCategories, totalQuantity } from './ecommerce.js';
import { MatomoEvent as E } from './interfaces.js';

/** URLs and the search term are kept whole (not cut to the string limit); only empty becomes null. */
const emptyToNull: Cast = (value) => (value === '' || value === undefined ? null : value);

const text = (iface: DocumentedInterface, param: string): EventColumn => queryParamEventColumn(iface, param, { cast: castStringOrNull });
const number = (iface: DocumentedInterface, param: string): EventColumn => queryParamEventColumn(iface, param, { cast: castFloat64OrNull });

// The five category columns read the same `_pkc`: parse it once per event.
const categoriesByEvent = new WeakMap<Event, string[]>();

function categoriesOf(event: Event): string[] {
  let categories = categoriesByEvent.get(event);
  if (categories === undefined) {
    categories = productCategories(queryParamValue(event.hit, '_pkc'));
    categoriesByEvent.set(event, categories);
  }
  return categories;
}

function productCategoryColumn(iface: DocumentedInterface, index: number): EventColumn {
  return eventColumn(iface, (e) => categoriesOf(e)[index] ?? null, { cast: (v) => (v === null ? null : castStringOrNull(v)) });
}

export const ecommerceItemsColumn = eventColumn(E.ecommerce_items, (e) => parseEcommerceItems(queryParamValue(e.hit, 'ec_items')));

export const ecommerceItemsTotalQuantityColumn = eventColumn(E.ecommerce_items_total_quantity, (e) => totalQuantity(e.values[E.ecommerce_items.field.name]), {
  dependsOn: [E.ecommerce_items.id],
});

/** The Matomo event columns beyond the core ones, in their physical order. */
export function matomoEventColumns(): EventColumn[] {
  return [
    text(E.params_site_id, 'idsite'),
    text(E.params_page_view_id, 'pv_id'),
    text(E.params_goal_id, 'idgoal'),
    text(E.params_category, 'e_c'),
    text(E.params_action, 'e_a'),
    queryParamEventColumn(E.params_link_url, 'link', { cast: emptyToNull }),
    queryParamEventColumn(E.params_download_url, 'download', { cast: emptyToNull }),
    queryParamEventColumn(E.params_search_term, 'search', { cast: emptyToNull }),
    number(E.params_value, 'e_v'),
    text(E.params_media_asset_id, 'ma_id'),
    text(E.params_media_type, 'ma_mt'),
    text(E.params_content_interaction, 'c_i'),
    text(E.params_content_name, 'c_n'),
    text(E.params_content_piece, 'c_p'),
    text(E.params_content_target, 'c_t'),
    number(E.params_product_price, '_pkp'),
    text(E.params_product_sku, '_pks'),
    text(E.params_product_name, '_pkn'),
    productCategoryColumn(E.params_product_category_1, 0),
    productCategoryColumn(E.params_product_category_2, 1),
    productCategoryColumn(E.params_product_category_3, 2),
    productCategoryColumn(E.params_product_category_4, 3),
    productCategoryColumn(E.params_product_category_5, 4),
    text(E.params_search_keyword, 'search'),
    text(E.params_search_category, 'search_cat'),
    queryParamEventColumn(E.params_search_count, 'search_count', { cast: castInt64OrNull }),
    eventColumn(E.custom_variables, (e) => parseCustomVariables(queryParamValue(e.hit, 'cvar'))),
    eventColumn(E.custom_dimensions, (e) => customDimensionsOf(e.hit.request.queryParams)),
    number(E.ecommerce_purchase_revenue, 'revenue'),
    number(E.ecommerce_shipping_value, 'ec_sh'),
    number(E.ecommerce_subtotal_value, 'ec_st'),
    number(E.ecommerce_tax_value, 'ec_tx'),
    number(E.ecommerce_discount_value, 'ec_dt'),
    text(E.ecommerce_order_id, 'ec_id'),
    ecommerceItemsColumn,
    ecommerceItemsTotalQuantityColumn,
  ];
}
