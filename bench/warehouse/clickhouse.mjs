#!/usr/bin/env node
// Rows per second into ClickHouse through Cairn's ClickHouse driver: the real @clickhouse/client
// over HTTP into chdb (embedded ClickHouse) behind the test adapter, on the GA4 events table
// (252 columns) with a fixed set of realistic rows (test/warehouse/clickhouse-rows.ts, seed 42).
//
// Three figures from the same rows, so the end-to-end rate can be read against its parts:
//   end to end   driver.write in batches: encode, JSON, gzip, HTTP, adapter, chdb parse + store
//   driver only  the same writes with a connection that serialises the insert body and drops it
//   engine only  the same NDJSON handed to chdb directly (no driver, no HTTP)
//
//   npm run build && node bench/warehouse/clickhouse.mjs [--rows 100000] [--batch 5000]
import { cpus } from 'node:os';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { helpFromHeader, load, numberArg, root } from '../common.mjs';

helpFromHeader(import.meta.url);

const { loadSettings } = await load('src/settings/load.js');
const { buildPropertySchemas } = await load('columns/column-sets.js');
const { createClickHouseDriver, ClickHouseDriver, createTableStatement, DEFAULT_DEDUPLICATION_WINDOW } = await load('src/warehouse/clickhouse/index.js');
const { ensureTables } = await load('src/warehouse/schema-diff.js');
const { silentLogger } = await load('src/monitoring/logger.js');
const { ChdbHttpAdapter } = await load('test/support/chdb-http.js');
const { ga4Rows } = await load('test/warehouse/clickhouse-rows.js');

const total = numberArg('rows', 100_000, 1);
const batch = numberArg('batch', 5_000, 1);

const adapter = await ChdbHttpAdapter.start();
await adapter.exec('CREATE DATABASE bench');
const settingsArgs = ['--warehouse-driver', 'clickhouse', '--warehouse-clickhouse-host', '127.0.0.1', '--warehouse-clickhouse-port', String(adapter.port), '--warehouse-clickhouse-database', 'bench'];
const { settings } = loadSettings({ args: settingsArgs, env: {}, cwd: root });
const schema = buildPropertySchemas(settings.properties).forProperty(settings.properties[0].id).tables[0].schema;

const madeAt = performance.now();
const rows = ga4Rows(schema, total);
const makeMs = performance.now() - madeAt;
const batches = [];
for (let i = 0; i < rows.length; i += batch) batches.push(rows.slice(i, i + batch));

// ---- end to end ---------------------------------------------------------------------------------
const driver = createClickHouseDriver(settings, silentLogger);
await ensureTables(driver, [{ name: 'events', schema }]);
await driver.write('events', schema, batches[0].slice(0, 10), { batchId: 'warm-up' }); // connection and plan
await adapter.exec('TRUNCATE TABLE bench.events');
const e2eStart = performance.now();
for (const [i, b] of batches.entries()) await driver.write('events', schema, b, { batchId: `bench-${i}` });
const e2eMs = performance.now() - e2eStart;
const [{ n: stored }] = await adapter.rows('SELECT count() AS n FROM bench.events');
if (Number(stored) !== total) throw new Error(`expected ${total} rows, found ${stored}`);
await driver.close();

// ---- driver only: same encoding and insert body, nothing sent -----------------------------------
const gzipAsync = promisify(gzip);
let bodyBytes = 0;
let gzipBytes = 0;
const sink = {
  command: async () => undefined,
  select: async (sql) => (sql.includes('system.columns') ? adapter.rows(`SELECT name, type, default_kind FROM system.columns WHERE database = 'bench' AND table = 'events' ORDER BY position`) : []),
  insert: async ({ rows: encoded }) => {
    const body = encoded.map((r) => `${JSON.stringify(r)}\n`).join('');
    bodyBytes += Buffer.byteLength(body);
    gzipBytes += (await gzipAsync(body, { level: 1 })).length;
  },
  close: async () => undefined,
};
const dry = new ClickHouseDriver({ connection: sink, database: 'bench', orderBy: [], partitionBy: '' });
await dry.write('events', schema, batches[0].slice(0, 10));
bodyBytes = 0;
gzipBytes = 0;
const driverStart = performance.now();
for (const b of batches) await dry.write('events', schema, b);
const driverMs = performance.now() - driverStart;

// ---- engine only: the NDJSON straight into chdb --------------------------------------------------
await adapter.exec(
  createTableStatement('bench', 'direct', schema, {
    orderBy: ['property_id', 'date_utc', 'session_id'],
    partitionBy: 'toYYYYMM(date_utc)',
    deduplicationWindow: DEFAULT_DEDUPLICATION_WINDOW,
  }),
);
const bodies = [];
const capture = { ...sink, insert: async ({ rows: encoded }) => bodies.push(encoded.map((r) => JSON.stringify(r)).join('\n')) };
const capturing = new ClickHouseDriver({ connection: capture, database: 'bench', orderBy: [], partitionBy: '' });
for (const b of batches) await capturing.write('events', schema, b);
const engineStart = performance.now();
for (const body of bodies) await adapter.exec(`INSERT INTO bench.direct FORMAT JSONEachRow\n${body}`);
const engineMs = performance.now() - engineStart;
await adapter.close();

const rate = (ms) => Math.round(total / (ms / 1000)).toLocaleString('en-US');
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# ClickHouse driver: ${total.toLocaleString('en-US')} GA4 rows (${schema.fields.length} columns) in batches of ${batch.toLocaleString('en-US')}`);
console.log(`${cpus().length} × ${cpu}, Node ${process.version}, chdb engine ${adapter.version}; rows made in ${Math.round(makeMs)} ms (not counted)`);
console.log('');
console.log('| path | time | rows/s |');
console.log('|---|---:|---:|');
console.log(`| end to end (driver → HTTP → chdb) | ${Math.round(e2eMs)} ms | ${rate(e2eMs)} |`);
console.log(`| driver only (encode, JSON, gzip; not sent) | ${Math.round(driverMs)} ms | ${rate(driverMs)} |`);
console.log(`| engine only (same NDJSON into chdb) | ${Math.round(engineMs)} ms | ${rate(engineMs)} |`);
console.log('');
console.log(`insert body: ${Math.round(bodyBytes / total)} bytes per row as JSON, ${Math.round(gzipBytes / total)} gzipped (level 1)`);
