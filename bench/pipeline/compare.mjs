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
// With --in-process both builds are loaded into this one process and run in turn, each run
// with visitors of its own (throughput.mjs); the first --warmup-rounds rounds (1 by default)
// are not counted. That times a worker whose code is compiled, as one that has been running
// for a while, and a pair's two runs follow each other within seconds, so the ratios scatter
// much less than those of fresh processes.
//
//   node bench/pipeline/compare.mjs --base <checkout> [--runs 8] [--hits 50000] [--in-process [--warmup-rounds 1]]
//
// Exit codes: 0 done, 1 a run failed, 2 bad arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { helpFromHeader, median, numberArg, root } from '../common.mjs';
import { openBuild, throughput } from './throughput.mjs';

helpFromHeader(import.meta.url);

const baseAt = process.argv.indexOf('--base');
const base = baseAt === -1 ? undefined : process.argv[baseAt + 1];
const RUNS = numberArg('runs', 8);
const HITS = numberArg('hits', 50_000);
const IN_PROCESS = process.argv.includes('--in-process');
const WARMUP_ROUNDS = IN_PROCESS ? numberArg('warmup-rounds', 1) : 0;
if (base === undefined || !existsSync(join(resolve(base), 'dist'))) {
  console.error('--base must name a checkout with a build (dist/); see --help');
  process.exit(2);
}
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(HITS) || HITS < 10 || !Number.isInteger(WARMUP_ROUNDS) || WARMUP_ROUNDS < 0) {
  console.error('--runs must be a positive integer, --hits an integer of at least 10 and --warmup-rounds a whole number');
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

// In this process: each build's modules, imported from its dist/.
const loaded = IN_PROCESS ? { base: await openBuild(buildLoader(builds.base)), this: await openBuild(buildLoader(builds.this)) } : undefined;

function buildLoader(checkout) {
  return (path) => import(pathToFileURL(join(checkout, 'dist', path)).href);
}

async function runInProcess(build, variant) {
  try {
    return await throughput(loaded[build], HITS, variant);
  } catch (err) {
    console.error(`a run of the ${build} build failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  }
}

const results = { base: [], this: [] };
const rounds = WARMUP_ROUNDS + RUNS;
const total = 2 * rounds;
let done = 0;
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['base', 'this'] : ['this', 'base'];
  for (const build of order) {
    const label = round < WARMUP_ROUNDS ? `${build}, warm-up` : build;
    process.stderr.write(`\r[${'#'.repeat(done).padEnd(total, '.')}] run ${done + 1}/${total} (${label})  `);
    // In-process runs take visitors of their own (variant 1 and up); fresh processes all take the fixture.
    const result = IN_PROCESS ? await runInProcess(build, 1 + done) : runOnce(build);
    if (round >= WARMUP_ROUNDS) results[build].push(result);
    done++;
  }
}
process.stderr.write(`\r[${'#'.repeat(total)}] ${total} runs${' '.repeat(20)}\n`);

const figures = [
  ['hits/s', (r) => r.rate, 0],
  ['intake s', (r) => r.phases.intake, 3],
  ['closing s', (r) => r.phases.closing, 3],
  ['drain s', (r) => r.phases.drain, 3],
  ['whole s', (r) => r.seconds, 3],
  ['process CPU s', (r) => r.phases.cpu, 2],
];
const how = IN_PROCESS ? `in one process, after ${WARMUP_ROUNDS} warm-up round${WARMUP_ROUNDS === 1 ? '' : 's'}` : 'a fresh process per run';
console.log(`\n${HITS} hits per run, ${RUNS} rounds (${how}); medians, and the median of the per-round ratios\n`);
console.log(`| build | ${figures.map(([name]) => name).join(' | ')} |`);
console.log(`|---|${figures.map(() => '---:').join('|')}|`);
for (const build of ['base', 'this']) {
  console.log(`| ${build} | ${figures.map(([, pick, digits]) => median(results[build].map(pick)).toFixed(digits)).join(' | ')} |`);
}
const ratios = figures.map(([, pick]) => median(results.this.map((r, i) => pick(r) / pick(results.base[i]))));
console.log(`| this / base | ${ratios.map((r) => r.toFixed(3)).join(' | ')} |`);
