import { BrokenEventError } from '../../../src/schema/errors.js';
import { goFormatG } from './go-format-g.js';

/**
 * Matomo's ecommerce parameters: `ec_items` (the items of an order or cart) and `_pkc` (the
 * categories of a viewed product), both JSON sent as text.
 */

export interface EcommerceItem {
  sku: string;
  name: string;
  category_1: string;
  category_2?: string;
  category_3?: string;
  category_4?: string;
  category_5?: string;
  price: number;
  quantity: number;
}

const CATEGORY_KEYS = ['category_1', 'category_2', 'category_3', 'category_4', 'category_5'] as const;

function skuText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFormatG(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}

/** One `[sku, name, category, price, quantity]` element; null when it is no item (not a list, no SKU). */
function itemOf(element: unknown): EcommerceItem | null {
  if (!Array.isArray(element) || element.length === 0) return null;
  const sku = skuText(element[0]);
  if (sku === null || sku === '') return null;
  const name = element[1];
  const price = element[3];
  const quantity = element[4];
  const item: EcommerceItem = {
    sku,
    name: typeof name === 'string' ? name : '',
    category_1: '',
    price: typeof price === 'number' ? price : 0,
    // Matomo's trackers leave the quantity out for a single piece.
    quantity: typeof quantity === 'number' ? quantity : 1,
  };
  const category: unknown = element[2];
  if (typeof category === 'string') {
    if (category !== '') item.category_1 = category;
  } else if (Array.isArray(category)) {
    // Up to five levels, each at its own position; empty or non-text levels stay unset.
    category.slice(0, 5).forEach((level: unknown, i) => {
      if (typeof level === 'string' && level !== '') item[CATEGORY_KEYS[i]!] = level;
    });
  }
  return item;
}

/**
 * The items of `ec_items`: null when the parameter is absent, empty or holds no item; a broken
 * event when it is not a JSON list. Elements that are not items are skipped.
 */
export function parseEcommerceItems(raw: string | null): EcommerceItem[] | null {
  if (raw === null || raw === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new BrokenEventError(`ec_items is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null) return null;
  if (!Array.isArray(parsed)) throw new BrokenEventError('ec_items is not a JSON list');
  const items: EcommerceItem[] = [];
  for (const element of parsed) {
    const item = itemOf(element);
    if (item !== null) items.push(item);
  }
  return items.length === 0 ? null : items;
}

/** Sum of the item quantities, each cut to a whole number first; 0 without items. */
export function totalQuantity(items: unknown): number {
  if (!Array.isArray(items)) return 0;
  let total = 0;
  for (const item of items) {
    const q = (item as Partial<EcommerceItem>).quantity;
    if (typeof q === 'number' && Number.isFinite(q)) total += Math.trunc(q);
  }
  return total;
}

/**
 * The categories of a viewed product from `_pkc`: a JSON list of texts gives its entries (a
 * `null` entry reads as empty text); anything else is one category, the value as it is.
 * Absent, `null` or an empty list gives none.
 */
export function productCategories(raw: string | null): string[] {
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [raw];
  }
  if (parsed === null) return [];
  if (Array.isArray(parsed) && parsed.every((c: unknown) => typeof c === 'string' || c === null)) {
    return parsed.map((c: unknown) => (typeof c === 'string' ? c : ''));
  }
  return [raw];
}
