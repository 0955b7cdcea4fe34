#!/usr/bin/env node
// Requests per second of `cairn receiver` on GA4 GET hits, next to an empty node:http server,
// measured in the same run with the same load. Both servers run side by side and are loaded in
// turn, round after round, so that a slow moment of a shared machine falls on both; the ratio
// reported is the median of the rounds' ratios. Prints a Markdown table for bench/README.md.
//
//   node bench/receiver/run.mjs [--duration 10] [--rounds 3] [--connections 50] [--pipelining 1]
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { helpFromHeader, median, numberArg, root } from '../common.mjs';

helpFromHeader(import.meta.url);

const here = dirname(fileURLToPath(import.meta.url));
const duration = numberArg('duration', 10, 1);
const connections = numberArg('connections', 50, 1);
const pipelining = numberArg('pipelining', 1, 1);
const rounds = numberArg('rounds', 3, 1);

// A fixed input: the page_view a gtag.js 2025 snippet sends, as a GET.
const PATH =
  '/g/collect?v=2&tid=G-BENCH00001&gtm=45je5580h2v9219555710za200&_p=1758117262938&gcs=G111&gcd=13l3l3l3l1l1' +
  '&npa=0&dma=0&cid=1369988567.1756151735&ul=en-us&sr=1920x1080&uaa=x86&uab=64&uafvl=Chromium%3B140.0.7339.127' +
  '&_s=1&sid=1758117187&sct=4&seg=1&dl=https%3A%2F%2Fshop.example%2Fproducts%2Fmug&dr=https%3A%2F%2Fwww.google.com%2F' +
  '&dt=Mug%20%E2%80%93%20Shop&en=page_view&_et=1201&tfd=6137';
const HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'accept-language': 'en-US,en;q=0.9',
  origin: 'https://shop.example',
};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      await r.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

function load(port) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}${PATH}`, method: 'GET', headers: HEADERS, connections, pipelining, duration },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Starts a server process and waits until it answers. */
async function start(args) {
  const port = await freePort();
  const child = spawn(process.execPath, args(port), { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port);
  return { port, child };
}

async function stop({ child }) {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

function figures(r) {
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, bad: r.non2xx + r.errors };
}

const work = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
const servers = [];
try {
  const config = join(work, 'config.yaml');
  writeFileSync(config, `storage:\n  queue_directory: ${join(work, 'queue')}\n${process.env.BENCH_EXTRA ?? ''}`);
  const empty = await start((port) => [join(here, 'empty-server.mjs'), String(port)]);
  servers.push(empty);
  const cairn = await start((port) => [join(root, 'bin', 'cairn.js'), 'receiver', '--config', config, '--server-host', '127.0.0.1', '--server-port', String(port)]);
  servers.push(cairn);
  // Warm-up: JIT and connection setup.
  await load(empty.port).catch(() => undefined);
  await load(cairn.port).catch(() => undefined);
  const results = [];
  for (let i = 0; i < rounds; i++) {
    const e = figures(await load(empty.port));
    const c = figures(await load(cairn.port));
    results.push({ round: i + 1, empty: e, cairn: c, ratio: c.rps / e.rps });
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nGA4 GET page_view, ${connections} connections, pipelining ${pipelining}, ${rounds} rounds of ${duration} s per server after a ${duration} s warm-up; ${cpus().length} × ${cpu}, Node ${process.version}\n`);
  console.log('| round | empty node:http req/s | cairn receiver req/s | cairn p50 ms | cairn p99 ms | non-2xx or errors | ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.round} | ${r.empty.rps.toFixed(0)} | ${r.cairn.rps.toFixed(0)} | ${r.cairn.p50} | ${r.cairn.p99} | ${r.empty.bad + r.cairn.bad} | ${r.ratio.toFixed(2)} |`);
  }
  console.log(`\nratio cairn / empty = ${median(results.map((r) => r.ratio)).toFixed(2)} (median of ${rounds} rounds; budget ≥ 0.6)`);
} finally {
  for (const s of servers) await stop(s);
  rmSync(work, { recursive: true, force: true });
}
