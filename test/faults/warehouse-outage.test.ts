import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputReader, plannedHits, sendTraffic, tally, waitForRows } from './cluster.js';
import { FAULT_HITS, LANES, logDir, OUTAGE_MS, recordFigures, startTopology, TOPOLOGIES, whenProgress, suiteBackends } from './scenario.js';

const backends = suiteBackends(test);

/**
 * The files warehouse goes down when its destination folder is replaced by a plain file: every
 * upload fails until the folder is put back. (Permissions would not do: the tests run as root.)
 */
function takeDown(out: string): () => void {
  renameSync(out, `${out}.down`);
  writeFileSync(out, 'the warehouse is down\n');
  return () => {
    rmSync(out, { force: true });
    renameSync(`${out}.down`, out);
  };
}

// The files driver quarantines a segment after three failed uploads in a row, one per flush
// interval; the interval is made long enough that the outage costs at most two of them.
const maxSegmentAge = `${Math.ceil(OUTAGE_MS / 2000) + 1}s`;

for (const topology of TOPOLOGIES) {
  test(`${topology}: the warehouse is down for ${OUTAGE_MS / 1000} s in the middle of the load; afterwards every accepted hit is written once`, async () => {
    const setup = await startTopology(topology, backends(), { maxSegmentAge });
    const { cluster } = setup;
    try {
      const hits = plannedHits(FAULT_HITS, 4, `w${topology.slice(0, 2)}`);
      const traffic = sendTraffic(cluster, hits, LANES);
      let downFor = 0;
      const outage = (async () => {
        await whenProgress(traffic.progress, Math.floor(hits.length * 0.3), traffic.ended);
        const bringUp = takeDown(cluster.out);
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        bringUp();
        downFor = Date.now() - t0;
      })();
      const sent = await traffic.done;
      await outage;
      assert.is(sent.accepted.size, hits.length, `a warehouse outage does not stop intake (${sent.rejected} rejected, ${sent.failed} failed)`);
      const rows = await waitForRows(new OutputReader(cluster.out), sent.accepted, 120_000 + FAULT_HITS * 3);
      const exits = await cluster.stopAll();
      const t = tally(hits.length, sent.accepted, rows);
      if (t.missing + t.duplicatedIds + t.duplicatedHits > 0) cluster.saveLogs(logDir(topology));
      recordFigures(`warehouse down ${OUTAGE_MS / 1000} s`, topology, t, { downForMs: downFor, s3rverRestarts: backends().s3.restarts() });
      assert.equal({ missing: t.missing, duplicatedIds: t.duplicatedIds, duplicatedHits: t.duplicatedHits }, { missing: 0, duplicatedIds: 0, duplicatedHits: 0 }, cluster.logs());
      for (const e of exits) assert.is(e.code, 0, `${e.name} exits cleanly:\n${e.log}`);
    } finally {
      setup.cleanup();
    }
  });
}

test.run();
