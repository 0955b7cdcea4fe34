import type { CurrencyConverter } from '../../../columns/currency/converter.js';
import type { EventColumn } from '../../../src/schema/column.js';
import { parseGoFloat64 } from '../../../src/schema/go-number.js';
import type { QueryParams } from '../../../src/hits/hit.js';
import type { Event } from '../../../src/schema/session.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import { eventNameOf } from '../../../columns/generic/event-name.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import { Ga4EventNames } from './event-names.js';
import { Ga4Event } from './interfaces.js';
import type { Ga4Item, ItemNumberField, ItemTextField } from './nested-types.js';
import { amountInUsd } from './usd-conversion.js';

/**
 * GA4 items as gtag encodes them: parameters `pr1`, `pr2`… each holding one item as
 * `~`-separated parts, a part being a two-letter code followed by its value
 * (`idSKU_1~nmT-shirt~pr19.95~qt2`). Unknown codes (custom item parameters `k0`/`v0`…) are
 * ignored, as are parts shorter than a code.
 */

const TEXT_CODES: Readonly<Record<string, ItemTextField>> = {
  id: 'item_id',
  nm: 'item_name',
  af: 'affiliation',
  cp: 'coupon',
  br: 'item_brand',
  ca: 'item_category',
  c2: 'item_category2',
  c3: 'item_category3',
  c4: 'item_category4',
  c5: 'item_category5',
  li: 'item_list_id',
  ln: 'item_list_name',
  va: 'item_variant',
  lo: 'location_id',
  cn: 'creative_name',
  cs: 'creative_slot',
  pi: 'promotion_id',
  pn: 'promotion_name',
};

const NUMBER_CODES: Readonly<Record<string, ItemNumberField>> = {
  ds: 'discount',
  lp: 'index',
  pr: 'price',
  qt: 'quantity',
};

const ITEM_KEY_PREFIX = 'pr';

/** N of a key `pr<digits>` (`pr01` is 1), else -1. */
function itemNumber(key: string): number {
  const n = key.length;
  if (n <= ITEM_KEY_PREFIX.length) return -1;
  for (let i = ITEM_KEY_PREFIX.length; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return Number(key.slice(ITEM_KEY_PREFIX.length));
}

interface NumberedItems {
  readonly n: number;
  readonly values: readonly string[];
}

function inNumberOrder(items: readonly NumberedItems[]): boolean {
  for (let i = 1; i < items.length; i++) if (items[i]!.n < items[i - 1]!.n) return false;
  return true;
}

/**
 * The item strings of a hit: every value of every parameter whose name starts with `pr`.
 * Numbered keys come first in numeric order (`pr2` before `pr10`), any other `pr…` key after
 * them in request order. The reference walks a Go map here, so its item order was random.
 */
export function itemStrings(params: QueryParams): readonly string[] {
  let numbered: NumberedItems[] | undefined;
  let others: string[] | undefined;
  // forEach rather than for-of: the entries iterator makes an array per parameter.
  params.forEach((values, key) => {
    if (!key.startsWith(ITEM_KEY_PREFIX)) return;
    const n = itemNumber(key);
    if (n === -1) (others ??= []).push(...values);
    else (numbered ??= []).push({ n, values });
  });
  // Most events carry no items; they share one empty list.
  if (numbered === undefined && others === undefined) return NO_ITEM_STRINGS;
  const strings: string[] = [];
  if (numbered !== undefined) {
    // Array.prototype.sort is stable: `pr01` and `pr1` keep their request order. Items mostly
    // come in order already.
    if (!inNumberOrder(numbered)) numbered.sort((a, b) => a.n - b.n);
    for (const item of numbered) for (const value of item.values) strings.push(value);
  }
  if (others !== undefined) for (const value of others) strings.push(value);
  return strings;
}

const NO_ITEM_STRINGS: readonly string[] = Object.freeze([]);

/**
 * Every field null, written out so each item is one plain object of one literal shape (a test
 * keeps the list equal to ITEM_FIELDS).
 */
function emptyItem(): Ga4Item {
  return {
    item_id: null,
    item_name: null,
    affiliation: null,
    coupon: null,
    discount: null,
    index: null,
    item_brand: null,
    item_category: null,
    item_category2: null,
    item_category3: null,
    item_category4: null,
    item_category5: null,
    item_list_id: null,
    item_list_name: null,
    item_variant: null,
    location_id: null,
    price: null,
    price_in_usd: null,
    quantity: null,
    item_refund: null,
    item_refund_in_usd: null,
    item_revenue: null,
    item_revenue_in_usd: null,
    promotion_id: null,
    promotion_name: null,
    creative_name: null,
    creative_slot: null,
  };
}

/** The fields one item string sets; numbers that do not parse are left unset. */
export function parseItemString(raw: string): Ga4Item {
  const item = emptyItem();
  for (const part of raw.split('~')) {
    if (part.length < 2) continue;
    const code = part.slice(0, 2);
    const value = part.slice(2);
    const text = TEXT_CODES[code];
    if (text !== undefined) {
      item[text] = value;
      continue;
    }
    const number = NUMBER_CODES[code];
    if (number !== undefined && value !== '') {
      const parsed = parseGoFloat64(value);
      if (parsed !== null) item[number] = parsed;
    }
  }
  return item;
}

/** Item fields that take the event's value when the item does not set them. */
export const EVENT_LEVEL_FALLBACKS = [
  ['item_list_id', Ga4Event.params_item_list_id],
  ['item_list_name', Ga4Event.params_item_list_name],
  ['creative_name', Ga4Event.params_creative_name],
  ['creative_slot', Ga4Event.params_creative_slot],
  ['promotion_id', Ga4Event.params_promotion_id],
  ['promotion_name', Ga4Event.params_promotion_name],
] as const;

export interface ItemContext {
  isRefund: boolean;
  /** The event's `params_currency` value. */
  currency: unknown;
  /** The event's values, for the event-level fallbacks. */
  eventValues: Record<string, unknown>;
  converter: CurrencyConverter;
}

/**
 * An item completed with its event: price and quantity default to 0; price × quantity is the
 * item's refund on a refund event and its revenue otherwise (the other one is 0); missing
 * list and promotion fields come from the event; the money fields get their USD values.
 */
export function completeItem(item: Ga4Item, context: ItemContext): Ga4Item {
  const price = item.price ?? 0;
  const quantity = item.quantity ?? 0;
  const total = price * quantity;
  item.price = price;
  item.quantity = quantity;
  item.item_refund = context.isRefund ? total : 0;
  item.item_revenue = context.isRefund ? 0 : total;
  for (const [field, iface] of EVENT_LEVEL_FALLBACKS) {
    if (item[field] !== null) continue;
    const fromEvent = context.eventValues[iface.field.name];
    item[field] = typeof fromEvent === 'string' ? fromEvent : null;
  }
  item.price_in_usd = amountInUsd(context.converter, context.currency, item.price);
  item.item_refund_in_usd = amountInUsd(context.converter, context.currency, item.item_refund);
  item.item_revenue_in_usd = amountInUsd(context.converter, context.currency, item.item_revenue);
  return item;
}

/** The event's items in `prN` order; only items with an id or a name (even empty) are kept; null when none. */
export function ecommerceItems(event: Event, converter: CurrencyConverter): Ga4Item[] | null {
  const strings = itemStrings(event.hit.request.queryParams);
  if (strings.length === 0) return null;
  const context: ItemContext = {
    isRefund: eventNameOf(event) === Ga4EventNames.refund,
    currency: event.values[Ga4Event.params_currency.field.name],
    eventValues: event.values,
    converter,
  };
  const items: Ga4Item[] = [];
  for (const raw of strings) {
    const item = parseItemString(raw);
    if (item.item_id === null && item.item_name === null) continue;
    items.push(completeItem(item, context));
  }
  return items.length === 0 ? null : items;
}

export function ecommerceItemsColumn(converter: CurrencyConverter): EventColumn {
  return eventColumn(Ga4Event.ecommerce_items, (e) => ecommerceItems(e, converter), {
    dependsOn: [CoreEvent.name.id, Ga4Event.params_currency.id, ...EVENT_LEVEL_FALLBACKS.map(([, iface]) => iface.id)],
  });
}
