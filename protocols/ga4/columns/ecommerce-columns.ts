import type { CurrencyConverter } from '../../../columns/currency/converter.js';
import type { EventColumn } from '../../../src/schema/column.js';
import { castFloat64OrNull } from '../../../src/schema/casts.js';
import type { Event } from '../../../src/schema/session.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import type { DocumentedInterface } from '../../../columns/generic/documented-interface.js';
import { eventNameOf } from '../../../columns/generic/event-name.js';
import { sumInt64, truncateToInt64 } from '../../../columns/generic/go-int-conversion.js';
import { queryParamEventColumn } from '../../../columns/generic/query-param.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import type { Int64 } from '../../../src/schema/go-number.js';
import { Ga4EventNames as N } from './event-names.js';
import { Ga4Event } from './interfaces.js';
import { ecommerceItemsColumn } from './items.js';
import type { Ga4Item } from './nested-types.js';
import { amountInUsd } from './usd-conversion.js';

/**
 * E-commerce totals of an event, computed from its items. Totals are 0 rather than null when
 * they do not apply (a revenue on a refund, an event without items), as in the reference.
 */

function itemsOf(event: Event): readonly Ga4Item[] {
  const items = event.values[Ga4Event.ecommerce_items.field.name];
  return Array.isArray(items) ? (items as Ga4Item[]) : [];
}

function sumOf(items: readonly Ga4Item[], field: 'item_revenue' | 'item_refund'): number {
  let total = 0;
  for (const item of items) total += item[field] ?? 0;
  return total;
}

const ITEMS_AND_NAME = [Ga4Event.ecommerce_items.id, CoreEvent.name.id];

export const purchaseRevenueColumn = eventColumn(
  Ga4Event.ecommerce_purchase_revenue,
  (e) => (eventNameOf(e) === N.purchase ? sumOf(itemsOf(e), 'item_revenue') : 0),
  { dependsOn: ITEMS_AND_NAME },
);

export const refundValueColumn = eventColumn(
  Ga4Event.ecommerce_refund_value,
  (e) => (eventNameOf(e) === N.refund ? sumOf(itemsOf(e), 'item_refund') : 0),
  { dependsOn: ITEMS_AND_NAME },
);

export const shippingValueColumn = eventColumn(
  Ga4Event.ecommerce_shipping_value,
  (e) => {
    const name = eventNameOf(e);
    if (name !== N.purchase && name !== N.refund) return 0;
    const shipping = e.values[Ga4Event.params_shipping.field.name];
    return typeof shipping === 'number' ? shipping : 0;
  },
  { dependsOn: [CoreEvent.name.id, Ga4Event.params_shipping.id] },
);

export const taxValueColumn = queryParamEventColumn(Ga4Event.ecommerce_tax_value, 'epn.tax', { cast: castFloat64OrNull });

/** Quantities are cut to whole numbers one by one, then added. */
export const itemsTotalQuantityColumn = eventColumn(
  Ga4Event.ecommerce_items_total_quantity,
  (e) => {
    const items = itemsOf(e);
    // Most events carry no items: no list and no BigInt sum for them.
    if (items.length === 0) return 0;
    const quantities: Int64[] = [];
    for (const item of items) {
      const whole = item.quantity === null ? null : truncateToInt64(item.quantity);
      if (whole !== null) quantities.push(whole);
    }
    return sumInt64(quantities);
  },
  { dependsOn: [Ga4Event.ecommerce_items.id] },
);

/** Distinct item ids; an item known only by its name does not count. */
export const uniqueItemsColumn = eventColumn(
  Ga4Event.ecommerce_unique_items,
  (e) => {
    const items = itemsOf(e);
    // No set for the usual none or one item.
    if (items.length <= 1) return items.length === 1 && items[0]!.item_id !== null ? 1 : 0;
    const ids = new Set<string>();
    for (const item of items) if (item.item_id !== null) ids.add(item.item_id);
    return ids.size;
  },
  { dependsOn: [Ga4Event.ecommerce_items.id] },
);

function inUsdColumn(iface: DocumentedInterface, base: DocumentedInterface, converter: CurrencyConverter): EventColumn {
  const baseField = base.field.name;
  const currencyField = Ga4Event.params_currency.field.name;
  return eventColumn(iface, (e) => amountInUsd(converter, e.values[currencyField], e.values[baseField]), {
    dependsOn: [base.id, Ga4Event.params_currency.id],
  });
}

/** The items, their totals and the totals in US dollars through `converter`. */
export function ecommerceColumns(converter: CurrencyConverter): EventColumn[] {
  return [
    ecommerceItemsColumn(converter),
    purchaseRevenueColumn,
    inUsdColumn(Ga4Event.ecommerce_purchase_revenue_in_usd, Ga4Event.ecommerce_purchase_revenue, converter),
    refundValueColumn,
    inUsdColumn(Ga4Event.ecommerce_refund_value_in_usd, Ga4Event.ecommerce_refund_value, converter),
    shippingValueColumn,
    inUsdColumn(Ga4Event.ecommerce_shipping_value_in_usd, Ga4Event.ecommerce_shipping_value, converter),
    taxValueColumn,
    inUsdColumn(Ga4Event.ecommerce_tax_value_in_usd, Ga4Event.ecommerce_tax_value, converter),
    itemsTotalQuantityColumn,
    uniqueItemsColumn,
  ];
}
