#!/usr/bin/env node
// The worker's throughput and memory, on the real modules (one process, one core):
//
//   throughput: a queue folder filled with N GA4 hits (fixed mix, below) is consumed by the
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
//   node bench/pipeline/run.mjs [--hits 100000] [--open 1000000] [--warmup 0] [--phases] [--json]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpFromHeader, load, numberArg } from '../common.mjs';

helpFromHeader(import.meta.url);

const { loadSettings } = await load('src/settings/load.js');
const { Worker } = await load('src/worker/worker.js');
const { CountingDriver } = await load('src/warehouse/counting-driver.js');
const { FilesystemPublisher, queueDepth } = await load('src/queue/filesystem/index.js');
const { createConsumer } = await load('src/queue/assemble.js');
const { createHitsTask } = await load('src/queue/hits-task.js');
const { Ga4Protocol } = await load('protocols/ga4/protocol.js');
const { PropertyRegistry } = await load('src/settings/property-registry.js');
const { DerivedHitIds } = await load('src/hits/hit-ids.js');
const { headersFromRecord } = await load('src/receiver/headers.js');
const { ProtoSessionEngine } = await load('src/protosessions/index.js');
const { silentLogger } = await load('src/monitoring/logger.js');

const HITS = numberArg('hits', 100_000);
const OPEN = numberArg('open', 1_000_000);
const WARMUP = numberArg('warmup', 0);
const START = Date.parse('2025-06-02T10:00:00Z');

// The hit mix of one visit (10 hits): landing page_view with a Google referrer, scroll, a
// second page_view, view_item, add_to_cart with one item, user_engagement, begin_checkout,
// purchase with two items, a click, and a final page_view. A new visit every 50 ms of hit time.
const VISIT = [
  ['page_view', '&dl=https%3A%2F%2Fshop.example%2F%3Futm_source%3Dnewsletter&dr=https%3A%2F%2Fwww.google.com%2F&dt=Shop'],
  ['scroll', '&dl=https%3A%2F%2Fshop.example%2F&epn.percent_scrolled=90&_et=4200'],
  ['page_view', '&dl=https%3A%2F%2Fshop.example%2Fmugs&dt=Mugs'],
  ['view_item', '&dl=https%3A%2F%2Fshop.example%2Fmugs%2Fblue&ep.currency=EUR&epn.value=19.9&pr1=idSKU-1~nmBlue%20mug~pr19.9~qt1'],
  ['add_to_cart', '&dl=https%3A%2F%2Fshop.example%2Fmugs%2Fblue&ep.currency=EUR&epn.value=19.9&pr1=idSKU-1~nmBlue%20mug~pr19.9~qt1'],
  ['user_engagement', '&dl=https%3A%2F%2Fshop.example%2Fmugs%2Fblue&_et=12000'],
  ['begin_checkout', '&dl=https%3A%2F%2Fshop.example%2Fcheckout&ep.currency=EUR&epn.value=39.8'],
  ['purchase', '&dl=https%3A%2F%2Fshop.example%2Fthanks&ep.currency=EUR&epn.value=39.8&ep.transaction_id=T-1&pr1=idSKU-1~nmBlue%20mug~pr19.9~qt1&pr2=idSKU-2~nmRed%20mug~pr19.9~qt1'],
  ['click', '&dl=https%3A%2F%2Fshop.example%2Fthanks&ep.link_url=https%3A%2F%2Fsocial.example%2Fshare&ep.outbound=true'],
  ['page_view', '&dl=https%3A%2F%2Fshop.example%2F&dt=Shop'],
];
const HEADERS = headersFromRecord({
  Host: 'collect.shop.example',
  'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'Accept-Language': 'en-GB,en;q=0.9',
});

function buildHits(count, visitOf, hitTime, idSeed = 'bench') {
  const protocol = new Ga4Protocol();
  const context = { properties: new PropertyRegistry([{ id: 'default', isDefault: true, measurementIds: [], protocol: 'ga4' }]), ids: new DerivedHitIds(idSeed) };
  const hits = [];
  for (let i = 0; i < count; i++) {
    const visit = visitOf(i);
    const [en, extra] = VISIT[i % VISIT.length];
    const rawQuery = `v=2&tid=G-BENCH&cid=${visit}.1750000000&sid=1750000000&sct=1&seg=1&en=${en}${extra}`;
    const [hit] = protocol.hits(
      { method: 'POST', path: '/g/collect', rawQuery, body: Buffer.alloc(0), headers: HEADERS, ip: `10.${(visit >> 16) & 255}.${(visit >> 8) & 255}.${visit & 255}`, host: 'collect.shop.example', serverReceivedTime: hitTime(i), key: String(i) },
      context,
    );
    hit.metadata.protocol = 'ga4';
    hits.push(hit);
  }
  return hits;
}

function settingsFor(work) {
  writeFileSync(
    join(work, 'config.yaml'),
    [
      `storage: {bolt_directory: ${join(work, 'state')}, queue_directory: ${join(work, 'queue')}, spool_directory: ${join(work, 'spool')}}`,
      `warehouse: {driver: files, table: events, files: {storage: filesystem, format: csv, filesystem: {path: ${join(work, 'out')}}}}`,
      '',
    ].join('\n'),
  );
  return loadSettings({ args: ['-c', join(work, 'config.yaml')], env: {}, cwd: work }).settings;
}

/** Fills the queue folder with `count` hits in time order, as tasks of 5,000; the latest hit time. */
async function publishHits(settings, count, visitOf, hitTime, idSeed) {
  const hits = buildHits(count, visitOf, hitTime, idSeed);
  hits.sort((a, b) => a.request.serverReceivedTime - b.request.serverReceivedTime);
  const publisher = new FilesystemPublisher(settings.storage.queueDirectory);
  for (let i = 0; i < hits.length; i += 5000) await publisher.publish(createHitsTask(hits.slice(i, i + 5000)));
  await publisher.close();
  return hits[hits.length - 1].request.serverReceivedTime;
}

/**
 * `warmUp`: other visitors (client ids, addresses, hit ids) two days earlier, so that nothing
 * a module keeps of recent inputs (stamps, URLs, texts) is found again by the timed run.
 */
async function throughput(count, warmUp = false) {
  const work = mkdtempSync(join(tmpdir(), 'cairn-bench-pipeline-'));
  try {
    const settings = settingsFor(work);
    // 10 hits per visit, a visit every 50 ms of hit time, its hits 3 s apart.
    const visitBase = warmUp ? 1 << 23 : 0;
    const start = warmUp ? START - 2 * 86_400_000 : START;
    // The fixture's hit objects are dropped before the clock starts: the worker reads the queue
    // folder, and hit objects held by the bench would only add to its garbage collector's work.
    const last = await publishHits(settings, count, (i) => visitBase + Math.floor(i / 10), (i) => start + Math.floor(i / 10) * 50 + (i % 10) * 3000, warmUp ? 'bench-warm-up' : 'bench');
    const tasks = await queueDepth(settings.storage.queueDirectory);

    let counting;
    const worker = await Worker.start(settings, silentLogger, { migrate: true, decorateDriver: (d) => (counting = new CountingDriver(d)) });
    // The consumer `cairn worker` makes for these settings.
    const consumer = await createConsumer(settings, silentLogger);
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
    let handled = 0;
    const consuming = consumer.consume(async (task) => {
      await worker.handleTask(task);
      await worker.engine.closeDue();
      handled++;
    });
    while (handled < tasks) await new Promise((r) => setTimeout(r, 5));
    await consumer.stop();
    await consuming;
    const intake = since();
    await worker.engine.advanceTime(last + 31 * 60_000);
    await worker.engine.closeDue();
    const closed = since();
    await worker.stop();
    const seconds = since();
    const cpu = process.cpuUsage(cpu0);
    return {
      hits: count,
      rows: counting.rows,
      sessions: counting.sessionCount,
      seconds,
      rate: count / seconds,
      phases: { intake, closing: closed - intake, drain: seconds - closed, cpu: (cpu.user + cpu.system) / 1e6 },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function peakRssMb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

async function openSessions() {
  const work = mkdtempSync(join(tmpdir(), 'cairn-bench-open-'));
  try {
    const settings = settingsFor(work);
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
      const batch = buildHits(n, (j) => i + j, (j) => START + Math.floor(((i + j) / OPEN) * 600_000));
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
  const warm = WARMUP > 0 ? await throughput(WARMUP, true) : undefined;
  const t = await throughput(HITS);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(t));
    process.exit(0);
  }
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
  if (OPEN > 0) {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--memory-only', '--open', String(OPEN)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const m = JSON.parse(out.trim().split('\n').pop());
    console.log(`\nopen proto-sessions: ${m.open} (one hit each, each its own client and IP), intake ${m.rate.toFixed(0)} hits/s, peak RSS ${m.peakRssMb.toFixed(0)} MB (budget < 500 MB)`);
  }
}
