import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster, OutputReader, plannedHits, sendTraffic, sessionShapes, tally, waitForRows, type OutputRow } from '../faults/cluster.js';
import { startNatsServer, type NatsServer } from '../support/nats.js';

let nats: NatsServer;
const works: string[] = [];
const clusters: Cluster[] = [];

test.before(async () => {
  nats = await startNatsServer();
});
test.after(async () => {
  for (const c of clusters) c.killAll();
  await nats.stop();
  for (const w of works) rmSync(w, { recursive: true, force: true });
});

const HITS = plannedHits(1600);

async function run(cluster: Cluster): Promise<OutputRow[]> {
  const sent = await sendTraffic(cluster, HITS, 8).done;
  assert.is(sent.accepted.size, HITS.length, `every request is accepted (${sent.rejected} rejected, ${sent.failed} failed)`);
  const rows = await waitForRows(new OutputReader(cluster.out), sent.accepted, 90_000);
  const t = tally(HITS.length, sent.accepted, rows);
  assert.equal({ missing: t.missing, duplicatedIds: t.duplicatedIds, duplicatedHits: t.duplicatedHits }, { missing: 0, duplicatedIds: 0, duplicatedHits: 0 }, cluster.logs());
  return rows;
}

function newWork(): string {
  const w = mkdtempSync(join(tmpdir(), 'cairn-nats-proc-'));
  works.push(w);
  return w;
}

/** The partitions a worker logged it consumes (the log is JSON lines). */
function partitionsOf(log: string): number[] {
  for (const line of log.split('\n')) {
    if (!line.includes('consuming nats partitions')) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry['partitions'] === 'string') return entry['partitions'].split(',').map(Number);
  }
  return [];
}

test('two receivers and two workers on NATS build the same sessions as one cairn server on the same input', async () => {
  const single = new Cluster({ work: newWork(), topology: 'server', namespace: 'single' });
  clusters.push(single);
  await single.addReceiver();
  const reference = sessionShapes(await run(single));
  for (const e of await single.stopAll()) assert.is(e.code, 0, e.log);

  const split = new Cluster({ work: newWork(), topology: 'nats', nats, namespace: 'SPLIT', partitions: 8 });
  clusters.push(split);
  // One worker names its partitions, the other claims its share of the rest automatically.
  await split.addWorker({ QUEUE_NATS_PARTITIONS_OWNED: '0-3' });
  await split.addWorker({ QUEUE_NATS_WORKERS: '2' });
  const logs: string[] = [];
  await split.addReceiver();
  await split.addReceiver();
  const rows = await run(split);
  for (const w of split.workers) logs.push(w.process!.stderr());
  for (const e of await split.stopAll()) assert.is(e.code, 0, `${e.name}:\n${e.log}`);

  const owned = logs.map(partitionsOf);
  assert.equal(owned[0], [0, 1, 2, 3], 'the first worker claimed half');
  assert.equal(owned[1], [4, 5, 6, 7], 'the second took the rest');
  const sessions = sessionShapes(rows);
  assert.ok(sessions.length >= HITS.length / 4, `${sessions.length} sessions`);
  assert.equal(sessions, reference);
});

test.run();
