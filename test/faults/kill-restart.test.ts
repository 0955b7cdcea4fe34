import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputReader, plannedHits, sendTraffic, tally, waitForRows, type Proc } from './cluster.js';
import { between, FAULT_HITS, logDir, LANES, recordFigures, startTopology, TOPOLOGIES, whenProgress, suiteBackends } from './scenario.js';

const backends = suiteBackends(test);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

for (const topology of TOPOLOGIES) {
  test(`${topology}: SIGKILL a receiver and a worker at random moments of the load; after restart every accepted hit is written once`, async () => {
    const setup = await startTopology(topology, backends());
    const { cluster } = setup;
    try {
      const hits = plannedHits(FAULT_HITS, 4, `k${topology.slice(0, 2)}`);
      const traffic = sendTraffic(cluster, hits, LANES);
      const receiverAt = Math.floor(hits.length * between(0.15, 0.45));
      const workerAt = Math.floor(hits.length * between(0.5, 0.8));
      const killed: string[] = [];
      const bounce = async (proc: Proc): Promise<void> => {
        await cluster.kill(proc);
        killed.push(`${proc.name}@${traffic.progress()}`);
        await sleep(between(200, 1500));
        await cluster.start(proc);
      };
      const faults = (async () => {
        await whenProgress(traffic.progress, receiverAt, traffic.ended);
        await bounce(pick(cluster.receivers));
        await whenProgress(traffic.progress, workerAt, traffic.ended);
        // In one process the worker is the server itself.
        await bounce(topology === 'server' ? pick(cluster.receivers) : pick(cluster.workers));
      })();
      // A process that does not come back ends the load rather than leaving it waiting.
      faults.catch(() => traffic.stop());
      const sent = await traffic.done;
      await faults;
      assert.ok(sent.accepted.size > hits.length / 2, `only ${sent.accepted.size} of ${hits.length} hits were accepted`);
      const rows = await waitForRows(new OutputReader(cluster.out), sent.accepted, 90_000 + FAULT_HITS * 3);
      const exits = await cluster.stopAll();
      const t = tally(hits.length, sent.accepted, rows);
      if (t.missing + t.duplicatedIds + t.duplicatedHits > 0) cluster.saveLogs(logDir(topology));
      recordFigures('SIGKILL receiver + worker', topology, t, { killed, s3rverRestarts: backends().s3.restarts() });
      assert.equal(
        { missing: t.missing, duplicatedIds: t.duplicatedIds, duplicatedHits: t.duplicatedHits },
        { missing: 0, duplicatedIds: 0, duplicatedHits: 0 },
        `${killed.join(', ')}\n${cluster.logs()}`,
      );
      for (const e of exits) assert.is(e.code, 0, `${e.name} exits cleanly after the faults:\n${e.log}`);
    } finally {
      setup.cleanup();
    }
  });
}

test.run();
