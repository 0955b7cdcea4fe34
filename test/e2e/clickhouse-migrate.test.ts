/** `cairn migrate` as a real process against ClickHouse (chdb behind the HTTP adapter). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChdbHttpAdapter } from '../support/chdb-http.js';
import { freePort, runCli } from '../support/cli.js';
import { storageUnder } from '../support/config.js';

let adapter: ChdbHttpAdapter;
let work: string;
let databases = 0;

test.before(async () => {
  adapter = await ChdbHttpAdapter.start();
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-migrate-'));
});
test.after(async () => {
  await adapter.close();
  rmSync(work, { recursive: true, force: true });
});

async function freshDatabase(): Promise<string> {
  const name = `m${++databases}`;
  await adapter.exec(`CREATE DATABASE ${name}`);
  return name;
}

/** A config file for `database` with `extra` YAML lines appended. */
function config(database: string, extra: string[] = [], port = adapter.port): string {
  const file = join(work, `config-${database}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      storageUnder(work),
      `warehouse: {driver: clickhouse, table: events, clickhouse: {host: 127.0.0.1, port: "${port}", database: ${database}}}`,
      ...extra,
      '',
    ].join('\n'),
  );
  return file;
}

async function tables(database: string): Promise<string[]> {
  const rows = await adapter.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`);
  return rows.map((r) => r.name);
}

async function columnCount(database: string, table: string): Promise<number> {
  const [row] = await adapter.rows<{ n: string }>(`SELECT count() AS n FROM system.columns WHERE database = '${database}' AND table = '${table}'`);
  return Number(row?.n);
}

test('--dry-run prints the CREATE TABLE and changes nothing; migrate creates; a second run has nothing to do', async () => {
  const db = await freshDatabase();
  const file = config(db);
  const dry = await runCli(['migrate', '--config', file, '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^-- property default, table events: does not exist\nCREATE TABLE `m\d+`\.`events` \(\n {2}`id` String,\n {2}`name` LowCardinality\(String\),/);
  assert.match(dry.stdout, /\) ENGINE = MergeTree\(\)\nPARTITION BY toYYYYMM\(date_utc\)\nORDER BY \(property_id, date_utc, session_id\)\nSETTINGS non_replicated_deduplication_window = 10000;\n/);
  assert.equal(await tables(db), []);

  const run = await runCli(['migrate', '--config', file]);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, 'property default, table events: created with 253 columns\n');
  assert.is(await columnCount(db, 'events'), 253);

  const again = await runCli(['migrate', '--config', file]);
  assert.is(again.code, 0, again.stderr);
  assert.is(again.stdout, 'property default, table events: up to date\n');
  const dryAgain = await runCli(['migrate', '--config', file, '--dry-run']);
  assert.is(dryAgain.stdout, '-- property default, table events: up to date\n');
});

test('schema evolution: a new custom column is shown as ALTER TABLE, then added', async () => {
  const db = await freshDatabase();
  assert.is((await runCli(['migrate', '--config', config(db)])).code, 0);
  const wider = config(db, ['ga4: {params: [{name: plan}, {name: seats, type: int64}]}']);
  const dry = await runCli(['migrate', '--config', wider, '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  assert.is(
    dry.stdout,
    [
      '-- property default, table events: lacks 2 columns',
      `ALTER TABLE \`${db}\`.\`events\` ADD COLUMN \`params_plan\` String DEFAULT '';`,
      `ALTER TABLE \`${db}\`.\`events\` ADD COLUMN \`params_seats\` Int64 DEFAULT 0;`,
      '',
      '',
    ].join('\n'),
  );
  assert.is(await columnCount(db, 'events'), 253);
  const run = await runCli(['migrate', '--config', wider]);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, 'property default, table events: added 2 columns: params_plan, params_seats\n');
  assert.is(await columnCount(db, 'events'), 255);
});

test('several properties: each table once, a shared table planned with what earlier properties add', async () => {
  const db = await freshDatabase();
  const file = config(db, [
    'properties:',
    '  - {id: shop, measurement_ids: [G-SHOP]}',
    '  - {id: blog, measurement_ids: [G-BLOG], ga4: {params: [{name: author}]}}',
    '  - {id: forum, measurement_ids: ["7"], protocol: matomo, table: forum_events}',
  ]);
  const dry = await runCli(['migrate', '--config', file, '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  const headings = dry.stdout.split('\n').filter((l) => l.startsWith('-- '));
  assert.equal(headings, [
    '-- property shop, table events: does not exist',
    '-- property blog, table events: lacks 1 column',
    '-- property forum, table forum_events: does not exist',
  ]);
  assert.match(dry.stdout, /ADD COLUMN `params_author` String DEFAULT '';/);
  const run = await runCli(['migrate', '--config', file]);
  assert.is(run.code, 0, run.stderr);
  assert.is(
    run.stdout,
    [
      'property shop, table events: created with 253 columns',
      'property blog, table events: added 1 column: params_author',
      'property forum, table forum_events: created with 163 columns',
      '',
    ].join('\n'),
  );
  assert.equal(await tables(db), ['events', 'forum_events']);
});

test('a column of another type: exit 1, and the message names table, column, found and wanted types', async () => {
  const db = await freshDatabase();
  await adapter.exec(`CREATE TABLE ${db}.events (id UUID, session_id String) ENGINE = MergeTree ORDER BY tuple()`);
  const unsupported = await runCli(['migrate', '--config', config(db)]);
  assert.is(unsupported.code, 1);
  assert.match(unsupported.stderr, new RegExp(`cairn migrate: column id of table ${db}\\.events has ClickHouse type UUID`));
  await adapter.exec(`DROP TABLE ${db}.events`);
  await adapter.exec(`CREATE TABLE ${db}.events (id String, session_hit_number Float64) ENGINE = MergeTree ORDER BY tuple()`);
  const incompatible = await runCli(['migrate', '--config', config(db)]);
  assert.is(incompatible.code, 1);
  assert.match(incompatible.stderr, new RegExp(`column session_hit_number of table ${db}\\.events has type Float64 but Int64 is wanted`));
  const dry = await runCli(['migrate', '--config', config(db), '--dry-run']);
  assert.is(dry.code, 1);
  assert.match(dry.stderr, /has type Float64 but Int64 is wanted/);
});

test('exit codes: 2 for configuration, 1 when ClickHouse cannot be reached', async () => {
  const noDatabase = await runCli(['migrate', '--config', config('x'), '--warehouse-clickhouse-database=']);
  assert.is(noDatabase.code, 2);
  assert.match(noDatabase.stderr, /warehouse\.clickhouse\.database is required/);
  const stray = await runCli(['migrate', '--config', config('x'), 'extra.yaml']);
  assert.is(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument "extra\.yaml"/);
  const closed = await runCli(['migrate', '--config', config('x', [], await freePort())]);
  assert.is(closed.code, 1);
  assert.match(closed.stderr, /cairn migrate: creating table x\.events: connect ECONNREFUSED/);
});

test('other drivers: --dry-run describes the tables in words', async () => {
  const out = join(work, 'files-out');
  const file = join(work, 'files.yaml');
  writeFileSync(
    file,
    [
      `storage: {bolt_directory: ${join(work, 'fstate')}, queue_directory: ${join(work, 'fqueue')}, spool_directory: ${join(work, 'fspool')}}`,
      `warehouse: {driver: files, files: {storage: filesystem, filesystem: {path: ${out}}}}`,
      '',
    ].join('\n'),
  );
  const dry = await runCli(['migrate', '--config', file, '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^property default, table events: would be created with 253 columns:\n {2}id \(Utf8\)\n {2}name \(Utf8\)\n/);
  assert.match(dry.stdout, /\n {2}user_id \(Utf8, nullable\)\n/);
  const run = await runCli(['migrate', '--config', file]);
  assert.is(run.stdout, 'property default, table events: created with 253 columns\n');
});

test.run();
