import { join } from 'node:path';
import { test } from 'uvu';
import { waitFor, workDirPerTest } from '../support/work-dir.js';
import * as assert from 'uvu/assert';
import { freePort, startCli, waitForHealthy } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { send } from '../support/http.js';
import { csvFilesWarehouse, writeQuickServerConfig } from '../support/config.js';

const dir = workDirPerTest(test, 'cairn-e2e-server');


test('cairn server: GA4 hits over HTTP become CSV rows with session columns after the timeout', async () => {
  const work = dir.path;
  const port = await freePort();
  const out = join(work, 'out');
  writeQuickServerConfig(work, port, [csvFilesWarehouse(out, '1s')]);
  const proc = startCli(['server', '--config', join(work, 'config.yaml')], { cwd: work });
  await waitForHealthy(port, proc);
  const headers = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36' };
  const base = '/g/collect?v=2&tid=G-E2E&cid=777.1&sid=1&sct=1';
  let r = await send(port, 'GET', `${base}&en=page_view&dl=https%3A%2F%2Fshop.example%2F&dt=Home`, { headers });
  assert.is(r.status, 204);
  r = await send(port, 'POST', `${base}&dl=https%3A%2F%2Fshop.example%2Fcart&dt=Cart`, { headers, body: 'en=page_view\nen=scroll&epn.percent_scrolled=90' });
  assert.is(r.status, 204);
  r = await send(port, 'GET', '/g/collect?v=2&tid=G-E2E&cid=888.2&en=page_view&dl=https%3A%2F%2Fshop.example%2Fother', { headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' } });
  assert.is(r.status, 204);

  let rows: Record<string, string>[];
  try {
    rows = await waitFor('four rows in the CSV', () => {
      const found = readCsvRows(out);
      return found.length >= 4 ? found : undefined;
    }, 30_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  proc.child.kill('SIGTERM');
  assert.is((await proc.exited).code, 0, proc.stderr());

  assert.is(rows.length, 4);
  rows.sort((a, b) => (a['client_id']! + a['session_hit_number']).localeCompare(b['client_id']! + b['session_hit_number']));
  const [a0, a1, a2, b0] = rows as [Record<string, string>, Record<string, string>, Record<string, string>, Record<string, string>];
  assert.equal([a0['name'], a1['name'], a2['name']], ['page_view', 'page_view', 'scroll']);
  assert.equal([a0['session_hit_number'], a1['session_hit_number'], a2['session_hit_number']], ['0', '1', '2']);
  assert.equal([a0['session_page_number'], a1['session_page_number'], a2['session_page_number']], ['0', '1', '1']);
  assert.is(a0['session_id'], a0['id'], 'the session id is the first event id');
  assert.is(a1['session_id'], a0['session_id']);
  assert.is(a2['session_id'], a0['session_id']);
  assert.is(a0['session_total_events'], '3');
  assert.is(a0['page_location'], 'https://shop.example/');
  assert.is(a1['page_title'], 'Cart');
  assert.is(a0['next_page_location'], 'https://shop.example/cart');
  assert.is(a0['session_is_entry_page'] === 'true' || a0['session_is_entry_page'] === '1', true);
  assert.is(a0['property_id'], 'default');
  assert.is(b0['client_id'], '888.2');
  assert.is.not(b0['session_id'], a0['session_id']);
  assert.is(b0['session_total_events'], '1');
});

test.run();
