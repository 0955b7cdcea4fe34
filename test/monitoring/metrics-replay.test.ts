import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReplayCommand } from '../../src/cli/commands/replay.js';
import { readCsvRows } from '../support/csv.js';
import { globalPullReader, histogramOf, valueOf } from './helpers.js';
import { csvFilesWarehouse, storageUnder } from '../support/config.js';

// Registered before the command runs, the way a program embedding Cairn would: the replay's
// instruments report to it.
const reader = globalPullReader();

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
const CRAWLER = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** Each visitor gets its own address, so the session stamp does not join them. */
function record(at: string, query: string, userAgent: string, ip: string): string {
  return JSON.stringify({ at, method: 'GET', url: `/g/collect?v=2&tid=G-1&${query}`, headers: { Host: 'shop.example', 'User-Agent': userAgent }, ip });
}

let work: string;
test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-metrics-replay-'));
});
test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

test('after a replay the worker-side metrics are there with the values the replay implies', async () => {
  const out = join(work, 'out');
  const config = join(work, 'config.yaml');
  writeFileSync(
    config,
    [
      storageUnder(work),
      csvFilesWarehouse(out),
      '',
    ].join('\n'),
  );
  const dl = 'dl=https%3A%2F%2Fshop.example%2F';
  const lines = [
    record('2025-06-02T10:00:00.000Z', `cid=1.1&en=page_view&${dl}`, BROWSER, '198.51.100.1'),
    record('2025-06-02T10:00:05.000Z', `cid=1.1&en=scroll&${dl}`, BROWSER, '198.51.100.1'),
    record('2025-06-02T10:00:09.000Z', `cid=1.1&en=page_view&${dl}cart`, BROWSER, '198.51.100.1'),
    record('2025-06-02T10:00:10.000Z', `cid=2.2&en=page_view&${dl}`, CRAWLER, '198.51.100.2'),
    record('2025-06-02T10:00:11.000Z', `cid=2.2&en=page_view&${dl}about`, CRAWLER, '198.51.100.2'),
    record('2025-06-02T10:00:12.000Z', `cid=3.3&en=page_view&${dl}`, BROWSER, '198.51.100.3'),
    record('2025-06-02T10:00:13.000Z', `en=page_view&${dl}`, BROWSER, '198.51.100.4'), // no cid: rejected
  ];
  const input = join(work, 'requests.ndjson');
  writeFileSync(input, lines.join('\n') + '\n');

  const code = await runReplayCommand(['--config', config, input]);
  assert.is(code, 0);
  assert.is(readCsvRows(out).length, 4, 'three browser hits of one visitor and one of another; the crawler is dropped');

  const m = await reader.metrics();
  assert.is(valueOf(m, 'protosessions.hits.received'), 6, 'every accepted hit reached proto-session state');
  assert.is(valueOf(m, 'protosessions.hits.duplicate'), 0);
  assert.is(valueOf(m, 'protosessions.hits.closed'), 6);
  assert.is(valueOf(m, 'protosessions.closed'), 3, 'three visitors, three proto-sessions');
  assert.ok((valueOf(m, 'protosessions.buckets.closed') ?? 0) >= 1);
  assert.ok((histogramOf(m, 'protosessions.process_bucket.duration')?.count ?? 0) >= 1);
  assert.is(valueOf(m, 'protosessions.close.failures') ?? 0, 0);

  assert.is(valueOf(m, 'sessions.processed'), 3, 'the crawler session is processed too; it just has no rows left');
  assert.ok((valueOf(m, 'sessions.write.calls') ?? 0) >= 1);
  assert.is(valueOf(m, 'sessions.write.failures') ?? 0, 0);

  assert.is(valueOf(m, 'worker.events.filtered', { reason: 'known_bot', action: 'excluded', property_id: 'default' }), 2);

  assert.is(valueOf(m, 'warehouse.rows.written', { driver: 'files', table: 'events' }), 4);
  assert.is(valueOf(m, 'warehouse.write.errors') ?? 0, 0);
  const latency = histogramOf(m, 'warehouse.write.latency', { driver: 'files', table: 'events' });
  assert.ok(latency !== undefined && latency.count >= 1 && latency.sum >= 0, 'write latency is recorded per driver and table');
});

test.run();
