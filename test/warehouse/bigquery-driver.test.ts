/**
 * The BigQuery driver through the official `@google-cloud/bigquery` client, pointed at the
 * REST double of test/support/bigquery-double.ts, which checks each request and keeps the rows.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Bool, DateDay, Field, Float32, Float64, Int32, Int64, List, Schema, Struct, TimestampSecond, Utf8 } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { FIELD_METADATA } from '../../src/schema/interface.js';
import { loadSettings } from '../../src/settings/load.js';
import type { Settings } from '../../src/settings/types.js';
import {
  BigQueryConfigError,
  BigQueryDriver,
  BigQueryInsertError,
  bigQueryConfigFromSettings,
  createBigQueryDriver,
  OfficialBigQueryApi,
  type BigQueryApi,
  type BigQueryDriverFromSettingsOptions,
} from '../../src/warehouse/bigquery/index.js';
import type { Row } from '../../src/warehouse/driver.js';
import { ColumnAlreadyExistsError, MultipleTypeIncompatibleError, TableAlreadyExistsError, TableNotFoundError } from '../../src/warehouse/errors.js';
import { createDriver } from '../../src/warehouse/registry.js';
import { ensureTables } from '../../src/warehouse/schema-diff.js';
import { BigQueryDouble, makeServiceAccountKey, type ServiceAccountFixture } from '../support/bigquery-double.js';
import { testProperty } from '../support/properties.js';
import { ga4Rows } from './clickhouse-rows.js';
import { recordingLogger, tempDir, waitFor } from './helpers.js';
import { rejection } from '../support/rejection.js';

const PROJECT = 'cairn-test';
const DATASET = 'analytics';
const account: ServiceAccountFixture = makeServiceAccountKey(PROJECT);
let double: BigQueryDouble;

test.before.each(async () => {
  double = await BigQueryDouble.start({ projectId: PROJECT, datasets: [DATASET], publicKey: account.publicKey, clientEmail: account.key['client_email'] ?? '' });
});
test.after.each(async () => {
  await double.stop();
});

function settingsFor(extra: string[] = [], spool = tempDir('bq-spool')): Settings {
  const args = [
    '--warehouse-driver', 'bigquery',
    '--warehouse-bigquery-project-id', PROJECT,
    '--warehouse-bigquery-dataset-name', DATASET,
    '--warehouse-bigquery-creds-json', JSON.stringify(account.key),
    '--warehouse-bigquery-api-endpoint', double.endpoint,
    '--warehouse-bigquery-load-interval', '200ms',
    '--storage-spool-directory', spool,
    ...extra,
  ];
  return loadSettings({ args, env: {}, cwd: process.cwd() }).settings;
}

const FAST: BigQueryDriverFromSettingsOptions = { retryInitialMs: 20, pollMs: 10 };

function driverFor(extra: string[] = [], spool?: string): Promise<BigQueryDriver> {
  return createBigQueryDriver(settingsFor(extra, spool), recordingLogger(), FAST);
}

const describe = (f: Field, text: string): Field => f.clone({ metadata: new Map([[FIELD_METADATA.description, text]]) });

const param = new Struct([new Field('name', new Utf8(), true), new Field('value_number', new Float64(), true), new Field('count', new Int32(), false)]);
/** One column per mapping of reference §2.4. */
const schema = new Schema([
  describe(new Field('id', new Utf8(), false), 'Event id'),
  new Field('name', new Utf8(), true),
  new Field('count64', new Int64(), true),
  new Field('count32', new Int32(), true),
  new Field('price', new Float64(), true),
  new Field('ratio', new Float32(), true),
  new Field('engaged', new Bool(), true),
  new Field('timestamp_utc', new TimestampSecond('UTC'), false),
  new Field('date_utc', new DateDay(), false),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
  new Field('params', new List(new Field('item', param, true)), true),
]);

function row(n: number, extra: Partial<Row> = {}): Row {
  return {
    id: `event-${n}`,
    name: n % 2 === 0 ? 'page_view' : null,
    count64: n === 3 ? 2n ** 60n : n,
    count32: -n,
    price: n + 0.25,
    ratio: n === 2 ? Number.NaN : 0.5,
    engaged: n % 2 === 1,
    timestamp_utc: n === 1 ? 1_736_942_400 : `2025-01-15T12:00:0${n % 10}Z`,
    date_utc: '2025-01-15',
    tags: n === 1 ? null : ['a', null, 'b'],
    params: [{ name: 'page_location', value_number: n, count: 1, unknown_key: 'dropped' }],
    ...extra,
  };
}

function ids(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => String(r['id'])).sort();
}

// ---- configuration ---------------------------------------------------------------------------------

test('configuration: key as JSON, base64 or file; project from the key; clear errors', () => {
  const json = JSON.stringify(account.key);
  const base = ['--warehouse-bigquery-dataset-name', DATASET];
  const load = (args: string[]): ReturnType<typeof bigQueryConfigFromSettings> =>
    bigQueryConfigFromSettings(loadSettings({ args: [...base, ...args], env: {}, cwd: process.cwd() }).settings);
  const raw = load(['--warehouse-bigquery-creds-json', json]);
  assert.is(raw.projectId, PROJECT, 'project_id falls back to the key file');
  assert.is(raw.credentials.client_email, account.key['client_email']);
  assert.is(raw.writerType, 'loadjob');
  assert.is(raw.loadIntervalMs, 60_000);
  assert.is(raw.partitionField, 'date_utc');
  assert.is(raw.partitionInterval, 'DAY');
  const b64 = load(['--warehouse-bigquery-creds-json', Buffer.from(json).toString('base64'), '--warehouse-bigquery-project-id', 'other']);
  assert.is(b64.credentials.private_key, account.key['private_key']);
  assert.is(b64.projectId, 'other');
  const file = join(tempDir('bq-key'), 'key.json');
  writeFileSync(file, json);
  const fromFile = load(['--warehouse-bigquery-creds-file', file, '--warehouse-bigquery-clustering', 'name,id', '--warehouse-bigquery-location', 'EU']);
  assert.is(fromFile.credentials.client_email, account.key['client_email']);
  assert.equal(fromFile.clustering, ['name', 'id']);
  assert.is(fromFile.location, 'EU');
  const errors: [string[], RegExp][] = [
    [[], /creds_json .*or warehouse\.bigquery\.creds_file/],
    [['--warehouse-bigquery-creds-json', '{"type":"authorized_user"}'], /not a service-account key/],
    [['--warehouse-bigquery-creds-json', 'not json at all'], /neither JSON nor base64/],
    [['--warehouse-bigquery-creds-file', join(tempDir('bq-none'), 'missing.json')], /cannot be read/],
    [['--warehouse-bigquery-creds-json', json, '--warehouse-bigquery-clustering', 'a,b,c,d,e'], /at most 4/],
  ];
  for (const [args, expected] of errors) {
    const err = (() => {
      try {
        load(args);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    assert.instance(err, BigQueryConfigError, args.join(' '));
    assert.match(err?.message ?? '', expected);
  }
});

// ---- tables ------------------------------------------------------------------------------------------

test('createTable: schema of every mapping, day partitions on date_utc with expiry, clustering', async () => {
  const driver = await driverFor(['--warehouse-bigquery-partition-expiration-days', '30', '--warehouse-bigquery-clustering', 'name,id']);
  await driver.createTable('events', schema);
  const table = double.table(DATASET, 'events');
  assert.ok(table);
  assert.equal(table?.schema.fields, [
    { name: 'id', type: 'STRING', mode: 'REQUIRED', description: 'Event id' },
    { name: 'name', type: 'STRING', mode: 'NULLABLE' },
    { name: 'count64', type: 'INTEGER', mode: 'NULLABLE' },
    { name: 'count32', type: 'INTEGER', mode: 'NULLABLE' },
    { name: 'price', type: 'FLOAT', mode: 'NULLABLE' },
    { name: 'ratio', type: 'FLOAT', mode: 'NULLABLE' },
    { name: 'engaged', type: 'BOOLEAN', mode: 'NULLABLE' },
    { name: 'timestamp_utc', type: 'TIMESTAMP', mode: 'REQUIRED' },
    { name: 'date_utc', type: 'DATE', mode: 'REQUIRED' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' },
    {
      name: 'params',
      type: 'RECORD',
      mode: 'REPEATED',
      fields: [
        { name: 'name', type: 'STRING', mode: 'NULLABLE' },
        { name: 'value_number', type: 'FLOAT', mode: 'NULLABLE' },
        { name: 'count', type: 'INTEGER', mode: 'REQUIRED' },
      ],
    },
  ]);
  assert.equal(table?.timePartitioning, { type: 'DAY', field: 'date_utc', expirationMs: String(30 * 86_400_000) });
  assert.equal(table?.clustering, { fields: ['name', 'id'] });
  const again = await rejection(driver.createTable('events', schema));
  assert.instance(again, TableAlreadyExistsError);
  assert.match(again.message, /analytics\.events/);
  assert.equal(double.violations, []);
  await driver.close();
});

test('createTable waits until a new table is visible; no partitioning when the field is empty', async () => {
  await double.stop();
  double = await BigQueryDouble.start({ projectId: PROJECT, datasets: [DATASET], tableVisibilityDelay: 2 });
  const driver = await driverFor(['--warehouse-bigquery-partition-field=']);
  await driver.createTable('events', schema);
  assert.is(double.calls('tables.get').filter((c) => c.status === 404).length, 2);
  assert.is(double.calls('tables.get').at(-1)?.status, 200);
  assert.is(double.table(DATASET, 'events')?.timePartitioning, undefined);
  const unknown = await rejection((await driverFor(['--warehouse-bigquery-partition-field', 'nope'])).createTable('other', schema));
  assert.match(unknown.message, /partition_field nope must name a DATE or TIMESTAMP column/);
  await driver.close();
});

test('unsupported Arrow types are refused before any request', async () => {
  const driver = await driverFor();
  const bad = new Schema([new Field('s', new Struct([new Field('a', new Utf8(), true)]), true)]);
  const err = await rejection(driver.createTable('bad', bad));
  assert.is(err.name, 'UnsupportedMappingError');
  assert.is(double.calls('tables.insert').length, 0);
  await driver.close();
});

test('missingColumns / addColumn: evolution with nullability and width rules, etag on patch', async () => {
  const driver = await driverFor();
  assert.instance(await rejection(driver.missingColumns('events', schema)), TableNotFoundError);
  await driver.createTable('events', schema);
  assert.equal(await driver.missingColumns('events', schema), [], 'int32 and float32 read back as INTEGER and FLOAT and still match');
  const grown = new Schema([...schema.fields, new Field('referrer', new Utf8(), true), new Field('items', new List(new Field('item', param, true)), true)]);
  const missing = await driver.missingColumns('events', grown);
  assert.equal(missing.map((f) => f.name), ['referrer', 'items']);
  for (const f of missing) await driver.addColumn('events', f);
  assert.equal(await driver.missingColumns('events', grown), []);
  assert.equal(double.table(DATASET, 'events')?.schema.fields.slice(-2).map((f) => [f.name, f.type, f.mode]), [
    ['referrer', 'STRING', 'NULLABLE'],
    ['items', 'RECORD', 'REPEATED'],
  ]);
  assert.instance(await rejection(driver.addColumn('events', new Field('referrer', new Utf8(), true))), ColumnAlreadyExistsError);
  const required = await rejection(driver.addColumn('events', new Field('must', new Utf8(), false)));
  assert.match(required.message, /only NULLABLE or REPEATED columns/);
  const changed = new Schema([new Field('id', new Utf8(), true), new Field('price', new Utf8(), true)]);
  const incompatible = await rejection(driver.missingColumns('events', changed));
  assert.instance(incompatible, MultipleTypeIncompatibleError);
  assert.match(incompatible.message, /analytics\.events has 2 type incompatibilities/);
  assert.match(incompatible.message, /id: nullability differs/);
  assert.match(incompatible.message, /price/);
  assert.ok(double.calls('tables.patch').length === 2);
  assert.equal(double.violations, []);
  await driver.close();
});

// ---- load jobs -----------------------------------------------------------------------------------------

test('load jobs: rows of every type arrive once, as NDJSON of a multipart upload; tokens are signed by the key', async () => {
  const driver = await driverFor();
  await driver.createTable('events', schema);
  await driver.write('events', schema, [row(1), row(2)], { batchId: 'b1' });
  await driver.write('events', schema, [row(3)], { batchId: 'b2' });
  await driver.write('events', schema, [row(1), row(2)], { batchId: 'b1' }); // a retried write
  assert.is(double.rows(DATASET, 'events').length, 0, 'nothing is sent before the interval');
  await driver.flush();
  const rows = double.rows(DATASET, 'events');
  assert.is(double.calls('jobs.insert').length, 1, 'one job for everything spooled');
  assert.equal(ids(rows), ['event-1', 'event-2', 'event-3']);
  assert.equal(rows[0], {
    id: 'event-1',
    name: null,
    count64: 1,
    count32: -1,
    price: 1.25,
    ratio: 0.5,
    engaged: true,
    timestamp_utc: '2025-01-15T12:00:00Z',
    date_utc: '2025-01-15',
    tags: [],
    params: [{ name: 'page_location', value_number: 1, count: 1 }],
  });
  assert.equal(rows[1]?.['tags'], ['a', 'b'], 'NULL array elements are left out');
  assert.is(rows[1]?.['ratio'], 'NaN');
  assert.is(rows[2]?.['count64'], String(2n ** 60n), 'large integers travel as strings');
  const [job] = [...double.jobs.values()];
  assert.match(job?.jobId ?? '', /^cairn_events_[0-9a-f]{32}_0$/);
  assert.equal(job?.configuration, {
    load: {
      destinationTable: { projectId: PROJECT, datasetId: DATASET, tableId: 'events' },
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      writeDisposition: 'WRITE_APPEND',
      createDisposition: 'CREATE_NEVER',
    },
  });
  assert.ok(double.calls('jobs.get').length >= 1, 'the job is polled until done');
  assert.ok(double.tokens.length > 0);
  assert.is(double.tokens[0]?.claims['iss'], account.key['client_email']);
  assert.equal(double.violations, []);
  await driver.close();
});

test('load jobs: a value BigQuery would refuse fails the write that carries it', async () => {
  const driver = await driverFor();
  const missing = await rejection(driver.write('events', schema, [row(1, { id: null })]));
  assert.match(missing.message, /id: column is REQUIRED/);
  const wrong = await rejection(driver.write('events', schema, [row(1, { count32: 2 ** 40 })]));
  assert.match(wrong.message, /count32: .* overflows int32/);
  const date = await rejection(driver.write('events', schema, [row(1, { date_utc: '15/01/2025' })]));
  assert.match(date.message, /not a YYYY-MM-DD date/);
  await driver.close();
});

test('load jobs: at most one job per table per load interval', async () => {
  const driver = await driverFor(['--warehouse-bigquery-load-interval', '400ms']);
  await driver.createTable('events', schema);
  await driver.createTable('other', schema);
  const started: number[] = [];
  for (let n = 0; n < 3; n++) {
    await driver.write('events', schema, [row(n)]);
    await driver.write('other', schema, [row(n)]);
    await driver.flush();
    started.push(Date.now());
  }
  const jobs = double.calls('jobs.insert');
  assert.is(jobs.length, 6);
  assert.ok((started[2] ?? 0) - (started[0] ?? 0) >= 750, `three jobs of one table span two intervals (${(started[2] ?? 0) - (started[0] ?? 0)} ms)`);
  assert.is(double.rows(DATASET, 'events').length, 3);
  assert.is(double.rows(DATASET, 'other').length, 3);
  await driver.close();
});

test('load jobs: a job that ran before a crash is found by its id, not loaded again', async () => {
  const spool = tempDir('bq-crash');
  const settings = settingsFor([], spool);
  const config = bigQueryConfigFromSettings(settings);
  const real = new OfficialBigQueryApi({
    projectId: PROJECT,
    dataset: DATASET,
    credentials: config.credentials,
    apiEndpoint: double.endpoint,
    requestTimeoutMs: 5000,
    uploadTimeoutMs: 5000,
  });
  // The process "dies" right after BigQuery accepted the job: the spool file stays.
  const dying: BigQueryApi = Object.assign(Object.create(real) as BigQueryApi, {
    insertLoadJob: async (table: string, jobId: string, body: readonly Uint8Array[]) => {
      await real.insertLoadJob(table, jobId, body);
      throw Object.assign(new Error('killed'), { code: 'EPROTO' });
    },
  });
  const driver = await createBigQueryDriver(settings, recordingLogger(), { ...FAST, api: dying });
  await driver.createTable('events', schema);
  await driver.write('events', schema, [row(1), row(2)]);
  assert.instance(await rejection(driver.flush()), Error);
  await driver.close().catch(() => undefined);
  assert.is(double.rows(DATASET, 'events').length, 2, 'BigQuery has the rows');

  const restarted = await createBigQueryDriver(settingsFor([], spool), recordingLogger(), FAST);
  await restarted.flush();
  await restarted.close();
  assert.is(double.rows(DATASET, 'events').length, 2, 'the retry found the finished job and loaded nothing twice');
  const inserts = double.calls('jobs.insert');
  assert.ok(inserts.some((c) => c.status === 409), 'the second run was told the job exists');
  assert.is(double.jobs.size, 1);
});

test('load jobs: a job that fails with a transient reason is retried under a new job id', async () => {
  const driver = await driverFor();
  await driver.createTable('events', schema);
  double.failNextJobs(2, 'backendError');
  await driver.write('events', schema, [row(1), row(2), row(3)]);
  await driver.flush();
  assert.equal(ids(double.rows(DATASET, 'events')), ['event-1', 'event-2', 'event-3']);
  assert.equal([...double.jobs.keys()].map((id) => id.slice(-2)), ['_0', '_1', '_2']);
  await driver.close();
});

test('load jobs: a job refused for its data fails the flush and the rows stay spooled', async () => {
  const driver = await driverFor();
  await driver.createTable('events', new Schema(schema.fields.filter((f) => f.name !== 'engaged')));
  await driver.write('events', schema, [row(1)]);
  const err = await rejection(driver.flush());
  assert.match(err.message, /invalid: .*no such field: engaged/);
  assert.is(double.rows(DATASET, 'events').length, 0);
  await driver.close().catch(() => undefined);
});

test('outage: BigQuery refuses writes for a while, hits keep arriving, nothing is lost or written twice', async () => {
  const driver = await driverFor(['--warehouse-bigquery-load-interval', '100ms']);
  await driver.createTable('events', schema);
  double.refuseWrites(true, 1200);
  let n = 0;
  const until = Date.now() + 1600;
  while (Date.now() < until) {
    await driver.write('events', schema, [row(n), row(n + 1)], { batchId: `batch-${n}` });
    if (n % 6 === 0) await driver.write('events', schema, [row(n), row(n + 1)], { batchId: `batch-${n}` }); // a retried write
    n += 2;
    await new Promise((r) => setTimeout(r, 30));
  }
  assert.ok(double.calls('jobs.insert').some((c) => c.status === 503), 'writes were refused meanwhile');
  await waitFor(() => double.rows(DATASET, 'events').length === n, 10_000);
  await driver.close();
  const loaded = ids(double.rows(DATASET, 'events'));
  assert.is(loaded.length, n);
  assert.is(new Set(loaded).size, n, 'no row twice');
  assert.ok(double.jobs.size <= 6, `the backlog went in few jobs (${double.jobs.size})`);
  assert.equal(double.violations, []);
});

test('the real GA4 table: created, evolved and loaded through ensureTables and the registry', async () => {
  const ga4 = buildPropertySchemas([testProperty()]).forProperty('default').tables[0];
  if (ga4 === undefined) throw new Error('no GA4 table');
  const driver = await createDriver(settingsFor(), recordingLogger());
  assert.instance(driver, BigQueryDriver);
  const [report] = await ensureTables(driver, [{ name: 'events', schema: ga4.schema }]);
  assert.is(report?.created, true);
  const [again] = await ensureTables(driver, [{ name: 'events', schema: ga4.schema }]);
  assert.equal(again, { table: 'events', created: false, addedColumns: [] });
  const rows = ga4Rows(ga4.schema, 2000);
  await driver.write('events', ga4.schema, rows.slice(0, 1000));
  await driver.write('events', ga4.schema, rows.slice(1000));
  await (driver as BigQueryDriver).flush();
  const stored = double.rows(DATASET, 'events');
  assert.is(stored.length, 2000);
  assert.is(stored[5]?.['id'], rows[5]?.['id']);
  assert.equal(double.violations, []);
  await driver.close();
});

// ---- streaming ------------------------------------------------------------------------------------------

test('streaming: insertAll with the event id as insert id; a lost answer is retried without duplicates', async () => {
  const driver = await driverFor(['--warehouse-bigquery-writer-type', 'streaming']);
  await driver.createTable('events', schema);
  double.loseNextInsertAnswers(1);
  await driver.write('events', schema, [row(1), row(2)]);
  const rows = double.rows(DATASET, 'events');
  assert.equal(ids(rows), ['event-1', 'event-2']);
  assert.is(double.calls('tabledata.insertAll').length, 2);
  assert.equal([...(double.table(DATASET, 'events')?.insertIds ?? [])], ['event-1', 'event-2']);
  await driver.write('events', schema, [row(1)]); // the session spool re-sends a batch
  assert.is(double.rows(DATASET, 'events').length, 2);
  assert.equal(double.violations, []);
  await driver.close();
});

test('streaming: large batches are split; refused rows fail the write with the reason', async () => {
  const driver = await driverFor(['--warehouse-bigquery-writer-type', 'streaming']);
  await driver.createTable('events', schema);
  const many = Array.from({ length: 1234 }, (_, i) => row(i));
  await driver.write('events', schema, many);
  assert.is(double.rows(DATASET, 'events').length, 1234);
  assert.is(double.calls('tabledata.insertAll').length, 3);
  await driver.createTable('narrow', new Schema(schema.fields.filter((f) => f.name !== 'engaged')));
  const err = await rejection(driver.write('narrow', schema, [row(1), row(2)]));
  assert.instance(err, BigQueryInsertError);
  assert.match(err.message, /refused 2 row\(s\) of analytics\.narrow: row 0: invalid: no such field: engaged/);
  assert.is(double.rows(DATASET, 'narrow').length, 0);
  await driver.close();
});

test('outage (streaming): writes fail while BigQuery is down and succeed on retry, once each', async () => {
  const driver = await driverFor(['--warehouse-bigquery-writer-type', 'streaming', '--warehouse-bigquery-query-timeout', '300ms']);
  await driver.createTable('events', schema);
  double.refuseWrites(true);
  const failed = await rejection(driver.write('events', schema, [row(1), row(2)]));
  assert.match(failed.message, /gave up/);
  double.refuseWrites(false);
  await driver.write('events', schema, [row(1), row(2)]);
  await driver.write('events', schema, [row(1), row(2)]);
  assert.equal(ids(double.rows(DATASET, 'events')), ['event-1', 'event-2']);
  await driver.close();
});

test('a slow load job is watched until done; close loads what is left', async () => {
  await double.stop();
  double = await BigQueryDouble.start({ projectId: PROJECT, datasets: [DATASET], jobRunningPolls: 3 });
  const driver = await driverFor(['--warehouse-bigquery-load-interval', '1h']);
  await driver.createTable('events', schema);
  await driver.write('events', schema, [row(1)]);
  await driver.close();
  assert.equal(ids(double.rows(DATASET, 'events')), ['event-1']);
  assert.ok(double.calls('jobs.get').length >= 3);
});

test.run();
