import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster, OutputReader, plannedHits, sendTraffic, tally, waitForRows } from '../faults/cluster.js';
import { runCli } from '../support/cli.js';
import { startS3rver, type FakeS3 } from '../support/s3rver.js';

let s3: FakeS3;
let work: string;
let cluster: Cluster | undefined;

test.before(async () => {
  s3 = await startS3rver();
});
test.after(async () => {
  await s3.stop();
});
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-os-proc-'));
});
test.after.each(() => {
  cluster?.killAll();
  rmSync(work, { recursive: true, force: true });
});

test('two cairn receivers and one cairn worker on an S3 queue: every accepted hit is written once', async () => {
  cluster = new Cluster({ work, topology: 'objectstorage', s3, namespace: 'two-receivers' });
  await cluster.addWorker();
  await cluster.addReceiver();
  await cluster.addReceiver();
  const hits = plannedHits(1200);
  const traffic = sendTraffic(cluster, hits, 8);
  const sent = await traffic.done;
  assert.is(sent.accepted.size, hits.length, `every request is accepted (${sent.rejected} rejected, ${sent.failed} failed)`);
  const rows = await waitForRows(new OutputReader(cluster.out), sent.accepted, 90_000);
  const exits = await cluster.stopAll();
  const t = tally(hits.length, sent.accepted, rows);
  assert.equal({ missing: t.missing, duplicatedIds: t.duplicatedIds, duplicatedHits: t.duplicatedHits }, { missing: 0, duplicatedIds: 0, duplicatedHits: 0 }, cluster.logs());
  assert.is(t.rows, hits.length);
  for (const e of exits) assert.is(e.code, 0, `${e.name} exits cleanly:\n${e.log}`);
});

test('a worker without the S3 settings it needs refuses to start with a configuration error (exit 2)', async () => {
  const config = join(work, 'bad.yaml');
  writeFileSync(config, `storage: {bolt_directory: ${join(work, 'state')}}\nqueue: {backend: objectstorage, object_storage: {type: s3}}\n`);
  const r = await runCli(['worker', '--config', config], { cwd: work });
  assert.is(r.code, 2);
  assert.match(r.stderr, /queue.object_storage.type s3 needs queue.object_storage.s3.host, queue.object_storage.s3.bucket/);
});

test.run();
