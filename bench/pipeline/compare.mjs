#!/usr/bin/env node
// Two builds of the worker timed the same way, in alternating runs, so that the shared
// machine's drift falls on both: this checkout's build and the build of another checkout (the
// commit a change started from, say, checked out elsewhere and built with `npm run build`).
//
// Each run is a fresh process of bench/pipeline/run.mjs (this checkout's script, so both builds
// meet the same fixture) with --phases; the order alternates from round to round. Printed: the
// medians of each build, and the median of the per-round ratios (this build / the base): single
// runs on a shared machine move by a quarter, pairs taken side by side much less.
//
//   node bench/pipeline/compare.mjs --base <checkout> [--runs 8] [--hits 50000]
//
// Exit codes: 0 done, 1 a run failed, 2 bad arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpFromHeader, median, numberArg, root } from '../common.mjs';

helpFromHeader(import.meta.url);

const baseAt = process.argv.indexOf('--base');
const base = baseAt === -1 ? undefined : process.argv[baseAt + 1];
const RUNS = numberArg('runs', 8, 1);
const HITS = numberArg('hits', 50_000, 10);
if (base === undefined || !existsSync(join(resolve(base), 'dist'))) {
  console.error('--base must name a checkout with a build (dist/); see --help');
  process.exit(2);
}

const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
const builds = { base: resolve(base), this: root };

function runOnce(build) {
  const out = spawnSync(process.execPath, [script, '--hits', String(HITS), '--open', '0', '--json'], {
    env: { ...process.env, CAIRN_BENCH_BUILD: builds[build] },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (out.status !== 0) {
    console.error(`a run of the ${build} build failed (exit ${out.status}):\n${out.stderr}`);
    process.exit(1);
  }
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const results = { base: [], this: [] };
const total = 2 * RUNS;
for (let round = 0; round < RUNS; round++) {
  const order = round % 2 === 0 ? ['base', 'this'] : ['this', 'base'];
  for (const build of order) {
    const done = results.base.length + results.this.length;
    process.stderr.write(`\r[${'#'.repeat(done).padEnd(total, '.')}] run ${done + 1}/${total} (${build})  `);
    results[build].push(runOnce(build));
  }
}
process.stderr.write(`\r[${'#'.repeat(total)}] ${total} runs${' '.repeat(12)}\n`);

const figures = [
  ['hits/s', (r) => r.rate, 0],
  ['intake s', (r) => r.phases.intake, 3],
  ['closing s', (r) => r.phases.closing, 3],
  ['drain s', (r) => r.phases.drain, 3],
  ['whole s', (r) => r.seconds, 3],
  ['process CPU s', (r) => r.phases.cpu, 2],
];
console.log(`\n${HITS} hits per run, ${RUNS} rounds; medians, and the median of the per-round ratios\n`);
console.log(`| build | ${figures.map(([name]) => name).join(' | ')} |`);
console.log(`|---|${figures.map(() => '---:').join('|')}|`);
for (const build of ['base', 'this']) {
  console.log(`| ${build} | ${figures.map(([, pick, digits]) => median(results[build].map(pick)).toFixed(digits)).join(' | ')} |`);
}
const ratios = figures.map(([, pick]) => median(results.this.map((r, i) => pick(r) / pick(results.base[i]))));
console.log(`| this / base | ${ratios.map((r) => r.toFixed(3)).join(' | ')} |`);
