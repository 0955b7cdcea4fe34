/**
 * Realistic rows for the GA4 events table, made from its schema (so they follow the catalogue
 * as it changes), and what ClickHouse should give back for them. Shared by the ClickHouse tests
 * and `bench/warehouse/clickhouse.mjs`.
 */
import { DataType, type Field, type Schema } from 'apache-arrow';
import type { Row } from '../../src/warehouse/driver.js';
import { seededRandom } from '../support/random.js';

const EVENT_NAMES = ['page_view', 'page_view', 'page_view', 'scroll', 'user_engagement', 'click', 'view_item', 'add_to_cart', 'purchase', 'form_start'];
const PAGES = ['/', '/pricing', '/blog/warehouse-native-analytics', '/docs/getting-started', '/cart', '/checkout', '/søk?q=ünïcode', "/o'reilly/\"quoted\""];
const TITLES = ['Home', 'Pricing — plans & prices', 'Warehouse-native analytics 📊', 'Getting started', 'Cart', 'Checkout', 'Søk', 'Tab\tand\nnewline'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge'];
const COUNTRIES = ['Poland', 'Germany', 'United States', 'Japan'];
const SOURCES: [string, string][] = [
  ['google', 'organic'],
  ['(direct)', '(none)'],
  ['newsletter', 'email'],
  ['news.ycombinator.com', 'referral'],
];

function pick<T>(items: readonly T[], r: () => number): T {
  return items[Math.floor(r() * items.length)] as T;
}

const NEVER_SET = new Set(['geo_metro', 'geo_sub_continent', 'session_geo_metro', 'session_geo_sub_continent', 'traffic_filter_name']);

const START = Date.UTC(2025, 0, 15, 8, 0, 0) / 1000;

type Generator = (i: number, r: () => number) => unknown;

/** A value maker for one column, decided once per column rather than per row. */
function generatorFor(field: Field): Generator {
  const type = field.type as DataType;
  // Event parameters and campaign columns are set on few events; stub columns never are;
  // the other nullable columns usually are.
  if (NEVER_SET.has(field.name)) return () => null;
  const nullShare = field.nullable ? (/^(params_|(session_)?(utm_|click_id_))/.test(field.name) ? 0.93 : 0.35) : 0;
  const value = valueGeneratorFor(field.name, type);
  return (i, r) => (nullShare > 0 && r() < nullShare ? null : value(i, r));
}

function valueGeneratorFor(name: string, type: DataType): Generator {
  if (DataType.isUtf8(type)) {
    const stem = `${name.replace(/^(params|session)_/, '')}-`;
    return (_, r) => stem + Math.floor(r() * 40);
  }
  if (DataType.isInt(type)) return (_, r) => Math.floor(r() * 5000) - (r() < 0.05 ? 10_000 : 0);
  if (DataType.isFloat(type)) return (_, r) => Math.round(r() * 100_000) / 100;
  if (DataType.isBool(type)) return (_, r) => r() < 0.5;
  if (DataType.isTimestamp(type)) return (i) => START + i * 7;
  if (DataType.isDate(type)) return () => '2025-01-15';
  if (DataType.isList(type)) {
    const element = type.valueType as DataType;
    if (!DataType.isStruct(element)) return () => [];
    const members = element.children.map((member) => [member.name, generatorFor(member)] as const);
    return (i, r) =>
      Array.from({ length: Math.floor(r() * 3) }, () => {
        const item: Record<string, unknown> = {};
        for (const [memberName, make] of members) item[memberName] = make(i, r);
        return item;
      });
  }
  return () => null;
}

/** `count` rows of the GA4 events table of `schema`: sessions of a few events each, every column filled as Cairn would. */
export function ga4Rows(schema: Schema, count: number, seed = 42): Row[] {
  const r = seededRandom(seed);
  const names = new Set(schema.fields.map((f) => f.name));
  const generators = schema.fields.map((f) => [f.name, generatorFor(f)] as const);
  const rows: Row[] = [];
  let sessionStart = 0;
  let sessionId = '';
  for (let i = 0; i < count; i++) {
    if (i === sessionStart) {
      sessionId = `s${String(i).padStart(7, '0')}`;
      sessionStart = i + 1 + Math.floor(r() * 8);
    }
    const row: Row = {};
    for (const [name, make] of generators) row[name] = make(i, r);
    const at = START + i * 7;
    const page = pick(PAGES, r);
    const name = pick(EVENT_NAMES, r);
    const [source, medium] = pick(SOURCES, r);
    const specific: Row = {
      id: `e${String(i).padStart(7, '0')}`,
      name,
      property_id: 'shop',
      property_name: 'Shop',
      date_utc: new Date(at * 1000).toISOString().slice(0, 10),
      timestamp_utc: new Date(at * 1000).toISOString().replace('.000Z', 'Z'),
      client_id: `${1000 + (i % 977)}.1736900000`,
      user_id: r() < 0.2 ? `user-${i % 311}` : null,
      ip_address: `203.0.113.${i % 250}`,
      page_location: `https://shop.example${page}`,
      page_hostname: 'shop.example',
      page_path: page.split('?')[0],
      page_title: pick(TITLES, r),
      page_referrer: r() < 0.3 ? 'https://www.google.com/' : '',
      platform: 'web',
      tracking_protocol: 'ga4_gtag',
      measurement_id: 'G-SHOP123',
      device_web_browser: pick(BROWSERS, r),
      geo_country: pick(COUNTRIES, r),
      session_id: sessionId,
      session_source: source,
      session_medium: medium,
      session_first_event_time: at - (i % 5) * 7,
      session_last_event_time: at + 60,
      params: [
        { name: 'engagement_time_msec', value_string: null, value_number: Math.floor(r() * 9000) },
        { name: 'section', value_string: pick(['blog', 'docs', 'shop'], r), value_number: null },
      ],
      ecommerce_items:
        name === 'purchase'
          ? [
              { item_id: 'SKU-1', item_name: 'Trail shoes', price: 89.9, quantity: 1, item_revenue: 89.9 },
              { item_id: 'SKU-2', item_name: 'Socks "merino"', price: 12.5, quantity: 3, item_revenue: 37.5 },
            ]
          : null,
    };
    // Only columns of the schema (the catalogue may not have every name used above).
    for (const [key, value] of Object.entries(specific)) if (names.has(key)) row[key] = value;
    rows.push(row);
  }
  return rows;
}

function utcText(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * What a `SELECT *` in JSONEachRow gives back for `value` in a column of `field` (64-bit
 * integers quoted, times as UTC text): the value, or the column's default for NULL.
 */
export function expectedReadBack(field: { readonly type: DataType }, value: unknown): unknown {
  const type = field.type;
  if (DataType.isList(type)) {
    const element = type.valueType as DataType;
    const items = (value ?? []) as unknown[];
    if (!DataType.isStruct(element)) return items.map((v) => expectedReadBack({ type: element }, v));
    return items.map((item) => {
      const out: Record<string, unknown> = {};
      for (const member of element.children) out[member.name] = expectedReadBack(member, (item as Record<string, unknown>)[member.name] ?? null);
      return out;
    });
  }
  if (DataType.isUtf8(type)) return value ?? '';
  if (DataType.isInt(type)) return type.bitWidth === 64 ? String(value ?? 0) : Number(value ?? 0);
  if (DataType.isFloat(type)) return value ?? 0;
  if (DataType.isBool(type)) return value ?? false;
  if (DataType.isDate(type)) return value ?? '1970-01-01';
  if (DataType.isTimestamp(type)) {
    if (value === null || value === undefined) return utcText(0);
    return utcText(typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : Number(value));
  }
  return value;
}
