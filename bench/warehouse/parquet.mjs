#!/usr/bin/env node
// Rows per second into Parquet files, on the real modules (one process, one core):
//
//   format: N rows of the GA4 events table (the full catalogue, ~250 columns; fixed rows from
//   test/warehouse/clickhouse-rows.ts, seed 42) go through ParquetFormat exactly as the files
//   driver feeds it (positional values, one call per spool frame of F rows) into a sink that
//   only counts bytes. Measured once per compression.
//
//   driver: the same rows through the whole files driver: `write` (CBOR frame, fsync into the
//   spool), then `close` (seal, read back, decode, Parquet, upload into a local folder).
//   rows/s = N / (time from the first write to the closed driver).
//
//   Each measurement runs --runs times; the best and the median run are printed (the best is
//   the least disturbed by other work on the machine).
//
//   node bench/warehouse/parquet.mjs [--rows 50000] [--frame 500] [--runs 3]
// Needs `npm run build` first.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { helpFromHeader, load, numberArg } from '../common.mjs';

helpFromHeader(import.meta.url);

const { ParquetFormat } = await load('src/warehouse/files/parquet-format.js');
const { createFilesDriver } = await load('src/warehouse/files/index.js');
const { loadSettings } = await load('src/settings/load.js');
const { silentLogger } = await load('src/monitoring/logger.js');
const { buildPropertySchemas } = await load('columns/column-sets.js');
const { testProperty } = await load('test/support/properties.js');
const { ga4Rows } = await load('test/warehouse/clickhouse-rows.js');
const { listFiles } = await load('test/warehouse/helpers.js');

const ROWS = numberArg('rows', 50_000, 1);
const FRAME = numberArg('frame', 500, 1);
const RUNS = numberArg('runs', 3, 1);

const schema = buildPropertySchemas([testProperty()]).forProperty('default').tables[0].schema;
const rows = ga4Rows(schema, ROWS);
const names = schema.fields.map((f) => f.name);
const positional = rows.map((r) => names.map((n) => (Object.hasOwn(r, n) ? r[n] : null)));

async function formatOnly(compression) {
  let bytes = 0;
  const sink = { write: async (c) => void (bytes += c.byteLength), end: async () => undefined };
  // Warm-up: compiles the WebAssembly module and the hot paths.
  const warm = new ParquetFormat({ compression }).open(schema, sink);
  await warm.writeValues(names, positional.slice(0, 2000));
  await warm.close();
  bytes = 0;
  const started = process.hrtime.bigint();
  const writer = new ParquetFormat({ compression }).open(schema, sink);
  for (let i = 0; i < positional.length; i += FRAME) await writer.writeValues(names, positional.slice(i, i + FRAME));
  await writer.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rowsPerSecond: Math.round(ROWS / seconds), seconds, bytes };
}

async function throughDriver(compression) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-parquet-'));
  try {
    const args = [
      '--warehouse-driver', 'files',
      '--warehouse-files-storage', 'filesystem',
      '--warehouse-files-filesystem-path', join(dir, 'out'),
      '--warehouse-files-format', 'parquet',
      '--warehouse-files-compression', compression,
      '--storage-spool-directory', join(dir, 'spool'),
    ];
    const settings = loadSettings({ args, env: {}, cwd: dir }).settings;
    const driver = await createFilesDriver(settings, silentLogger);
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += FRAME) await driver.write('events', schema, rows.slice(i, i + FRAME));
    await driver.close();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const files = listFiles(join(dir, 'out'));
    const bytes = files.reduce((n, f) => n + statSync(join(dir, 'out', f)).size, 0);
    return { rowsPerSecond: Math.round(ROWS / seconds), seconds, bytes, files: files.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best and median of RUNS runs of `measure`. */
async function repeated(measure) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure());
  runs.sort((a, b) => b.rowsPerSecond - a.rowsPerSecond);
  return { best: runs[0], median: runs[Math.floor(runs.length / 2)] };
}

console.log(`Parquet bench: ${ROWS} GA4 rows × ${schema.fields.length} columns, frames of ${FRAME} rows, best / median of ${RUNS}, node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}`);
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const line = (what, compression, r, extra = '') =>
  console.log(`${what.padEnd(7)} ${compression.padEnd(6)} ${String(r.best.rowsPerSecond).padStart(7)} / ${String(r.median.rowsPerSecond).padStart(7)} rows/s  ${mb(r.best.bytes)}${extra}`);
for (const compression of ['none', 'snappy', 'gzip', 'zstd']) line('format', compression, await repeated(() => formatOnly(compression)));
for (const compression of ['snappy', 'zstd']) line('driver', compression, await repeated(() => throughDriver(compression)));
