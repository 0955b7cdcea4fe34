// The throughput run of the worker bench (run.mjs; compare.mjs runs run.mjs): a queue folder
// filled with a fixed mix of GA4 hits is consumed by a worker exactly as `cairn worker` does;
// the clock is then moved past every timeout and the worker drains into CSV files. A build is
// the set of modules `openBuild` imports from one checkout's dist/ (this one's, or the one
// CAIRN_BENCH_BUILD names).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const START = Date.parse('2025-06-02T10:00:00Z');

/** What a run needs of a build, imported with `load` (a path under the build's dist/). */
export async function openBuild(load) {
  const { FilesystemPublisher, queueDepth } = await load('src/queue/filesystem/index.js');
  const { headersFromRecord } = await load('src/receiver/headers.js');
  return {
    loadSettings: (await load('src/settings/load.js')).loadSettings,
    Worker: (await load('src/worker/worker.js')).Worker,
    CountingDriver: (await load('src/warehouse/counting-driver.js')).CountingDriver,
    FilesystemPublisher,
    queueDepth,
    createConsumer: (await load('src/queue/assemble.js')).createConsumer,
    createHitsTask: (await load('src/queue/hits-task.js')).createHitsTask,
    Ga4Protocol: (await load('protocols/ga4/protocol.js')).Ga4Protocol,
    PropertyRegistry: (await load('src/settings/property-registry.js')).PropertyRegistry,
    DerivedHitIds: (await load('src/hits/hit-ids.js')).DerivedHitIds,
    ProtoSessionEngine: (await load('src/protosessions/index.js')).ProtoSessionEngine,
    silentLogger: (await load('src/monitoring/logger.js')).silentLogger,
    headers: headersFromRecord(HEADER_RECORD),
  };
}

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
const HEADER_RECORD = {
  Host: 'collect.shop.example',
  'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'Accept-Language': 'en-GB,en;q=0.9',
};

export function buildHits(build, count, visitOf, hitTime, idSeed = 'bench') {
  const { Ga4Protocol, PropertyRegistry, DerivedHitIds } = build;
  const protocol = new Ga4Protocol();
  const context = { properties: new PropertyRegistry([{ id: 'default', isDefault: true, measurementIds: [], protocol: 'ga4' }]), ids: new DerivedHitIds(idSeed) };
  const hits = [];
  for (let i = 0; i < count; i++) {
    const visit = visitOf(i);
    const [en, extra] = VISIT[i % VISIT.length];
    const rawQuery = `v=2&tid=G-BENCH&cid=${visit}.1750000000&sid=1750000000&sct=1&seg=1&en=${en}${extra}`;
    const [hit] = protocol.hits(
      { method: 'POST', path: '/g/collect', rawQuery, body: Buffer.alloc(0), headers: build.headers, ip: `10.${(visit >> 16) & 255}.${(visit >> 8) & 255}.${visit & 255}`, host: 'collect.shop.example', serverReceivedTime: hitTime(i), key: String(i) },
      context,
    );
    hit.metadata.protocol = 'ga4';
    hits.push(hit);
  }
  return hits;
}

export function settingsFor(build, work) {
  writeFileSync(
    join(work, 'config.yaml'),
    [
      `storage: {bolt_directory: ${join(work, 'state')}, queue_directory: ${join(work, 'queue')}, spool_directory: ${join(work, 'spool')}}`,
      `warehouse: {driver: files, table: events, files: {storage: filesystem, format: csv, filesystem: {path: ${join(work, 'out')}}}}`,
      '',
    ].join('\n'),
  );
  return build.loadSettings({ args: ['-c', join(work, 'config.yaml')], env: {}, cwd: work }).settings;
}

/** Fills the queue folder with `count` hits in time order, as tasks of 5,000; the latest hit time. */
async function publishHits(build, settings, count, visitOf, hitTime, idSeed) {
  const { FilesystemPublisher, createHitsTask } = build;
  const hits = buildHits(build, count, visitOf, hitTime, idSeed);
  hits.sort((a, b) => a.request.serverReceivedTime - b.request.serverReceivedTime);
  const publisher = new FilesystemPublisher(settings.storage.queueDirectory);
  for (let i = 0; i < hits.length; i += 5000) await publisher.publish(createHitsTask(hits.slice(i, i + 5000)));
  await publisher.close();
  return hits[hits.length - 1].request.serverReceivedTime;
}

/**
 * One timed run of `count` hits through a worker of `build`. `variant` 0 is the fixture the
 * figures in bench/README.md are taken with; any other variant has other visitors (client ids,
 * addresses, hit ids) `2 × variant` days earlier, so that nothing a module keeps of recent inputs
 * (stamps, URLs, texts) is found again by a later run in the same process.
 */
export async function throughput(build, count, variant = 0) {
  const { Worker, CountingDriver, queueDepth, createConsumer, silentLogger } = build;
  const work = mkdtempSync(join(tmpdir(), 'cairn-bench-pipeline-'));
  try {
    const settings = settingsFor(build, work);
    // 10 hits per visit, a visit every 50 ms of hit time, its hits 3 s apart.
    const visitBase = variant * (1 << 23);
    const start = START - variant * 2 * 86_400_000;
    // The fixture's hit objects are dropped before the clock starts: the worker reads the queue
    // folder, and hit objects held by the bench would only add to its garbage collector's work.
    const last = await publishHits(build, settings, count, (i) => visitBase + Math.floor(i / 10), (i) => start + Math.floor(i / 10) * 50 + (i % 10) * 3000, variant === 0 ? 'bench' : `bench-${variant}`);
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

