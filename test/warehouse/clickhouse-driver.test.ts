/**
 * The ClickHouse driver through the real `@clickhouse/client` against a real ClickHouse engine
 * (chdb behind the HTTP adapter of test/support/chdb-http.ts).
 */
import { Bool, DateDay, Field, Float32, Float64, Int32, Int64, List, Schema, Struct, TimestampSecond, Utf8, type DataType } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { loadSettings } from '../../src/settings/load.js';
import type { Logger } from '../../src/monitoring/logger.js';
import { ClickHouseDriver, ClickHouseRequestError, ClickHouseWriteError, createClickHouseDriver, UnsupportedColumnTypeError } from '../../src/warehouse/clickhouse/index.js';
import type { Row } from '../../src/warehouse/driver.js';
import { ColumnAlreadyExistsError, MultipleTypeIncompatibleError, TableAlreadyExistsError, TableNotFoundError } from '../../src/warehouse/errors.js';
import { createDriver } from '../../src/warehouse/registry.js';
import { ensureTables } from '../../src/warehouse/schema-diff.js';
import { ChdbHttpAdapter } from '../support/chdb-http.js';
import { testProperty } from '../support/properties.js';
import { expectedReadBack, ga4Rows } from './clickhouse-rows.js';
import { recordingLogger } from './helpers.js';
import { rejection } from '../support/rejection.js';

let adapter: ChdbHttpAdapter;
let databases = 0;

test.before(async () => {
  adapter = await ChdbHttpAdapter.start({ users: { default: '', cairn: 's3cret' } });
});
test.after(async () => {
  await adapter.close();
});

/** Each test works in a database of its own. */
async function freshDatabase(): Promise<string> {
  const name = `db${++databases}`;
  await adapter.exec(`CREATE DATABASE ${name}`);
  return name;
}

function settingsFor(database: string, extra: string[] = []): ReturnType<typeof loadSettings>['settings'] {
  const args = [
    '--warehouse-driver', 'clickhouse',
    '--warehouse-clickhouse-host', '127.0.0.1',
    '--warehouse-clickhouse-port', String(adapter.port),
    '--warehouse-clickhouse-database', database,
    '--warehouse-clickhouse-username', 'cairn',
    '--warehouse-clickhouse-password', 's3cret',
    ...extra,
  ];
  return loadSettings({ args, env: {}, cwd: process.cwd() }).settings;
}

/** Tables of the small test schemas have no date_utc to partition on. */
const SMALL_TABLES = ['--warehouse-clickhouse-order-by', 'id', '--warehouse-clickhouse-partition-by='];

function driverFor(database: string, logger: Logger = recordingLogger(), extra: string[] = []): ClickHouseDriver {
  return createClickHouseDriver(settingsFor(database, extra), logger);
}

const ga4Schema: Schema = (() => {
  const table = buildPropertySchemas([testProperty()]).forProperty('default').tables[0];
  if (table === undefined) throw new Error('no GA4 table');
  return table.schema;
})();

async function count(sql: string): Promise<number> {
  const [row] = await adapter.rows<{ n: string }>(sql);
  return Number(row?.n);
}

async function columnsOf(database: string, table: string): Promise<Map<string, { type: string; default_kind: string; compression_codec: string }>> {
  const rows = await adapter.rows<{ name: string; type: string; default_kind: string; compression_codec: string }>(
    `SELECT name, type, default_kind, compression_codec FROM system.columns WHERE database = '${database}' AND table = '${table}' ORDER BY position`,
  );
  return new Map(rows.map(({ name, type, default_kind, compression_codec }) => [name, { type, default_kind, compression_codec }]));
}

test('creates the GA4 events table with the d8a DDL, in schema order, and finds nothing missing afterwards', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db);
  const report = await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  assert.equal(report, [{ table: 'events', created: true, addedColumns: [] }]);
  const columns = await columnsOf(db, 'events');
  assert.equal([...columns.keys()], ga4Schema.fields.map((f) => f.name));
  assert.equal(columns.get('id'), { type: 'String', default_kind: '', compression_codec: '' });
  assert.equal(columns.get('name'), { type: 'LowCardinality(String)', default_kind: '', compression_codec: '' });
  assert.equal(columns.get('date_utc'), { type: 'Date32', default_kind: '', compression_codec: 'CODEC(Delta(4), LZ4)' });
  assert.is(columns.get('timestamp_utc')?.type, 'DateTime64(0)');
  assert.equal(columns.get('user_id'), { type: 'String', default_kind: 'DEFAULT', compression_codec: '' });
  assert.equal(columns.get('geo_country'), { type: 'LowCardinality(String)', default_kind: 'DEFAULT', compression_codec: '' });
  assert.is(columns.get('session_is_engaged')?.type, 'Bool');
  assert.is(columns.get('session_is_engaged')?.compression_codec, 'CODEC(T64, LZ4)');
  assert.is(columns.get('session_first_event_time')?.default_kind, 'DEFAULT');
  assert.match(columns.get('params')?.type ?? '', /^Nested\(name String, value_string String, value_number Float64\)$/);
  assert.match(columns.get('ecommerce_items')?.type ?? '', /^Nested\(item_id String, item_name String, .*creative_slot String\)$/);
  const [engine] = await adapter.rows<{ engine_full: string }>(`SELECT engine_full FROM system.tables WHERE database = '${db}' AND name = 'events'`);
  assert.match(engine?.engine_full ?? '', /^MergeTree PARTITION BY toYYYYMM\(date_utc\) ORDER BY \(property_id, date_utc, session_id\) SETTINGS non_replicated_deduplication_window = 10000/);
  // Compatible with itself: a second run does nothing.
  assert.equal(await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]), [{ table: 'events', created: false, addedColumns: [] }]);
  assert.instance(await rejection(driver.createTable('events', ga4Schema)), TableAlreadyExistsError);
  assert.match((await rejection(driver.createTable('events', ga4Schema))).message, new RegExp(`table ${db}\\.events already exists`));
  await driver.close();
});

const listOf = (type: DataType): List => new List(new Field('item', type, true));
const everyType = new Schema([
  new Field('id', new Utf8(), false),
  new Field('s', new Utf8(), true),
  new Field('lc', new Utf8(), true, new Map([['d8a.warehouse.clickhouse.low_cardinality', 'true']])),
  new Field('i64', new Int64(), true),
  new Field('i32', new Int32(), false),
  new Field('f64', new Float64(), true),
  new Field('f32', new Float32(), true),
  new Field('ts', new TimestampSecond('UTC'), true),
  new Field('b', new Bool(), true),
  new Field('d', new DateDay(), true),
  new Field('tags', listOf(new Utf8()), true),
  new Field('nums', listOf(new Int64()), true),
  new Field(
    'nested',
    listOf(new Struct([new Field('name', new Utf8(), true), new Field('n', new Int64(), true), new Field('x', new Float64(), true), new Field('ok', new Bool(), true), new Field('at', new TimestampSecond('UTC'), true), new Field('day', new DateDay(), true)])),
    true,
  ),
]);

test('every type of the mapping goes in and comes back: values, NULL as the column default, lists, Nested', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db, recordingLogger(), SMALL_TABLES);
  await ensureTables(driver, [{ name: 'types', schema: everyType }]);
  const types = [...(await columnsOf(db, 'types')).values()].map((c) => c.type);
  assert.equal(types, [
    'String', 'String', 'LowCardinality(String)', 'Int64', 'Int32', 'Float64', 'Float32', 'DateTime64(0)', 'Bool', 'Date32',
    'Array(String)', 'Array(Int64)', 'Nested(name String, n Int64, x Float64, ok Bool, at DateTime64(0), day Date32)',
  ]);
  const rows: Row[] = [
    {
      id: 'a', s: 'zażółć "gęślą" \\ jaźń 🦆\n\t', lc: 'low', i64: 2n ** 62n, i32: -2147483648, f64: 1.5e-300, f32: 0.25,
      ts: '2025-03-30T01:30:00Z', b: true, d: '1969-12-31', tags: ['x', '', 'ü'], nums: [1, -2n],
      nested: [{ name: 'n1', n: 7, x: 0.5, ok: true, at: 1743298200, day: '2025-03-30' }, { name: 'n2' }],
    },
    { id: 'b', s: null, lc: null, i64: null, i32: 0, f64: null, f32: null, ts: null, b: null, d: null, tags: null, nums: null, nested: null },
    { id: 'c', s: '', lc: '', i64: -1, i32: 2147483647, f64: NaN, f32: -Infinity, ts: 0, b: false, d: 0, tags: [], nums: [], nested: [] },
  ];
  await driver.write('types', everyType, rows, { batchId: 'types-1' });
  const back = await adapter.rows(`SELECT * FROM ${db}.types ORDER BY id SETTINGS session_timezone = 'UTC'`);
  assert.equal(back[0], {
    id: 'a', s: 'zażółć "gęślą" \\ jaźń 🦆\n\t', lc: 'low', i64: '4611686018427387904', i32: -2147483648, f64: 1.5e-300, f32: 0.25,
    ts: '2025-03-30 01:30:00', b: true, d: '1969-12-31', tags: ['x', '', 'ü'], nums: ['1', '-2'],
    nested: [
      { name: 'n1', n: '7', x: 0.5, ok: true, at: '2025-03-30 01:30:00', day: '2025-03-30' },
      { name: 'n2', n: '0', x: 0, ok: false, at: '1970-01-01 00:00:00', day: '1970-01-01' },
    ],
  });
  assert.equal(back[1], {
    id: 'b', s: '', lc: '', i64: '0', i32: 0, f64: 0, f32: 0, ts: '1970-01-01 00:00:00', b: false, d: '1970-01-01', tags: [], nums: [], nested: [],
  });
  const [special] = await adapter.rows<{ nan: number; inf: number; big: string }>(`SELECT isNaN(f64) AS nan, f32 < 0 AND isInfinite(f32) AS inf, toString(i32) AS big FROM ${db}.types WHERE id = 'c'`);
  assert.equal(special, { nan: 1, inf: 1, big: '2147483647' });
  await driver.close();
});

test('schema evolution: a missing column is listed, added with the CREATE TABLE definition, and adding it twice fails', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db);
  await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  const extra = [
    new Field('params_plan', new Utf8(), true, new Map([['d8a.warehouse.clickhouse.low_cardinality', 'true']])),
    new Field('params_seats', new Int64(), true),
    new Field('params_tags', listOf(new Utf8()), true),
  ];
  const wider = new Schema([...ga4Schema.fields, ...extra]);
  assert.equal((await driver.missingColumns('events', wider)).map((f) => f.name), ['params_plan', 'params_seats', 'params_tags']);
  assert.equal(await ensureTables(driver, [{ name: 'events', schema: wider }]), [{ table: 'events', created: false, addedColumns: ['params_plan', 'params_seats', 'params_tags'] }]);
  const columns = await columnsOf(db, 'events');
  assert.equal(columns.get('params_plan'), { type: 'LowCardinality(String)', default_kind: 'DEFAULT', compression_codec: '' });
  assert.is(columns.get('params_seats')?.type, 'Int64');
  assert.is(columns.get('params_tags')?.type, 'Array(String)');
  assert.equal(await driver.missingColumns('events', wider), []);
  const twice = await rejection(driver.addColumn('events', extra[0] as Field));
  assert.instance(twice, ColumnAlreadyExistsError);
  assert.match(twice.message, new RegExp(`column params_plan already exists in table ${db}\\.events`));
  assert.instance(await rejection(driver.addColumn('nope', extra[0] as Field)), TableNotFoundError);
  // Rows of the wider schema are written with the new columns.
  const rows = ga4Rows(wider, 3).map((r, i) => ({ ...r, params_plan: i === 0 ? 'pro' : null, params_seats: i, params_tags: ['a'] }));
  await driver.write('events', wider, rows, { batchId: 'wider' });
  assert.equal(await adapter.rows(`SELECT params_plan, params_seats, params_tags FROM ${db}.events ORDER BY id`), [
    { params_plan: 'pro', params_seats: '0', params_tags: ['a'] },
    { params_plan: '', params_seats: '1', params_tags: ['a'] },
    { params_plan: '', params_seats: '2', params_tags: ['a'] },
  ]);
  await driver.close();
});

test('10,000 GA4 rows in one batch come back value by value', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db);
  await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  const rows = ga4Rows(ga4Schema, 10_000);
  await driver.write('events', ga4Schema, rows, { batchId: 'ten-thousand' });
  const back = await adapter.rows<Record<string, unknown>>(`SELECT * FROM ${db}.events ORDER BY id SETTINGS session_timezone = 'UTC'`);
  assert.is(back.length, 10_000);
  let compared = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row;
    const expected = Object.fromEntries(ga4Schema.fields.map((f) => [f.name, expectedReadBack(f, row[f.name])]));
    assert.equal(back[i], expected, `row ${i}`);
    compared += ga4Schema.fields.length;
  }
  assert.is(compared, 10_000 * ga4Schema.fields.length);
  // The rows exercise what they should: purchases with items, NULLs, unicode.
  assert.ok(await count(`SELECT count() AS n FROM ${db}.events WHERE length(ecommerce_items) > 0`) > 100);
  assert.ok(await count(`SELECT count() AS n FROM ${db}.events WHERE user_id = ''`) > 5000);
  await driver.close();
});

test('a batch written twice with the same batch id is stored once; another id is another insert', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db);
  await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  const rows = ga4Rows(ga4Schema, 100, 7);
  await driver.write('events', ga4Schema, rows, { batchId: 'batch-1' });
  await driver.write('events', ga4Schema, rows, { batchId: 'batch-1' });
  assert.is(await count(`SELECT count() AS n FROM ${db}.events`), 100);
  await driver.write('events', ga4Schema, rows.slice(0, 10), { batchId: 'batch-2' });
  assert.is(await count(`SELECT count() AS n FROM ${db}.events`), 110);
  const tokens = adapter.executedInserts.filter((r) => r.statement.includes(`\`${db}\``)).map((r) => r.settings['insert_deduplication_token']);
  assert.equal(tokens, ['cairn:batch-1', 'cairn:batch-1', 'cairn:batch-2']);
  await driver.close();
});

test('an insert stored but not acknowledged is retried without a second copy', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db);
  await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  const rows = ga4Rows(ga4Schema, 50, 11);
  adapter.fault = 'lose-insert-answers';
  try {
    const lost = await rejection(driver.write('events', ga4Schema, rows, { batchId: 'lost-answer' }));
    assert.instance(lost, ClickHouseRequestError);
    assert.match(lost.message, new RegExp(`inserting 50 rows into ${db}\\.events`));
  } finally {
    adapter.fault = 'none';
  }
  assert.is(await count(`SELECT count() AS n FROM ${db}.events`), 50, 'the engine stored the first attempt');
  await driver.write('events', ga4Schema, rows, { batchId: 'lost-answer' });
  assert.is(await count(`SELECT count() AS n FROM ${db}.events`), 50);
  assert.is(await count(`SELECT count(DISTINCT id) AS n FROM ${db}.events`), 50);
  await driver.close();
});

test('an incompatible column stops the migration with an error naming table, column, wanted and found types', async () => {
  const db = await freshDatabase();
  await adapter.exec(`CREATE TABLE ${db}.events (id Int64, name LowCardinality(String), session_hit_number Int32 DEFAULT 0) ENGINE = MergeTree ORDER BY tuple()`);
  const driver = driverFor(db);
  const err = await rejection(ensureTables(driver, [{ name: 'events', schema: ga4Schema }]));
  assert.instance(err, MultipleTypeIncompatibleError);
  const multiple = err as MultipleTypeIncompatibleError;
  assert.equal(multiple.errors.map((e) => [e.table, e.column, e.existingType, e.expectedType]), [
    [`${db}.events`, 'id', 'Int64', 'String'],
    [`${db}.events`, 'session_hit_number', 'Int32', 'Int64'],
  ]);
  assert.match(err.message, new RegExp(`^table ${db}\\.events has 2 type incompatibilities:\\n`));
  assert.match(err.message, new RegExp(`column id of table ${db}\\.events has type Int64 but String is wanted`));
  assert.match(err.message, /column session_hit_number of table .* has type Int32 but Int64 is wanted \(session_hit_number: types differ - expected: Int32, actual: Int64\)/);
  // Nothing was added to a table Cairn cannot write.
  assert.is((await columnsOf(db, 'events')).size, 3);
  // A write is refused before anything is sent, naming the row and column.
  const write = await rejection(driver.write('events', ga4Schema, ga4Rows(ga4Schema, 1)));
  assert.instance(write, ClickHouseWriteError);
  await driver.close();
});

test('columns an operator added are left alone; a Nullable column Cairn writes is refused by name', async () => {
  const db = await freshDatabase();
  const logger = recordingLogger();
  const driver = driverFor(db, logger);
  await ensureTables(driver, [{ name: 'events', schema: ga4Schema }]);
  await adapter.exec(`ALTER TABLE ${db}.events ADD COLUMN inserted_at DateTime DEFAULT now(), ADD COLUMN note Nullable(String)`);
  assert.equal(await driver.missingColumns('events', ga4Schema), []);
  await driver.write('events', ga4Schema, ga4Rows(ga4Schema, 5), { batchId: 'with-extra' });
  assert.is(await count(`SELECT count() AS n FROM ${db}.events WHERE inserted_at > 0 AND note IS NULL`), 5);

  await adapter.exec(`CREATE TABLE ${db}.legacy (id String, user_id Nullable(String)) ENGINE = MergeTree ORDER BY id`);
  const schema = new Schema([new Field('id', new Utf8(), false), new Field('user_id', new Utf8(), true)]);
  const err = await rejection(driver.missingColumns('legacy', schema));
  assert.instance(err, UnsupportedColumnTypeError);
  assert.match(err.message, new RegExp(`column user_id of table ${db}\\.legacy has ClickHouse type Nullable\\(String\\)`));
  // That table was made without a deduplication window: said once, with the statement that fixes it.
  const warnings = logger.entries.filter((e) => e.level === 'warn' && e.msg.includes('deduplication window'));
  assert.is(warnings.length, 1);
  assert.match(String(warnings[0]?.fields?.['fix']), new RegExp(`ALTER TABLE \`${db}\`\\.\`legacy\` MODIFY SETTING non_replicated_deduplication_window = 10000`));
  await driver.close();
});

test('writes see a column added by someone else and name a column the table lacks', async () => {
  const db = await freshDatabase();
  const driver = driverFor(db, recordingLogger(), SMALL_TABLES);
  const base = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int64(), true)]);
  await ensureTables(driver, [{ name: 't', schema: base }]);
  await driver.write('t', base, [{ id: 'a', n: 1 }]);
  // Another Cairn (or an operator) migrates; this driver's cached columns are now old.
  await adapter.exec(`ALTER TABLE ${db}.t ADD COLUMN extra String DEFAULT ''`);
  const wider = new Schema([...base.fields, new Field('extra', new Utf8(), true)]);
  await driver.write('t', wider, [{ id: 'b', n: null, extra: 'x' }]);
  assert.equal(await adapter.rows(`SELECT id, n, extra FROM ${db}.t ORDER BY id`), [
    { id: 'a', n: '1', extra: '' },
    { id: 'b', n: '0', extra: 'x' },
  ]);
  const lacking = new Schema([...base.fields, new Field('absent', new Utf8(), true)]);
  const err = await rejection(driver.write('t', lacking, [{ id: 'c', n: 1, absent: 'y' }]));
  assert.instance(err, ClickHouseWriteError);
  assert.match(err.message, new RegExp(`table ${db}\\.t has no column absent; run \`cairn migrate\``));
  const missingValue = await rejection(driver.write('t', base, [{ id: 'c' }]));
  assert.match(missingValue.message, new RegExp(`row 0 for ${db}\\.t has no value for column n`));
  assert.instance(await rejection(driver.missingColumns('nope', base)), TableNotFoundError);
  assert.match((await rejection(driver.write('nope', base, [{ id: 'a', n: 1 }]))).message, new RegExp(`table ${db}\\.nope not found`));
  await driver.write('t', base, []); // an empty batch sends nothing
  await driver.close();
});

test('credentials: the configured user is used and a wrong password is ClickHouse\'s authentication error', async () => {
  const db = await freshDatabase();
  const wrong = driverFor(db, recordingLogger(), [...SMALL_TABLES, '--warehouse-clickhouse-password', 'nope']);
  const err = await rejection(wrong.createTable('t', everyType));
  assert.instance(err, ClickHouseRequestError);
  assert.match(err.message, /creating table db\d+\.t: cairn: Authentication failed/);
  assert.is((err as ClickHouseRequestError).code, 516);
  await wrong.close();
});

test('warehouse.driver clickhouse builds this driver through the registry', async () => {
  const db = await freshDatabase();
  const logger = recordingLogger();
  const driver = await createDriver(settingsFor(db, SMALL_TABLES), logger);
  assert.instance(driver, ClickHouseDriver);
  await driver.createTable('t', everyType);
  assert.is((await columnsOf(db, 't')).size, everyType.fields.length);
  await driver.close();
  const native = createClickHouseDriver(settingsFor(db, ['--warehouse-clickhouse-port', '9000']), logger);
  assert.ok(logger.entries.some((e) => e.level === 'warn' && /native-protocol port/.test(e.msg)));
  await native.close();
});

test.run();
