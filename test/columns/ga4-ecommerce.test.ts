import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CurrencyUnavailableError, type CurrencyConverter } from '../../columns/currency/converter.js';
import { itemStrings, parseItemString } from '../../protocols/ga4/columns/items.js';
import { ITEM_FIELDS } from '../../protocols/ga4/columns/nested-types.js';
import { amountInUsd, USD_ONLY_CONVERTER } from '../../protocols/ga4/columns/usd-conversion.js';
import { dl, FactorConverter, gtagSession, GTAG_BASE } from './gtag.js';
import { seededInts } from '../support/random.js';

const CHECKOUT = `${GTAG_BASE}&${dl('https://shop.example/checkout/thanks')}&cu=EUR`;

// A gtag purchase with three items; pr10 is sent before pr2 and must still come last.
const PURCHASE_LINE = [
  'en=purchase',
  '_et=1840',
  'ep.transaction_id=T_12345',
  'ep.coupon=SUMMER',
  'ep.item_list_name=Summer%20picks',
  'ep.promotion_id=P_7',
  'epn.value=50.03',
  'epn.tax=4.9',
  'epn.shipping=5.99',
  'pr1=idSKU_1~nmEarl%20Grey~afTea%20Shop~cpLEAF~ds2.22~lp0~brTeaCo~caTea~c2Black~c3Loose~vabag~lomain~pr10.01~qt3~lnOwn%20list',
  'pr10=nmGift%20card~pr5.5',
  'pr2=idSKU_2~nmMatcha~pr20~qt1.9~k0color~v0green',
  'pr3=pr9~qt1',
].join('&');

test('a purchase with three items: prN order, fields, defaults, event-level fallbacks, USD values', () => {
  const s = gtagSession([{ query: CHECKOUT, body: PURCHASE_LINE }], { converter: new FactorConverter(0.5) });
  const e = s.events[0]!;
  assert.is(e.brokenReason, null);
  assert.is(e.values['params_currency'], 'EUR', 'cu is the currency when ep.currency is absent');
  const items = e.values['ecommerce_items'] as Record<string, unknown>[];
  assert.equal(
    items.map((i) => i['item_id'] ?? i['item_name']),
    ['SKU_1', 'SKU_2', 'Gift card'],
  );
  assert.equal(items[0], {
    item_id: 'SKU_1',
    item_name: 'Earl Grey',
    affiliation: 'Tea Shop',
    coupon: 'LEAF',
    discount: 2.22,
    index: 0,
    item_brand: 'TeaCo',
    item_category: 'Tea',
    item_category2: 'Black',
    item_category3: 'Loose',
    item_category4: null,
    item_category5: null,
    item_list_id: null,
    item_list_name: 'Own list',
    item_variant: 'bag',
    location_id: 'main',
    price: 10.01,
    price_in_usd: 5,
    quantity: 3,
    item_refund: 0,
    item_refund_in_usd: 0,
    item_revenue: 30.03,
    item_revenue_in_usd: 15.02,
    promotion_id: 'P_7',
    promotion_name: null,
    creative_name: null,
    creative_slot: null,
  });
  assert.is(Object.keys(items[0]!).length, 27);
  // The event's list name fills only the items that have none.
  assert.is(items[1]!['item_list_name'], 'Summer picks');
  assert.is(items[1]!['quantity'], 1.9);
  // Quantity defaults to 0, not 1.
  assert.equal([items[2]!['item_id'], items[2]!['price'], items[2]!['quantity'], items[2]!['item_revenue']], [null, 5.5, 0, 0]);

  assert.is(e.values['ecommerce_purchase_revenue'], 10.01 * 3 + 20 * 1.9);
  assert.is(e.values['ecommerce_refund_value'], 0);
  assert.is(e.values['ecommerce_shipping_value'], 5.99);
  assert.is(e.values['ecommerce_shipping_value_in_usd'], 3, '2.995 is an exact half in floating point and rounds to even');
  assert.is(e.values['ecommerce_tax_value'], 4.9);
  assert.is(e.values['ecommerce_tax_value_in_usd'], 2.45);
  assert.is(e.values['ecommerce_items_total_quantity'], 4, '3 + trunc(1.9) + 0');
  assert.is(e.values['ecommerce_unique_items'], 2, 'the gift card has no id');
  assert.is(e.values['params_transaction_id'], 'T_12345');
  assert.is(e.values['params_value'], 50.03);
  assert.is(s.values['session_total_purchases'], 1);
  assert.is(s.values['session_is_engaged'], true);
});

test('refund vs revenue: the same item is a refund on a refund event and revenue elsewhere', () => {
  const item = 'pr1=idSKU_12345~pr10.01~qt3';
  const s = gtagSession(
    [
      { query: `${CHECKOUT}&ep.currency=EUR&en=refund&${item}` },
      { query: `${CHECKOUT}&ep.currency=EUR&en=purchase&${item}&epn.shipping=4` },
      { query: `${CHECKOUT}&ep.currency=EUR&en=add_to_cart&${item}&epn.shipping=4` },
      { query: `${CHECKOUT}&ep.currency=EUR&en=refund&pr1=idSKU_12345~pr20.00~qt2` },
    ],
    { converter: new FactorConverter(0.5) },
  );
  const row = (i: number, ...fields: string[]) => fields.map((f) => s.events[i]!.values[f]);
  const totals = ['ecommerce_purchase_revenue', 'ecommerce_purchase_revenue_in_usd', 'ecommerce_refund_value', 'ecommerce_refund_value_in_usd', 'ecommerce_shipping_value'];
  assert.equal(row(0, ...totals), [0, 0, 30.03, 15.02, 0]);
  assert.equal(row(1, ...totals), [30.03, 15.02, 0, 0, 4]);
  assert.equal(row(2, ...totals), [0, 0, 0, 0, 0]);
  assert.equal(row(3, ...totals), [0, 0, 40, 20, 0]);
  const firstItem = (i: number) => (s.events[i]!.values['ecommerce_items'] as Record<string, unknown>[])[0]!;
  assert.equal([firstItem(0)['item_refund'], firstItem(0)['item_revenue']], [30.03, 0]);
  assert.equal([firstItem(2)['item_refund'], firstItem(2)['item_revenue']], [0, 30.03]);
  assert.is(s.values['session_abandoned_cart'], true, 'add_to_cart after the purchase');
});

test('no items: the list is null and every total is 0; the tax stays null', () => {
  const s = gtagSession([{ query: `${CHECKOUT}&en=purchase&pr1=nothing%20useful&pr2=` }]);
  const e = s.events[0]!;
  assert.is(e.values['ecommerce_items'], null);
  assert.equal(
    ['ecommerce_purchase_revenue', 'ecommerce_refund_value', 'ecommerce_shipping_value', 'ecommerce_items_total_quantity', 'ecommerce_unique_items'].map((f) => e.values[f]),
    [0, 0, 0, 0, 0],
  );
  assert.is(e.values['ecommerce_tax_value'], null);
  assert.is(e.values['ecommerce_tax_value_in_usd'], null);
});

test('ep.currency wins over cu; USD passes through unconverted and unrounded', () => {
  const converter = new FactorConverter(0.5);
  const s = gtagSession([{ query: `${CHECKOUT}&ep.currency=USD&en=purchase&pr1=idA~pr0.125~qt1&epn.tax=0.005` }], { converter });
  const e = s.events[0]!;
  assert.is(e.values['params_currency'], 'USD');
  assert.is(e.values['ecommerce_purchase_revenue_in_usd'], 0.125);
  assert.is(e.values['ecommerce_tax_value_in_usd'], 0.005);
  assert.equal(converter.calls, []);
});

test('without a converter only US dollars have USD values; missing currency gives null', () => {
  const s = gtagSession([
    { query: `${CHECKOUT}&en=purchase&pr1=idA~pr10~qt1` },
    { query: `${CHECKOUT.replace('&cu=EUR', '')}&en=purchase&pr1=idA~pr10~qt1` },
    { query: `${CHECKOUT.replace('&cu=EUR', '&cu=USD')}&en=purchase&pr1=idA~pr10~qt1` },
  ]);
  assert.equal(
    s.events.map((e) => [e.values['params_currency'], e.values['ecommerce_purchase_revenue'], e.values['ecommerce_purchase_revenue_in_usd']]),
    [
      ['EUR', 10, null],
      [null, 10, null],
      ['USD', 10, 10],
    ],
  );
  assert.is((s.events[0]!.values['ecommerce_items'] as Record<string, unknown>[])[0]!['price_in_usd'], null);
});

test('rates not loaded give null; any other converter failure breaks the event', () => {
  const unavailable: CurrencyConverter = {
    convert: () => {
      throw new CurrencyUnavailableError('no rates yet');
    },
  };
  const failing: CurrencyConverter = {
    convert: () => {
      throw new Error('rates file corrupt');
    },
  };
  const query = `${CHECKOUT}&en=purchase&pr1=idA~pr10~qt1`;
  const a = gtagSession([{ query }], { converter: unavailable }).events[0]!;
  assert.is(a.brokenReason, null);
  assert.is(a.values['ecommerce_purchase_revenue_in_usd'], null);
  const b = gtagSession([{ query }], { converter: failing }).events[0]!;
  assert.match(b.brokenReason ?? '', /rates file corrupt/);
  assert.throws(() => amountInUsd(failing, 'EUR', 1), /EUR/);
  assert.is(amountInUsd(USD_ONLY_CONVERTER, 'usd', 3), 3);
  assert.is(amountInUsd(USD_ONLY_CONVERTER, 'EUR', 3), null);
  assert.is(amountInUsd(USD_ONLY_CONVERTER, null, 3), null);
});

test('item strings: numbered keys in numeric order, other pr… keys after; odd parts ignored', () => {
  const params = new Map([
    ['prx', ['idX']],
    ['pr10', ['idTen']],
    ['pr2', ['idTwo', 'idTwoAgain']],
    ['promo', ['idPromo']],
    ['pr01', ['idOne']],
    ['page', ['idNo']],
  ]);
  assert.equal(itemStrings(params), ['idOne', 'idTwo', 'idTwoAgain', 'idTen', 'idX', 'idPromo']);
  const item = parseItemString('id~nm~x~prabc~qt~ds1e1~zzunknown~~');
  assert.is(item.item_id, '', 'an id part with no value still counts');
  assert.is(item.item_name, '');
  assert.is(item.price, null);
  assert.is(item.quantity, null);
  assert.is(item.discount, 10);
  assert.equal(Object.keys(item), ITEM_FIELDS.map(([name]) => name), 'every item field is present, in the struct order');
  assert.equal(itemStrings(new Map([['page', ['idNo']], ['p', ['x']]])), [], 'no pr keys, no items');
});

test('one item: counted as unique only with an id, its quantity cut to a whole number', () => {
  const named = gtagSession([{ query: `${CHECKOUT}&en=purchase&pr1=nmGift%20card~pr10~qt2.7` }]).events[0]!;
  assert.equal([named.values['ecommerce_unique_items'], named.values['ecommerce_items_total_quantity']], [0, 2]);
  const withId = gtagSession([{ query: `${CHECKOUT}&en=purchase&pr1=idSKU-9~pr10~qt3` }]).events[0]!;
  assert.equal([withId.values['ecommerce_unique_items'], withId.values['ecommerce_items_total_quantity']], [1, 3]);
  const twice = gtagSession([{ query: `${CHECKOUT}&en=purchase&pr1=idSKU-9~qt1&pr2=idSKU-9~qt1&pr3=nmLoose` }]).events[0]!;
  assert.equal([twice.values['ecommerce_unique_items'], twice.values['ecommerce_items_total_quantity']], [1, 2]);
});

test('item strings agree with the rule written as a regular expression, on random keys', () => {
  // The rule: keys /^pr([0-9]+)$/ in numeric order (stable), then other keys starting with pr, in request order.
  const expected = (params: Map<string, string[]>): string[] => {
    const numbered: { n: number; values: string[] }[] = [];
    const others: string[] = [];
    for (const [key, values] of params) {
      if (!key.startsWith('pr')) continue;
      const m = /^pr([0-9]+)$/.exec(key);
      if (m === null) others.push(...values);
      else numbered.push({ n: Number(m[1]), values });
    }
    return [...numbered.sort((a, b) => a.n - b.n).flatMap((x) => x.values), ...others];
  };
  const parts = ['pr', 'p', 'r', '1', '2', '0', '9', '10', '\u0663', 'x', '~', ' ', ':', '/'];
  const next = seededInts(7);
  for (let round = 0; round < 300; round++) {
    const params = new Map<string, string[]>();
    const keys = 1 + next(8);
    for (let k = 0; k < keys; k++) {
      let key = next(4) === 0 ? '' : 'pr';
      for (let j = next(4); j > 0; j--) key += parts[next(parts.length)];
      params.set(key, Array.from({ length: 1 + next(2) }, (_, v) => `${key}#${v}`));
    }
    assert.equal([...itemStrings(params)], expected(params), JSON.stringify([...params.keys()]));
  }
});

test.run();
