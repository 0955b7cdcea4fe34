import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DerivedHitIds } from '../../src/hits/hit-ids.js';
import { newEvent, newSession, type Session } from '../../src/schema/session.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { renderColumnCatalogue } from '../../src/cli/commands/columns.js';
import { columnCatalogue } from '../../columns/catalogue.js';
import { buildPropertySchemas, protocolColumnSet } from '../../columns/column-sets.js';
import { StaticPropertyLookup } from '../../columns/core/property-lookup.js';
import { MatomoProtocol } from '../../protocols/matomo/protocol.js';
import { goFormatG } from '../../protocols/matomo/columns/go-format-g.js';
import { computeColumns } from '../columns/fixtures.js';
import { load } from '../settings/helpers.js';
import { testProperty } from '../support/properties.js';
import { MATOMO_JS, request, T0 } from './matomo-shapes.js';

const protocol = new MatomoProtocol();

function property(overrides: Partial<PropertySettings> = {}): PropertySettings {
  return testProperty({ protocol: 'matomo', ...overrides });
}

/** Runs the queries (one hit each, a second apart) through the protocol and every Matomo column. */
function session(queries: string[], overrides: Partial<PropertySettings> = {}): Session {
  const p = property(overrides);
  const context = { properties: new PropertyRegistry([p]), ids: new DerivedHitIds('t') };
  const hits = queries.map((q, i) => protocol.hits(request({ rawQuery: q, serverReceivedTime: T0 + i * 1000, key: `k${i}` }), context)[0]!);
  const set = protocolColumnSet('matomo', { properties: new StaticPropertyLookup([p]) });
  return computeColumns(set, newSession(hits.map(newEvent)));
}

function one(query: string, overrides: Partial<PropertySettings> = {}): Record<string, unknown> {
  const s = session([query], overrides);
  assert.is(s.events[0]!.brokenReason, null, 'the event is not broken');
  return s.events[0]!.values;
}

test('matomo.js page view: core columns from url, action_name, urlref, lang / Accept-Language, res', () => {
  const v = one(MATOMO_JS.pageView, { excludedUrlParams: ['utm_source', 'utm_campaign'] });
  assert.is(v['name'], 'page_view');
  assert.is(v['page_location'], 'https://shop.example/products/running-shoes');
  assert.is(v['page_hostname'], 'shop.example');
  assert.is(v['page_path'], '/products/running-shoes');
  assert.is(v['page_title'], 'Running shoes – Shop');
  assert.is(v['page_referrer'], 'https://www.google.com/');
  assert.is(v['utm_source'], 'newsletter', 'campaign columns read the URL as sent');
  assert.is(v['utm_campaign'], 'spring');
  assert.is(v['device_language'], 'de-DE,de;q=0.9,en;q=0.8');
  assert.is(v['device_screen_resolution'], '1920x1080');
  assert.is(v['platform'], 'web');
  assert.is(v['tracking_protocol'], 'matomo');
  assert.is(v['ignore_referrer'], null);
  assert.is(v['params_site_id'], '3');
  assert.is(v['params_page_view_id'], 'Xy3kQ2');
  assert.equal(v['custom_dimensions'], [{ slot: 1, value: 'logged-in' }]);
  assert.equal(v['custom_variables'], [{ name: 'page type', value: 'product' }]);
  assert.is(v['ecommerce_items'], null);
  assert.is(v['ecommerce_items_total_quantity'], 0);
  assert.is(v['date_utc'], '2025-06-02');
  assert.is(v['timestamp_utc'], '2025-06-02T10:00:00Z');
  assert.is(one(`${MATOMO_JS.pageView}&lang=fr-FR`)['device_language'], 'fr-FR');
});

test('matomo.js custom event, site search and content interaction columns', () => {
  const e = one(MATOMO_JS.event);
  assert.equal([e['name'], e['params_category'], e['params_action'], e['params_value']], ['custom_event', 'Videos', 'Play', 12.5]);
  const s = one(MATOMO_JS.siteSearch);
  assert.equal([s['params_search_term'], s['params_search_keyword'], s['params_search_category'], s['params_search_count']], ['trail shoes', 'trail shoes', 'Shoes', 42]);
  const c = one(MATOMO_JS.contentInteraction);
  assert.equal(
    [c['params_content_interaction'], c['params_content_name'], c['params_content_piece'], c['params_content_target']],
    ['click', 'Hero Banner', '/img/hero.jpg', 'https://shop.example/sale'],
  );
});

test('matomo.js ecommerce order with two items: totals, items (quantity 1 when left out), purchases', () => {
  const s = session([MATOMO_JS.pageView, MATOMO_JS.order]);
  const v = s.events[1]!.values;
  assert.is(v['name'], 'ecommerce_order');
  assert.equal(
    [v['ecommerce_order_id'], v['ecommerce_purchase_revenue'], v['ecommerce_subtotal_value'], v['ecommerce_tax_value'], v['ecommerce_shipping_value'], v['ecommerce_discount_value']],
    ['ORD-1001', 129.9, 119.9, 10, 5, 5],
  );
  assert.is(v['params_goal_id'], '0');
  assert.equal(v['ecommerce_items'], [
    { sku: 'SKU-1', name: 'Running shoes', category_1: 'Shoes', category_2: 'Running', price: 59.95, quantity: 2 },
    { sku: 'SKU-2', name: 'Socks', category_1: 'Accessories', price: 10, quantity: 1 },
  ]);
  assert.is(v['ecommerce_items_total_quantity'], 3);
  assert.is(s.values['session_total_purchases'], 1);
  assert.is(s.values['session_total_goal_conversions'], 0);
});

test('ec_items: SKUs as Go prints numbers, skipped elements, category positions, whole quantities', () => {
  const items = (json: string): unknown => one(`idsite=1&_id=a&ec_items=${encodeURIComponent(json)}`)['ecommerce_items'];
  assert.equal(items('[[1234567,"a"],[123,"b"],[true],[0.00001],["", "no sku"],[null],"x",[],[["nested"]]]'), [
    { sku: '1.234567e+06', name: 'a', category_1: '', price: 0, quantity: 1 },
    { sku: '123', name: 'b', category_1: '', price: 0, quantity: 1 },
    { sku: 'true', name: '', category_1: '', price: 0, quantity: 1 },
    { sku: '1e-05', name: '', category_1: '', price: 0, quantity: 1 },
  ]);
  assert.equal(items('[["s","n",["a","","c",5,"e","f"],"9.5","2"]]'), [{ sku: 's', name: 'n', category_1: 'a', category_3: 'c', category_5: 'e', price: 0, quantity: 1 }], 'prices and quantities as text are not read');
  assert.is(items('[]'), null);
  assert.is(items('null'), null);
  assert.is(one('idsite=1&_id=a&ec_items=%5B%5B%22s%22%2C%22n%22%2C%22%22%2C1%2C2.9%5D%2C%5B%22t%22%2C%22m%22%2C%22%22%2C1%2C1.2%5D%5D')['ecommerce_items_total_quantity'], 3);
  for (const bad of ['not json', '{"a":1}']) {
    const s = session([`idsite=1&_id=a&ec_items=${encodeURIComponent(bad)}`]);
    assert.match(s.events[0]!.brokenReason ?? '', /ecommerce_items/, `${bad} breaks the event`);
  }
});

test('%g formatting of numeric SKUs', () => {
  assert.equal([1234567, 123456, 100000, 1e6, 0.0001, 0.00012, 1.5e-7, 12.5, -1234567, 1e21].map(goFormatG), [
    '1.234567e+06', '123456', '100000', '1e+06', '0.0001', '0.00012', '1.5e-07', '12.5', '-1.234567e+06', '1e+21',
  ]);
});

test('product view: _pkc as a JSON list or as plain text; price, SKU, name', () => {
  const cats = (pkc: string): unknown[] => {
    const v = one(`idsite=1&_id=a&_pks=SKU-9&_pkn=Mug&_pkp=9.99&_pkc=${encodeURIComponent(pkc)}`);
    return [1, 2, 3, 4, 5].map((n) => v[`params_product_category_${n}`]);
  };
  assert.equal(cats('["Kitchen","Mugs",""]'), ['Kitchen', 'Mugs', null, null, null]);
  assert.equal(cats('Kitchen'), ['Kitchen', null, null, null, null]);
  assert.equal(cats('[]'), [null, null, null, null, null]);
  assert.equal(cats('["a",1]'), ['["a",1]', null, null, null, null], 'a list with non-text is taken as text');
  const v = one('idsite=1&_id=a&_pks=SKU-9&_pkn=Mug&_pkp=9.99');
  assert.equal([v['name'], v['params_product_sku'], v['params_product_name'], v['params_product_price'], v['params_product_category_1']], ['page_view', 'SKU-9', 'Mug', 9.99, null]);
});

test('custom variables: numeric slots first in order, then the others; unreadable values give null', () => {
  const cvar = (json: string): unknown => one(`idsite=1&_id=a&cvar=${encodeURIComponent(json)}`)['custom_variables'];
  assert.equal(cvar('{"b":["B","2"],"10":["ten","10"],"2":["two","2"],"a":["A","1"],"3":["bad"]}'), [
    { name: 'two', value: '2' },
    { name: 'ten', value: '10' },
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ]);
  assert.is(cvar('{"1":["n",5]}'), null, 'a number inside makes the whole value unreadable');
  assert.is(cvar('not json'), null);
  assert.is(cvar('["n","v"]'), null);
  assert.is(cvar('{"1":["only-name"]}'), null);
});

test('custom dimensions: base-10 slots (sign and leading zeros allowed), last value of a key, empties skipped', () => {
  const dims = one('idsite=1&_id=a&dimension10=ten&dimension02=two&dimension2=&dimension3=x&dimension3=y&dimension-1=neg&dimensionX=no&dimension=no')['custom_dimensions'];
  assert.equal(dims, [
    { slot: -1, value: 'neg' },
    { slot: 2, value: 'two' },
    { slot: 3, value: 'y' },
    { slot: 10, value: 'ten' },
  ]);
  assert.is(one('idsite=1&_id=a')['custom_dimensions'], null);
  assert.equal(one('idsite=1&_id=a&dimension1=first&dimension01=second')['custom_dimensions'], [{ slot: 1, value: 'second' }], 'two keys for one slot: the later key wins');
});

test('session custom variables (_cvar) and dimensions: merged over the session, later values win', () => {
  const s = session([
    `idsite=1&_id=a&_cvar=${encodeURIComponent('{"1":["OS","linux"],"2":["Plan","free"]}')}&dimension1=a&dimension4=d`,
    'idsite=1&_id=a&dimension2=b',
    `idsite=1&_id=a&_cvar=${encodeURIComponent('{"1":["Plan","pro"]}')}&dimension1=z`,
  ]);
  assert.equal(s.values['session_custom_variables'], [
    { name: 'OS', value: 'linux' },
    { name: 'Plan', value: 'pro' },
  ]);
  assert.equal(s.values['session_custom_dimensions'], [
    { slot: 1, value: 'z' },
    { slot: 2, value: 'b' },
    { slot: 4, value: 'd' },
  ]);
  const none = session(['idsite=1&_id=a']);
  assert.is(none.values['session_custom_variables'], null);
  assert.is(none.values['session_custom_dimensions'], null);
});

test('ignore_referrer: null unless sent; either spelling with 1 is true', () => {
  assert.is(one('idsite=1&_id=a')['ignore_referrer'], null);
  assert.is(one('idsite=1&_id=a&ignore_referrer=1')['ignore_referrer'], true);
  assert.is(one('idsite=1&_id=a&ignore_referer=1')['ignore_referrer'], true);
  assert.is(one('idsite=1&_id=a&ignore_referrer=0')['ignore_referrer'], false);
  assert.is(one('idsite=1&_id=a&ignore_referrer=true')['ignore_referrer'], false);
});

test('session counters with Matomo names; scrolls and forms are null; returning from the first event', () => {
  const s = session([
    'idsite=1&_id=a&_idn=0&url=https%3A%2F%2Fx%2F',
    'idsite=1&_id=a&link=https%3A%2F%2Fout.example%2F',
    'idsite=1&_id=a&link=https%3A%2F%2Fout.example%2F',
    'idsite=1&_id=a&download=https%3A%2F%2Fx%2Fa.pdf',
    'idsite=1&_id=a&search=shoes',
    'idsite=1&_id=a&search=shoes',
    'idsite=1&_id=a&search=socks',
    'idsite=1&_id=a&ma_id=v1&ma_mt=video',
    'idsite=1&_id=a&idgoal=2&revenue=5',
    'idsite=1&_id=a&c_n=Banner',
    'idsite=1&_id=a&c_n=Banner&c_i=click',
  ]);
  const v = s.values;
  assert.equal(
    [v['session_total_outbound_clicks'], v['session_unique_outbound_clicks'], v['session_total_file_downloads'], v['session_unique_file_downloads']],
    [2, 1, 1, 1],
  );
  assert.equal([v['session_total_site_searches'], v['session_unique_site_searches'], v['session_total_video_engagements']], [3, 2, 1]);
  assert.equal([v['session_total_goal_conversions'], v['session_total_content_impressions'], v['session_total_content_interactions']], [1, 1, 1]);
  assert.equal([v['session_total_scrolls'], v['session_total_form_interactions'], v['session_unique_form_interactions']], [null, null, null]);
  assert.is(v['session_returning_user'], true);
  assert.is(s.events[8]!.values['ecommerce_purchase_revenue'], 5, 'revenue is read on goal conversions too');
  assert.is(session(['idsite=1&_id=a&_idn=1', 'idsite=1&_id=a&_idn=0']).values['session_returning_user'], false);
});

test('empty and absent values: S-cast columns null, URLs and search term null only when empty', () => {
  const v = one('idsite=1&_id=a&pv_id=&link=&download=&search=&e_v=abc&search_count=1.5');
  for (const c of ['params_page_view_id', 'params_link_url', 'params_download_url', 'params_search_term', 'params_search_keyword', 'params_value', 'params_search_count']) {
    assert.is(v[c], null, c);
  }
  assert.is(v['name'], 'site_search');
});

test('an unparsable url breaks the event', () => {
  const s = session(['idsite=42&_id=a&url=%3A%2F%2Fbad']);
  assert.match(s.events[0]!.brokenReason ?? '', /page_/);
});

test('matomo.custom_dimensions and matomo.custom_variables: one text column each, after the built-in ones', () => {
  const p = property({
    customColumns: {
      ga4Params: [],
      matomoCustomDimensions: [
        { slot: 1, name: 'tier', columnName: 'custom_dimension_tier', scope: 'event', type: 'string' },
        { slot: 2, name: 'plan', columnName: 'plan_of_session', scope: 'session', type: 'string' },
      ],
      matomoCustomVariables: [
        { name: 'page type', columnName: 'custom_variable_page_type', scope: 'event', type: 'string' },
        { name: 'OS', columnName: 'custom_variable_os', scope: 'session', type: 'string' },
      ],
    },
  });
  const schema = buildPropertySchemas([p]).forProperty('default');
  const eventNames = schema.physicalOrder.event.map((c) => c.implements.field.name);
  const sessionNames = schema.physicalOrder.session.map((c) => c.implements.field.name);
  assert.equal(eventNames.slice(-2), ['custom_dimension_tier', 'custom_variable_page_type']);
  assert.equal(sessionNames.slice(-2).sort(), ['custom_variable_os', 'plan_of_session']);
  assert.is(schema.physicalOrder.event.find((c) => c.implements.field.name === 'custom_dimension_tier')?.implements.id, 'customcolumns.d8a.tech/event/custom_dimension_tier');

  const context = { properties: new PropertyRegistry([p]), ids: new DerivedHitIds('t') };
  const queries = [
    `idsite=1&_id=a&dimension1=gold&dimension2=free&cvar=${encodeURIComponent('{"1":["page type","product"]}')}&_cvar=${encodeURIComponent('{"1":["OS","linux"]}')}`,
    'idsite=1&_id=a&dimension2=pro',
    'idsite=1&_id=a&dimension2=',
  ];
  const hits = queries.map((q, i) => protocol.hits(request({ rawQuery: q, key: `c${i}` }), context)[0]!);
  const s = computeColumns(schema.evaluationOrder, newSession(hits.map(newEvent)));
  assert.equal(
    s.events.map((e) => [e.values['custom_dimension_tier'], e.values['custom_variable_page_type']]),
    [['gold', 'product'], [null, null], [null, null]],
  );
  assert.is(s.values['plan_of_session'], 'pro', 'session scope: the last value in the session');
  assert.is(s.values['custom_variable_os'], 'linux');
});

test('custom columns from the env forms (MATOMO_CUSTOM_DIMENSIONS, MATOMO_CUSTOM_VARIABLES) reach the table', () => {
  const settings = load({
    env: {
      PROTOCOL: 'matomo',
      MATOMO_CUSTOM_DIMENSIONS: '[{"slot": 3, "name": "author", "scope": "session"}]',
      MATOMO_CUSTOM_VARIABLES: '[{"name": "plan"}]',
    },
  });
  const schema = buildPropertySchemas(settings.properties).forProperty(settings.properties[0]!.id);
  assert.ok(schema.physicalOrder.session.some((c) => c.implements.field.name === 'custom_dimension_author'));
  assert.ok(schema.physicalOrder.event.some((c) => c.implements.field.name === 'custom_variable_plan'));
});

test('a Matomo custom column may not take a built-in column\'s name', () => {
  const p = property({
    customColumns: { ga4Params: [], matomoCustomDimensions: [], matomoCustomVariables: [{ name: 'title', columnName: 'page_title', scope: 'event', type: 'string' }] },
  });
  assert.throws(() => buildPropertySchemas([p]), /matomo\.custom_variables entry "title" would create column "page_title", which is a built-in column/);
});

test('Matomo custom columns are not added to a GA4 property', () => {
  const ga4 = testProperty({
    customColumns: { ga4Params: [], matomoCustomDimensions: [{ slot: 1, name: 'tier', columnName: 'custom_dimension_tier', scope: 'event', type: 'string' }], matomoCustomVariables: [] },
  });
  const names = buildPropertySchemas([ga4]).forProperty('default').physicalOrder.event.map((c) => c.implements.field.name);
  assert.not.ok(names.includes('custom_dimension_tier'));
});

// d8a's Matomo table, column by column (the names and order its migrate command creates).
const D8A_MATOMO_EVENTS = `id name property_id property_name date_utc timestamp_utc client_id user_id ip_address page_location
page_hostname page_path page_title page_referrer platform utm_campaign utm_source utm_medium utm_content utm_term utm_id
utm_source_platform utm_creative_format utm_marketing_tactic click_id_gclid click_id_dclid click_id_gbraid click_id_srsltid
click_id_wbraid click_id_fbclid click_id_msclkid geo_city geo_region geo_metro geo_country geo_continent geo_sub_continent
device_category device_language device_screen_resolution device_mobile_brand_name device_mobile_model_name
device_operating_system device_operating_system_version device_web_browser device_web_browser_version tracking_protocol
ignore_referrer params_site_id params_page_view_id params_goal_id params_category params_action params_link_url
params_download_url params_search_term params_value params_media_asset_id params_media_type params_content_interaction
params_content_name params_content_piece params_content_target params_product_price params_product_sku params_product_name
params_product_category_1 params_product_category_2 params_product_category_3 params_product_category_4
params_product_category_5 params_search_keyword params_search_category params_search_count custom_variables
custom_dimensions ecommerce_purchase_revenue ecommerce_shipping_value ecommerce_subtotal_value ecommerce_tax_value
ecommerce_discount_value ecommerce_order_id ecommerce_items ecommerce_items_total_quantity`.split(/\s+/);

const D8A_MATOMO_SESSION_TAIL = `session_split_cause session_custom_variables session_custom_dimensions session_total_goal_conversions
session_total_content_impressions session_total_content_interactions session_returning_user`.split(/\s+/);

test('catalogue: 163 columns in d8a\'s physical order, with d8a\'s interface ids', () => {
  const c = columnCatalogue('matomo');
  assert.is(c.length, 163);
  const events = c.filter((e) => e.scope === 'event');
  const sessions = c.filter((e) => e.scope === 'session');
  assert.equal(events.map((e) => e.name), D8A_MATOMO_EVENTS);
  assert.is(c.filter((e) => e.scope === 'session-scoped').length, 11);
  assert.is(sessions.length, 68);
  assert.equal(sessions.slice(-7).map((e) => e.name), D8A_MATOMO_SESSION_TAIL);
  const byName = new Map(c.map((e) => [e.name, e]));
  assert.is(byName.get('params_site_id')?.interfaceId, 'matomo.protocols.d8a.tech/event/params_site_id');
  assert.is(byName.get('session_returning_user')?.interfaceId, 'matomo.protocols.d8a.tech/session/returning_user');
  assert.is(byName.get('session_custom_dimensions')?.interfaceId, 'matomo.protocols.d8a.tech/session/session_custom_dimensions');
  assert.is(byName.get('session_total_purchases')?.interfaceId, 'core.d8a.tech/sessions/total_purchases');
  assert.is(byName.get('ecommerce_items')?.type, 'list<struct<sku: utf8, name: utf8, category_1: utf8, category_2: utf8, category_3: utf8, category_4: utf8, category_5: utf8, price: float64, quantity: float64>>');
  assert.is(byName.get('custom_dimensions')?.type, 'list<struct<slot: int64, value: utf8>>');
  for (const e of c) assert.ok(e.description.length > 0, `${e.name} has a description`);
});

test('docs/columns-matomo.md is the generated catalogue', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'columns-matomo.md'), 'utf8');
  assert.is(doc, renderColumnCatalogue('matomo', 'markdown'), 'regenerate with: node bin/cairn.js columns --protocol matomo -o markdown > docs/columns-matomo.md');
});

test.run();
