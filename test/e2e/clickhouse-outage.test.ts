/**
 * A ClickHouse outage under a running `cairn server`: hits keep arriving while inserts are
 * refused, and then one insert is stored but its answer lost. Once ClickHouse is back, every
 * event is in the table exactly once: the session spool kept and re-sent the batches, and the
 * deduplication token dropped the one that had already arrived.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChdbHttpAdapter } from '../support/chdb-http.js';
import { freePort, startCli, waitForHealthy } from '../support/cli.js';
import { send } from '../support/http.js';
import { storageUnder } from '../support/config.js';

let adapter: ChdbHttpAdapter;
let work: string;

test.before(async () => {
  adapter = await ChdbHttpAdapter.start();
  await adapter.exec('CREATE DATABASE outage');
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-ch-outage-'));
});
test.after(async () => {
  await adapter.close();
  rmSync(work, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const HEADERS = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36' };

/** One GA4 page view whose `seq` event parameter identifies it in the table. */
async function hit(port: number, seq: number): Promise<void> {
  const client = 1000 + (seq % 7);
  const path = `/g/collect?v=2&tid=G-OUTAGE&cid=${client}.1&sid=${client}&en=page_view&dl=https%3A%2F%2Fshop.example%2Fp${seq}&ep.seq=${seq}`;
  const answer = await send(port, 'GET', path, { headers: HEADERS });
  assert.is(answer.status, 204, `hit ${seq}: ${answer.body}`);
}

async function storedSeqs(): Promise<number[]> {
  const rows = await adapter.rows<{ seq: string }>(
    "SELECT arrayElement(params.value_string, indexOf(params.name, 'seq')) AS seq FROM outage.events WHERE has(params.name, 'seq')",
  );
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}

async function counts(): Promise<{ rows: number; ids: number }> {
  const [row] = await adapter.rows<{ rows: string; ids: string }>('SELECT count() AS rows, uniqExact(id) AS ids FROM outage.events');
  return { rows: Number(row?.rows), ids: Number(row?.ids) };
}

test('inserts refused, then an answer lost: every event stored once when ClickHouse is back', async () => {
  const port = await freePort();
  const file = join(work, 'config.yaml');
  writeFileSync(
    file,
    [
      `server: {host: 127.0.0.1, port: ${port}}`,
      // Short sessions keep the test quick; not shorter, or a hit held up on a busy machine
      // reaches the worker after its session's bucket has passed and is dropped as late.
      'sessions: {timeout: 3s}',
      'receiver: {batch_timeout: 100ms}',
      storageUnder(work),
      `warehouse: {driver: clickhouse, table: events, clickhouse: {host: 127.0.0.1, port: "${adapter.port}", database: outage}}`,
      '',
    ].join('\n'),
  );
  const server = startCli(['server', '--config', file], { cwd: work });
  let seq = 0;
  try {
    await waitForHealthy(port, server, 20_000);
    // Before the outage: rows arrive.
    for (let i = 0; i < 5; i++) await hit(port, ++seq);
    await until('the first rows', async () => ((await counts()).rows >= 5 ? true : undefined), 30_000);

    // Inserts refused: hits keep coming, the session spool holds what cannot be written.
    adapter.fault = 'refuse-inserts';
    const refusedBefore = adapter.requests.filter((r) => r.status === 503).length;
    const duringOutage = Date.now() + 4_000;
    while (Date.now() < duringOutage) {
      await hit(port, ++seq);
      await new Promise((r) => setTimeout(r, 100));
    }
    await until('two refused inserts', async () => (adapter.requests.filter((r) => r.status === 503).length - refusedBefore >= 2 ? true : undefined), 20_000);
    assert.is((await counts()).rows, 5, 'nothing got through while refused');

    // ClickHouse takes the next insert but the answer is lost; the spool sends it again.
    adapter.fault = 'lose-insert-answers';
    const executedBefore = adapter.executedInserts.length;
    await until('an insert stored without an answer', async () => (adapter.executedInserts.length > executedBefore ? true : undefined), 20_000);
    adapter.fault = 'none';
    for (let i = 0; i < 5; i++) await hit(port, ++seq);

    const all = Array.from({ length: seq }, (_, i) => i + 1);
    await until('every event stored', async () => ((await storedSeqs()).length >= seq ? true : undefined), 60_000);
    // Give a late duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(await storedSeqs(), all, 'each event exactly once');
    const { rows, ids } = await counts();
    assert.is(rows, seq);
    assert.is(ids, seq);
    // The batch whose answer was lost really was sent twice, with one token.
    const tokens = adapter.executedInserts.map((r) => r.settings['insert_deduplication_token']);
    const repeated = tokens.filter((t, i) => t !== undefined && tokens.indexOf(t) !== i);
    assert.ok(repeated.length >= 1, `a re-sent batch among ${tokens.length} inserts`);
  } catch (err) {
    // What was missing and what the server said, for a failure seen only in CI.
    const stored = await storedSeqs().catch((): number[] => []);
    const missing = Array.from({ length: seq }, (_, i) => i + 1).filter((n) => !stored.includes(n));
    const inserts = adapter.requests.filter((r) => r.kind === 'insert').map((r) => `${r.status}${r.executed ? '+' : ''}:${r.settings['insert_deduplication_token'] ?? '-'}`);
    const complaints = server.stderr().split('\n').filter((l) => /"(warn|error)"/.test(l)).slice(-20);
    throw new Error([(err as Error).message, `missing: ${missing.join(',')}`, `inserts: ${inserts.join(' ')}`, ...complaints].join('\n'));
  } finally {
    adapter.fault = 'none';
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    assert.is(code, 0, server.stderr().slice(-3000));
  }
  assert.ok(seq >= 30, `hits sent: ${seq}`);
});

test.run();
