import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { BROWSER_HEADERS, MATOMO_JS, PHP_SDK_BULK } from '../protocols/matomo-shapes.js';
import { csvFilesWarehouse, storageUnder } from '../support/config.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-matomo-replay-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

function record(at: string, method: string, url: string, body = '', headers: Record<string, string> = BROWSER_HEADERS): string {
  return JSON.stringify({ at, method, url, headers, ip: '198.51.100.23', body });
}

test('cairn replay: a matomo.js visit (GET, sendBeacon form POSTs) and a PHP SDK bulk become CSV rows', async () => {
  const out = join(work, 'out');
  writeFileSync(
    join(work, 'config.yaml'),
    [
      'protocol: matomo',
      // The PHP SDK's second entry carries no ua parameter and its header says PHP: a server-side
      // sender, not a crawler, so this property keeps what isbot calls bots.
      'property: {settings: {exclude_known_bots: false}}',
      storageUnder(work),
      csvFilesWarehouse(out),
      '',
    ].join('\n'),
  );
  const beacon = { ...BROWSER_HEADERS, 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8', Origin: 'https://shop.example' };
  const lines = [
    record('2025-06-02T10:00:00.000Z', 'GET', `/matomo.php?${MATOMO_JS.pageView}`),
    record('2025-06-02T10:00:05.000Z', 'POST', '/matomo.php', MATOMO_JS.event, beacon),
    record('2025-06-02T10:00:09.000Z', 'POST', '/piwik.php', MATOMO_JS.siteSearch, beacon),
    record('2025-06-02T10:00:20.000Z', 'POST', '/matomo.php', MATOMO_JS.contentInteraction, beacon),
    record('2025-06-02T10:01:00.000Z', 'POST', '/matomo.php', MATOMO_JS.order, beacon),
    record('2025-06-02T10:02:00.000Z', 'POST', '/matomo.php', PHP_SDK_BULK, { Host: 'stats.example.org', 'User-Agent': 'PHP', 'Content-Type': 'application/json' }),
    record('2025-06-02T10:02:01.000Z', 'POST', '/matomo.php', '{"requests": ["?_id=nosite"]}', { Host: 'stats.example.org' }),
  ];
  writeFileSync(join(work, 'requests.ndjson'), lines.join('\n') + '\n');
  const r = await runCli(['replay', '--config', join(work, 'config.yaml'), join(work, 'requests.ndjson')], { cwd: work });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /"rejected":1\b/, 'the bulk entry without idsite is rejected, the rest is replayed');

  const rows = readCsvRows(out).sort((a, b) => (a['timestamp_utc']! + a['session_hit_number']!.padStart(3, '0')).localeCompare(b['timestamp_utc']! + b['session_hit_number']!.padStart(3, '0')));
  assert.equal(rows.map((x) => x['name']), ['page_view', 'custom_event', 'site_search', 'content_interaction', 'ecommerce_order', 'page_view', 'custom_event']);
  // The PHP SDK sends the browser's visitor id (cid), so its hits join the browser's session.
  assert.is(new Set(rows.map((x) => x['session_id'])).size, 1, 'one visitor, one session');
  const visit = rows.slice(0, 5);
  assert.is(visit[0]!['session_total_events'], '7');
  assert.is(visit[0]!['session_source'], 'newsletter', 'the utm_source of the landing URL');
  assert.is(visit[0]!['session_utm_campaign'], 'spring');
  assert.is(visit[0]!['session_returning_user'], 'true');
  assert.is(visit[0]!['session_total_purchases'], '1');
  assert.is(visit[0]!['session_total_site_searches'], '1');
  assert.is(visit[0]!['session_total_content_interactions'], '1');
  assert.is(visit[1]!['params_category'], 'Videos');
  assert.is(visit[2]!['params_search_keyword'], 'trail shoes');
  assert.is(visit[4]!['ecommerce_items_total_quantity'], '3');
  assert.equal(JSON.parse(visit[4]!['ecommerce_items']!).map((i: { sku: string }) => i.sku), ['SKU-1', 'SKU-2']);
  assert.is(visit[0]!['session_custom_dimensions'], '[{"slot":1,"value":"logged-in"}]');
  const bulk = rows.slice(5);
  assert.equal(bulk.map((x) => x['page_location']), ['https://shop.example/checkout', 'https://shop.example/checkout/done']);
  assert.equal(bulk.map((x) => x['client_id']), [visit[0]!['client_id'], visit[0]!['client_id']]);
});

test.run();
