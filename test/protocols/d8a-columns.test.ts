import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { d8aColumns } from '../../protocols/d8a/columns/index.js';
import { ga4Columns } from '../../protocols/ga4/columns/index.js';
import { ga4CustomColumns } from '../../protocols/ga4/columns/custom-columns.js';
import { NO_PROPERTIES } from '../../columns/core/property-lookup.js';
import { allColumns } from '../../src/schema/column.js';
import { testProperty } from '../support/properties.js';
import { dl, FactorConverter, gtagSession, GTAG_BASE } from '../columns/gtag.js';

// What Cairn's own web tracker sends to /d/c: one event per request, parameters in the URL.
const WEB_TRACKER = `v=2&tid=G-5T0Z13HKP4&en=purchase&_p=1746817938582&_et=120&cid=98765.1746817000&sid=1746817000&sct=1&seg=1&${dl(
  'https://shop.example/thanks?utm_source=tiktok',
)}&dt=Thanks&cu=EUR&ep.transaction_id=T-9&epn.value=20&pr1=idSKU_2~nmMatcha~pr20~qt1&ep.gift_note=hello&_dtv=1.0.0&_dtn=wt`;

test('native protocol columns: same names and logic, tracking_protocol d8a, renamed ids and dependencies', () => {
  const ga4 = allColumns(ga4Columns({ properties: NO_PROPERTIES }));
  const native = allColumns(d8aColumns({ properties: NO_PROPERTIES }));
  assert.equal(
    native.map((c) => c.implements.field.name),
    ga4.map((c) => c.implements.field.name),
  );
  const items = native.find((c) => c.implements.field.name === 'ecommerce_items')!;
  assert.is(items.implements.id, 'd8a.protocols.d8a.tech/event/items');
  assert.ok(items.dependsOn.includes('d8a.protocols.d8a.tech/event/params_currency'));
  assert.ok(items.dependsOn.includes('core.d8a.tech/events/name'));
  assert.ok(native.every((c) => !c.implements.id.startsWith('ga4.') && c.dependsOn.every((d) => !d.startsWith('ga4.'))));
});

test('a web-tracker purchase under the native protocol, with a converter and a ga4.params column', () => {
  const property = testProperty({
    protocol: 'd8a',
    customColumns: { ga4Params: [{ name: 'gift_note', columnName: 'params_gift_note', scope: 'event', type: 'string' }], matomoCustomDimensions: [], matomoCustomVariables: [] },
  });
  const s = gtagSession([{ query: WEB_TRACKER }], { protocol: 'd8a', converter: new FactorConverter(0.5), extra: ga4CustomColumns(property) });
  const e = s.events[0]!;
  assert.is(e.brokenReason, null);
  assert.is(e.values['tracking_protocol'], 'd8a');
  assert.is(e.values['utm_source'], 'tiktok');
  assert.is(e.values['params_currency'], 'EUR');
  assert.is(e.values['ecommerce_purchase_revenue'], 20);
  assert.is(e.values['ecommerce_purchase_revenue_in_usd'], 10);
  assert.is(e.values['params_gift_note'], 'hello');
  assert.is(e.values['params_engagement_time_ms'], 120);
  assert.equal(e.values['params'], [
    { name: 'transaction_id', value_string: 'T-9', value_number: null },
    { name: 'value', value_string: null, value_number: 20 },
    { name: 'gift_note', value_string: 'hello', value_number: null },
  ]);
  assert.is(s.values['session_is_engaged'], true);
});

test('GA4 hits keep tracking_protocol ga4_gtag', () => {
  const s = gtagSession([{ query: `${GTAG_BASE}&en=page_view` }]);
  assert.is(s.events[0]!.values['tracking_protocol'], 'ga4_gtag');
});

test.run();
