import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, startCli, waitForHealthy, type CliProcess } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { send } from '../support/http.js';
import { csvFilesWarehouse, writeQuickServerConfig } from '../support/config.js';

let work: string;
let proc: CliProcess | undefined;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-metrics-'));
});
test.after.each(async () => {
  if (proc !== undefined && proc.child.exitCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  proc = undefined;
  rmSync(work, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (-?(?:\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|\\+Inf|-Inf|NaN))(?: -?\\d+)?$`);

/**
 * Parses the Prometheus text exposition format (version 0.0.4) strictly: every line is a
 * HELP, TYPE or other comment, or a sample of the family last declared, with valid names,
 * escaped label values and a number.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: { name: string; family: Family } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      assert.ok(new RegExp(`^${NAME}$`).test(help[1]!), `metric name ${help[1]}`);
      current = { name: help[1]!, family: { type: '', help: help[2]!, samples: [] } };
      assert.not.ok(families.has(help[1]!), `${help[1]} declared twice`);
      families.set(help[1]!, current.family);
      continue;
    }
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      assert.is(type[1], current?.name, `TYPE of ${type[1]} follows its HELP`);
      current!.family.type = type[2]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a valid sample line: ${line}`);
    const [, name, labelText, value] = m!;
    assert.ok(current !== undefined && name!.startsWith(current.name), `${name} belongs to the family declared before it`);
    const labels: Record<string, string> = {};
    for (const lm of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    current!.family.samples.push({ name: name!, labels, value: Number(value) });
  }
  return families;
}

/** Sum of the samples called `name` (a family name, or a histogram's `_count` / `_sum` / `_bucket`) with these labels. */
function sum(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const samples = [...families.values()].flatMap((f) => f.samples).filter((s) => s.name === name);
  assert.ok(samples.length > 0, `${name} is exported`);
  return samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}

test('cairn server serves Prometheus text on the monitoring port, with the receiver, queue, worker and warehouse metrics', async () => {
  const port = await freePort();
  const monitoringPort = await freePort();
  const out = join(work, 'out');
  writeQuickServerConfig(work, port, [`monitoring: {port: ${monitoringPort}}`, csvFilesWarehouse(out, '1s')]);
  proc = startCli(['server', '--config', join(work, 'config.yaml')], { cwd: work });
  await waitForHealthy(port, proc);

  const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0' };
  const base = '/g/collect?v=2&tid=G-1&cid=5.5&_dtn=cairn-web&_dtv=1.2.0&dl=https%3A%2F%2Fshop.example%2F';
  for (const en of ['page_view', 'scroll', 'click']) assert.is((await send(port, 'GET', `${base}&en=${en}`, { headers: browser })).status, 204);
  const crawler = { 'User-Agent': 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'X-Forwarded-For': '203.0.113.9' };
  assert.is((await send(port, 'GET', '/g/collect?v=2&tid=G-1&cid=6.6&en=page_view&dl=https%3A%2F%2Fshop.example%2F', { headers: crawler })).status, 204);
  for (let i = 0; i < 5; i++) assert.is((await send(port, 'GET', '/g/collect?v=2&tid=G-1&en=page_view', { headers: browser })).status, 400);

  await waitFor('three rows in the CSV', () => (readCsvRows(out).length >= 3 ? true : undefined), 30_000);
  const families = await waitFor(
    'the written rows in the metrics',
    async () => {
      const r = await fetch(`http://127.0.0.1:${monitoringPort}/metrics`);
      assert.is(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      const f = parseExposition(await r.text());
      return f.has('warehouse_rows_written_total') && sum(f, 'warehouse_rows_written_total') >= 3 ? f : undefined;
    },
    15_000,
  );

  assert.is(families.get('receiver_requests_total')?.type, 'counter');
  assert.is(sum(families, 'receiver_requests_total', { status_group: '4xx' }), 5);
  assert.ok(sum(families, 'receiver_requests_total', { status_group: '2xx' }) >= 4, 'tracking requests and health checks');
  assert.is(sum(families, 'receiver_requests_rejected_total', { reason: 'protocol' }), 5);
  assert.is(sum(families, 'receiver_hits_total', { tracking_library: 'cairn-web@1.2.0' }), 3);
  assert.is(sum(families, 'receiver_hits_total', { tracking_library: 'unknown' }), 1);

  const latency = families.get('receiver_request_latency');
  assert.is(latency?.type, 'histogram');
  const buckets = latency!.samples.filter((s) => s.name === 'receiver_request_latency_bucket');
  const counts = buckets.map((s) => s.value);
  assert.equal(counts, [...counts].sort((a, b) => a - b), 'cumulative buckets never decrease');
  assert.is(buckets[buckets.length - 1]?.labels['le'], '+Inf');
  assert.is(buckets[buckets.length - 1]?.value, sum(families, 'receiver_request_latency_count'));
  assert.is(buckets.length, 14, 'the reference millisecond bucket set plus +Inf');

  assert.ok(sum(families, 'worker_publisher_tasks_published_total', { task_type: 'process-hits' }) >= 1);
  assert.ok(sum(families, 'worker_publisher_bytes_published_total') > 0);
  assert.ok(sum(families, 'worker_consumer_tasks_total', { outcome: 'done' }) >= 1);
  assert.is(families.get('queue_depth')?.type, 'gauge');
  assert.is(sum(families, 'queue_dead_letters'), 0);
  assert.ok(families.has('protosessions_open'));
  assert.is(sum(families, 'protosessions_hits_received_total'), 4);
  assert.is(sum(families, 'worker_events_filtered_total', { reason: 'known_bot', action: 'excluded' }), 1);
  assert.is(sum(families, 'warehouse_rows_written_total', { driver: 'files', table: 'events' }), 3);
  assert.ok(sum(families, 'warehouse_write_latency_count', { driver: 'files' }) >= 1);

  const rejectionLines = proc.stderr().split('\n').filter((l) => l.includes('"request rejected"'));
  assert.is(rejectionLines.length, 1, 'five rejections of one reason, one log line');

  proc.child.kill('SIGTERM');
  assert.is((await proc.exited).code, 0, proc.stderr().slice(-2000));
});

test.run();
