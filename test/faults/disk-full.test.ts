import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster, OutputReader, plannedHits, tally, waitForRows, type Proc } from './cluster.js';
import { logDir, recordFigures } from './scenario.js';
import { send } from '../support/http.js';
import { startNatsServer, type NatsServer } from '../support/nats.js';

let nats: NatsServer;
let work: string;

test.before(async () => {
  nats = await startNatsServer();
});
test.after(async () => {
  await nats.stop();
});
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-diskfull-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

const HITS = plannedHits(3000, 3, 'd');

interface Replies {
  accepted: Set<string>;
  statuses: Map<number, number>;
}

/** Sends hits one after another (a few lanes) and counts the answers by status. */
async function sendAll(port: number, hits: readonly { tag: string; ip: string; path: string }[], replies: Replies): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let h = hits[next++]; h !== undefined; h = hits[next++]) {
      const r = await send(port, 'GET', h.path, { headers: { 'X-Forwarded-For': h.ip } });
      replies.statuses.set(r.status, (replies.statuses.get(r.status) ?? 0) + 1);
      if (r.status === 204) replies.accepted.add(h.tag);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}

/**
 * With the queue down the receiver keeps accepted hits in its staging folder; when that is full
 * it must answer 503 (come back later), never 204 for a hit it could not keep, nor 500. Once the
 * queue is back the staged hits go out and every hit that got 204 is written.
 */
async function fillStagingThenRecover(cluster: Cluster, receiver: Proc, label: string): Promise<void> {
  const replies: Replies = { accepted: new Set(), statuses: new Map() };
  await sendAll(receiver.port!, HITS.slice(0, 300), replies);
  assert.is(replies.statuses.get(204), 300, 'the queue is up: everything is accepted');
  await nats.kill();
  await sendAll(receiver.port!, HITS.slice(300, 2400), replies);
  const full = replies.statuses.get(503) ?? 0;
  assert.ok(full > 0, `the staging folder filled up: ${JSON.stringify([...replies.statuses])}`);
  assert.is(replies.statuses.get(500) ?? 0, 0, 'a full disk is not an internal error');
  await nats.restart();
  // The receiver publishes what it kept, then takes hits again.
  const deadline = Date.now() + 60_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await send(receiver.port!, 'GET', HITS[2400]!.path, { headers: { 'X-Forwarded-For': HITS[2400]!.ip } })).status;
    if (status === 204) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.is(status, 204, 'accepting again once the queue is back');
  replies.accepted.add(HITS[2400]!.tag);
  await sendAll(receiver.port!, HITS.slice(2401), replies);
  const rows = await waitForRows(new OutputReader(cluster.out), replies.accepted, 90_000);
  const exits = await cluster.stopAll();
  const t = tally(HITS.length, replies.accepted, rows);
  if (t.missing + t.duplicatedIds + t.duplicatedHits > 0) cluster.saveLogs(logDir('nats'));
  recordFigures(label, 'nats', t, { answered503: full });
  assert.equal({ missing: t.missing, duplicatedIds: t.duplicatedIds, duplicatedHits: t.duplicatedHits }, { missing: 0, duplicatedIds: 0, duplicatedHits: 0 }, cluster.logs());
  for (const e of exits) assert.is(e.code, 0, `${e.name}:\n${e.log}`);
}

test('receiver.max_staged_kbytes: past the limit the receiver answers 503, and every hit it accepted is written', async () => {
  const cluster = new Cluster({ work, topology: 'nats', nats, namespace: `DF${process.pid}A`, partitions: 2, sessionTimeout: '20s' });
  try {
    await cluster.addWorker();
    const receiver = await cluster.addReceiver({ RECEIVER_MAX_STAGED_KBYTES: '64' });
    await fillStagingThenRecover(cluster, receiver, 'staging limit 64 KiB');
  } finally {
    cluster.killAll();
  }
});

function tryMountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a real full disk (a small tmpfs under the staging folder): 503, never 500, and nothing accepted is lost', async () => {
  const cluster = new Cluster({ work, topology: 'nats', nats, namespace: `DF${process.pid}B`, partitions: 2, sessionTimeout: '20s' });
  // The first receiver of the cluster keeps its staging under <work>/receiver-0/queue.
  const queueDir = join(work, 'receiver-0', 'queue');
  if (!tryMountTmpfs(queueDir, '256k')) {
    console.log('skipped: this machine does not let the test mount a tmpfs; the staging limit test covers the 503');
    return;
  }
  try {
    await cluster.addWorker();
    const receiver = await cluster.addReceiver();
    await fillStagingThenRecover(cluster, receiver, 'tmpfs of 256 KiB');
  } finally {
    cluster.killAll();
    await new Promise((r) => setTimeout(r, 200));
    try {
      execFileSync('umount', ['-l', queueDir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

test.run();
