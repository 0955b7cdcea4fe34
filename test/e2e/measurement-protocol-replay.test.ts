import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { PURCHASE } from '../protocols/ga4-mp-shapes.js';
import { storageUnder } from '../support/config.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-mp-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

const BROWSER = {
  Host: 'tracker.example',
  'User-Agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Accept-Language': 'en-GB,en;q=0.9',
};
const SERVER = { Host: 'tracker.example', 'User-Agent': 'python-requests/2.32.3', 'Content-Type': 'application/json' };
const CID = '1369988567.1756151735';
const SID = '1758117187';

function record(at: string, method: string, url: string, headers: Record<string, string>, ip: string, body = ''): string {
  return JSON.stringify({ at, method, url, headers, ip, body });
}

function gtag(en: string, extra = ''): string {
  return `/g/collect?v=2&tid=G-SHOP1&cid=${CID}&sid=${SID}&sct=1&seg=1&en=${en}&dl=${encodeURIComponent('https://shop.example/checkout')}&dt=Checkout${extra}`;
}

const MP_URL = '/mp/collect?measurement_id=G-SHOP1&api_secret=s3cret';

test('cairn replay: a server purchase with the web session\'s session_id joins it; other server events form their own sessions', async () => {
  const out = join(work, 'out');
  writeFileSync(
    join(work, 'config.yaml'),
    [
      storageUnder(work),
      `warehouse: {driver: files, files: {storage: filesystem, format: csv, filesystem: {path: ${out}}}}`,
      'properties:',
      '  - id: shop',
      '    measurement_ids: [G-SHOP1]',
      '    table: events',
      '    measurement_protocol: {api_secrets: [s3cret]}',
      '',
    ].join('\n'),
  );
  const purchase = { ...PURCHASE, user_properties: { customer_tier: { value: 'premium' } }, timestamp_micros: Date.parse('2026-03-02T10:00:50Z') * 1000 };
  const lines = [
    record('2026-03-02T10:00:00.000Z', 'GET', gtag('page_view', '&up.theme=dark'), BROWSER, '198.51.100.23'),
    record('2026-03-02T10:00:30.000Z', 'GET', gtag('begin_checkout'), BROWSER, '198.51.100.23'),
    // The shop's backend confirms the order a minute later, naming the browser's session.
    record('2026-03-02T10:01:00.000Z', 'POST', MP_URL, SERVER, '10.0.0.5', JSON.stringify(purchase)),
    // A refund for an old session of the same browser, and a server event without a session.
    record('2026-03-02T10:01:10.000Z', 'POST', MP_URL, SERVER, '10.0.0.5', JSON.stringify({ client_id: CID, events: [{ name: 'refund', params: { session_id: '1700000000', transaction_id: 'T_1' } }] })),
    record('2026-03-02T10:01:20.000Z', 'POST', MP_URL, SERVER, '10.0.0.5', JSON.stringify({ client_id: CID, events: [{ name: 'crm_update', params: { stage: 'customer' } }] })),
    // A wrong secret is rejected and never stops the replay.
    record('2026-03-02T10:01:30.000Z', 'POST', '/mp/collect?measurement_id=G-SHOP1&api_secret=nope', SERVER, '10.0.0.5', JSON.stringify(purchase)),
  ];
  writeFileSync(join(work, 'requests.ndjson'), lines.join('\n') + '\n');
  const r = await runCli(['replay', '--config', join(work, 'config.yaml'), join(work, 'requests.ndjson')], { cwd: work });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /"rejected":1\b/);

  const rows = readCsvRows(out);
  const byName = new Map(rows.map((row) => [row['name']!, row]));
  assert.equal([...byName.keys()].sort(), ['begin_checkout', 'crm_update', 'page_view', 'purchase', 'refund']);
  const web = byName.get('page_view')!;
  const purchaseRow = byName.get('purchase')!;
  assert.is(purchaseRow['session_id'], web['session_id'], 'the purchase joined the web session');
  assert.is(byName.get('begin_checkout')!['session_id'], web['session_id']);
  assert.is(web['session_total_events'], '3');
  assert.is(web['session_total_purchases'], '1');
  assert.is.not(byName.get('refund')!['session_id'], web['session_id'], 'another session id: a session of its own');
  assert.is.not(byName.get('crm_update')!['session_id'], web['session_id'], 'no session id: a session of its own');
  assert.is.not(byName.get('crm_update')!['session_id'], byName.get('refund')!['session_id']);

  // The server event keeps its own identity in the columns.
  assert.is(purchaseRow['tracking_protocol'], 'ga4_mp');
  assert.is(web['tracking_protocol'], 'ga4_gtag');
  assert.is(purchaseRow['client_id'], CID);
  assert.is(purchaseRow['timestamp_utc'], '2026-03-02T10:00:50Z', 'timestamp_micros dates the event');
  assert.is(purchaseRow['params_transaction_id'], 'T_12345');
  assert.ok(Math.abs(Number(purchaseRow['ecommerce_purchase_revenue']) - 30.01) < 1e-9, 'price × quantity summed over the items');
  assert.is(purchaseRow['client_session_id'], SID);
  assert.is(purchaseRow['params_engagement_time_ms'], '100');
  assert.equal(JSON.parse(purchaseRow['ecommerce_items']!).map((i: { item_id: string }) => i.item_id), ['SKU_12345', 'SKU_12346']);
  assert.equal(JSON.parse(purchaseRow['user_properties']!), [
    { name: 'customer_tier', value_string: 'premium', value_number: null, set_timestamp_micros: Date.parse('2026-03-02T10:00:50Z') * 1000 },
  ]);
  assert.equal(JSON.parse(web['user_properties']!), [{ name: 'theme', value_string: 'dark', value_number: null, set_timestamp_micros: Date.parse('2026-03-02T10:00:00Z') * 1000 }]);
  assert.is(web['device_web_browser'], 'Safari');
  assert.is(purchaseRow['device_web_browser'], '', 'the server\'s user agent is not the visitor\'s device');
});

test.run();
