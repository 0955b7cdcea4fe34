#!/usr/bin/env node
// The worker's throughput and memory, on the real modules (one process, one core):
//
//   throughput: a queue folder filled with N GA4 hits (fixed mix, throughput.mjs) is consumed by the
//   worker exactly as `cairn worker` does; the clock is then moved past every timeout and the
//   worker drains into CSV files. hits/s = N / (time from first read to last CSV written).
//
//   memory: M hits from M different clients (M open proto-sessions) are handed to the
//   proto-session engine; peak RSS (VmHWM) is read afterwards.
//
//   warm-up: with --warmup W, W hits first go the same way through a worker of their own (own
//   folders, not timed), so the timed run finds the code compiled, as a worker that has been
//   running does; without it the timed run includes the compiler's warm-up.
//
//   phases: with --phases, the timed run's three phases are printed too: intake (the queue
//   read into proto-session state), closing (every proto-session closed into the session
//   spool) and the drain (sessions to CSV rows), with the process's CPU time. --json prints
//   the run's figures as one JSON line instead of tables (bench/pipeline/compare.mjs reads it).
//
//   CAIRN_BENCH_BUILD=<checkout> times that checkout's build with this script.
//
//   --hits 0 takes the memory measurement alone, --open 0 the throughput alone.
//
//   node bench/pipeline/run.mjs [--hits 100000] [--open 1000000] [--warmup 0] [--phases] [--json]
//
// Exit codes: 0 done, 1 a run failed, 2 bad arguments.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpFromHeader, load, numberArg } from '../common.mjs';
import { buildHits, openBuild, settingsFor, START, throughput } from './throughput.mjs';

helpFromHeader(import.meta.url);

const build = await openBuild(load);

const HITS = numberArg('hits', 100_000);
const OPEN = numberArg('open', 1_000_000);
const WARMUP = numberArg('warmup', 0);

function peakRssMb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

async function openSessions() {
  const work = mkdtempSync(join(tmpdir(), 'cairn-bench-open-'));
  try {
    const { ProtoSessionEngine, PropertyRegistry, silentLogger } = build;
    const settings = settingsFor(build, work);
    const engine = ProtoSessionEngine.open({
      stateDirectory: settings.storage.boltDirectory,
      properties: new PropertyRegistry(settings.properties),
      closer: { close: async () => undefined },
      logger: silentLogger,
    });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < OPEN; i += 5000) {
      const n = Math.min(5000, OPEN - i);
      // One hit per client: every hit opens its own proto-session; all within 10 minutes.
      const batch = buildHits(build, n, (j) => i + j, (j) => START + Math.floor(((i + j) / OPEN) * 600_000));
      await engine.handleHits(batch);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const open = engine.openProtoSessions();
    const rss = peakRssMb();
    await engine.close();
    return { open, seconds, rate: OPEN / seconds, peakRssMb: rss };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
if (process.argv.includes('--memory-only')) {
  // Run alone in a fresh process, so the peak RSS is the open proto-sessions' and nothing else's.
  const m = await openSessions();
  console.log(JSON.stringify(m));
} else {
  const warm = WARMUP > 0 && HITS > 0 ? await throughput(build, WARMUP, 1) : undefined;
  // --hits 0: the memory measurement alone.
  const t = HITS > 0 ? await throughput(build, HITS) : undefined;
  if (t !== undefined && process.argv.includes('--json')) {
    console.log(JSON.stringify(t));
    process.exit(0);
  }
  if (t !== undefined) printThroughput(t, warm);
  if (OPEN > 0) {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--memory-only', '--open', String(OPEN)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const m = JSON.parse(out.trim().split('\n').pop());
    console.log(`\nopen proto-sessions: ${m.open} (one hit each, each its own client and IP), intake ${m.rate.toFixed(0)} hits/s, peak RSS ${m.peakRssMb.toFixed(0)} MB (budget < 500 MB)`);
  }
}

function printThroughput(t, warm) {
  console.log(`\nworker throughput: ${t.hits} GA4 hits (10-hit visits, 253-column events table, CSV), ${cpus().length} × ${cpu}, Node ${process.version}`);
  if (warm !== undefined) console.log(`after a warm-up of ${warm.hits} hits (${warm.rate.toFixed(0)} hits/s, not counted) through a worker of their own`);
  console.log(`| hits | rows | sessions | seconds | hits/s |`);
  console.log(`|---:|---:|---:|---:|---:|`);
  console.log(`| ${t.hits} | ${t.rows} | ${t.sessions} | ${t.seconds.toFixed(1)} | ${t.rate.toFixed(0)} |`);
  if (process.argv.includes('--phases')) {
    const p = t.phases;
    console.log(`\n| intake s | closing s | drain s | whole s | process CPU s |`);
    console.log(`|---:|---:|---:|---:|---:|`);
    console.log(`| ${p.intake.toFixed(3)} | ${p.closing.toFixed(3)} | ${p.drain.toFixed(3)} | ${t.seconds.toFixed(3)} | ${p.cpu.toFixed(2)} |`);
  }
}
