import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, startCli, waitForHealthy, type CliProcess } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { send } from '../support/http.js';
import { csvFilesWarehouse, storageUnder } from '../support/config.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-crash-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Sends one hit per request, each with its own client id, until told to stop; returns the accepted ids. */
function traffic(port: number, prefix: string, concurrency: number): { stop: () => Promise<string[]> } {
  const accepted: string[] = [];
  let n = 0;
  let running = true;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (running) {
      const cid = `${prefix}-${n++}`;
      try {
        const r = await send(port, 'GET', `/g/collect?v=2&tid=G-CRASH&cid=${cid}&en=page_view&dl=https%3A%2F%2Fshop.example%2F${cid}`);
        if (r.status === 204) accepted.push(cid);
      } catch {
        await new Promise((r) => setTimeout(r, 20)); // the server is down
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(lanes);
      return accepted;
    },
  };
}

test('SIGKILL during traffic in at-least-once mode: after a restart every accepted hit is written exactly once', async () => {
  const port = await freePort();
  const out = join(work, 'out');
  const config = join(work, 'config.yaml');
  writeFileSync(
    config,
    [
      `server: {host: 127.0.0.1, port: ${port}}`,
      'delivery: {mode: at_least_once}',
      'sessions: {timeout: 2s}',
      'receiver: {batch_timeout: 200ms, batch_size: 50}',
      storageUnder(work),
      csvFilesWarehouse(out, '1s'),
      '',
    ].join('\n'),
  );
  const start = async (): Promise<CliProcess> => {
    const p = startCli(['server', '--config', config], { cwd: work });
    await waitForHealthy(port, p, 30_000);
    return p;
  };

  let proc = await start();
  const before = traffic(port, 'a', 8);
  await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2000)));
  proc.child.kill('SIGKILL');
  await proc.exited;
  const acceptedBefore = await before.stop();

  proc = await start();
  const after = traffic(port, 'b', 4);
  await new Promise((r) => setTimeout(r, 1000));
  const acceptedAfter = await after.stop();
  const accepted = [...acceptedBefore, ...acceptedAfter];
  assert.ok(acceptedBefore.length > 20, `only ${acceptedBefore.length} requests were accepted before the kill`);

  const deadline = Date.now() + 90_000;
  let rows = readCsvRows(out);
  while (Date.now() < deadline) {
    const seen = new Set(rows.map((r) => r['client_id']));
    if (accepted.every((c) => seen.has(c))) break;
    await new Promise((r) => setTimeout(r, 500));
    rows = readCsvRows(out);
  }
  proc.child.kill('SIGTERM');
  assert.is((await proc.exited).code, 0, proc.stderr().slice(-2000));
  rows = readCsvRows(out);

  const byId = new Map<string, number>();
  for (const r of rows) byId.set(r['id']!, (byId.get(r['id']!) ?? 0) + 1);
  const twice = [...byId].filter(([, n]) => n > 1);
  assert.equal(twice, [], 'no event id is written twice');
  const perClient = new Map<string, number>();
  for (const r of rows) perClient.set(r['client_id']!, (perClient.get(r['client_id']!) ?? 0) + 1);
  const missing = accepted.filter((c) => !perClient.has(c));
  assert.equal(missing, [], 'every accepted hit is written');
  assert.equal([...perClient].filter(([, n]) => n > 1), [], 'no hit is written twice under another id');
});

test.run();
