import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float64, Int64, List, Schema, Struct, TimestampSecond, DateDay, Utf8 } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSettings } from '../../src/settings/load.js';
import type { Settings } from '../../src/settings/types.js';
import { ConsoleDriver } from '../../src/warehouse/console/index.js';
import { FilesDriver } from '../../src/warehouse/files/index.js';
import { NoopDriver } from '../../src/warehouse/noop/index.js';
import { createDriver, createDriverRegistry, StaticDriverRegistry, UnsupportedWarehouseError } from '../../src/warehouse/registry.js';
import type { Driver } from '../../src/warehouse/driver.js';
import { csvDicts, listFiles, recordingLogger, tempDir } from './helpers.js';

function settings(args: string[], cwd = tempDir('registry')): Settings {
  return loadSettings({ args, env: {}, cwd }).settings;
}

const schema = new Schema([
  new Field('session_id', new Utf8(), true),
  new Field('timestamp_utc', new TimestampSecond('UTC'), true),
  new Field('date_utc', new DateDay(), true),
  new Field('n', new Int64(), true),
  new Field('items', new List(new Field('item', new Struct([new Field('name', new Utf8(), true), new Field('price', new Float64(), true)]), true)), true),
]);

test('console driver: one JSON object per row, keys sorted, times as text', async () => {
  const lines: string[] = [];
  const driver = new ConsoleDriver({ writeLine: (l) => lines.push(l) });
  await driver.write('events', schema, [
    { timestamp_utc: 1735732800, session_id: 's<1>', n: 2n, date_utc: 20089, items: [{ price: 1.5, name: 'x' }], extra: null },
    { session_id: 's2', timestamp_utc: '2025-01-01T12:00:00Z', date_utc: '2025-01-01', n: 3, items: null },
  ]);
  await driver.write('events', schema, []);
  const output = lines.join('');
  assert.is(
    output,
    '{"date_utc":"2025-01-01","extra":null,"items":[{"name":"x","price":1.5}],"n":2,"session_id":"s\\u003c1\\u003e","timestamp_utc":"2025-01-01T12:00:00Z"}\n' +
      '{"date_utc":"2025-01-01","items":null,"n":3,"session_id":"s2","timestamp_utc":"2025-01-01T12:00:00Z"}\n',
  );
  assert.equal(JSON.parse(output.split('\n')[0] ?? '').session_id, 's<1>');
  assert.equal(await driver.missingColumns('events', schema), []);
  await driver.createTable('events', schema);
  await driver.createTable('events', schema); // schemaless: never "already exists"
  await driver.close();
});

test('noop driver accepts everything', async () => {
  const driver = new NoopDriver();
  await driver.createTable('t', schema);
  await driver.addColumn('t', new Field('x', new Utf8(), true));
  assert.equal(await driver.missingColumns('t', schema), []);
  await driver.write('t', schema, [{ n: 1 }]);
  await driver.close();
});

test('createDriver: console by default, noop, and configuration errors that name the key for SQL warehouses', async () => {
  const logger = recordingLogger();
  assert.instance(await createDriver(settings([]), logger), ConsoleDriver);
  assert.instance(await createDriver(settings(['--warehouse-driver', 'noop']), logger), NoopDriver);
  for (const [name, key] of [['clickhouse', /warehouse\.clickhouse\.(host|database)/], ['bigquery', /warehouse\.bigquery\./]] as const) {
    try {
      await createDriver(settings(['--warehouse-driver', name]), logger);
      assert.unreachable(name);
    } catch (err) {
      assert.not.instance(err, UnsupportedWarehouseError);
      assert.match((err as Error).message, key);
    }
  }
});

test('createDriver: files driver from configuration writes CSV under the configured folder', async () => {
  const dir = tempDir('registry-files');
  const out = join(dir, 'out');
  const s = settings([
    '--warehouse-driver', 'files',
    '--warehouse-files-storage', 'filesystem',
    '--warehouse-files-filesystem-path', out,
    '--storage-spool-directory', join(dir, 'spool'),
    '--warehouse-files-compression', 'gzip',
  ], dir);
  const registry = await createDriverRegistry(s, recordingLogger());
  const driver = registry.get('any-property');
  assert.instance(driver, FilesDriver);
  assert.is(registry.get('other'), driver, 'one driver for every property');
  await driver.write('events', schema, [{ session_id: 'a', timestamp_utc: '2025-01-01T00:00:00Z', date_utc: '2025-01-01', n: 1, items: [] }]);
  await registry.close();
  await registry.close(); // closing twice is harmless
  const files = listFiles(out);
  assert.is(files.length, 1);
  assert.match(files[0] ?? '', /^table=events\/schema=[0-9a-f]{16}\/y=\d{4}\/m=\d{2}\/d=\d{2}\/\d+_[0-9a-f]{20}\.csv\.gz$/);
  assert.ok(existsSync(join(dir, 'spool', 'warehouse', 'files', 'metadata.json')));
  assert.ok(existsSync(join(dir, 'spool', 'warehouse', 'files', 'spool')));
  const { gunzipSync } = await import('node:zlib');
  assert.equal(csvDicts(gunzipSync(readFileSync(join(out, files[0] ?? ''))).toString('utf8')), [
    { session_id: 'a', timestamp_utc: '2025-01-01T00:00:00Z', date_utc: '2025-01-01', n: '1', items: '[]' },
  ]);
});

test('createDriver: files driver configuration errors name the key', async () => {
  const dir = tempDir('registry-bad');
  const base = ['--warehouse-driver', 'files', '--storage-spool-directory', join(dir, 'spool')];
  const cases: [string[], RegExp][] = [
    [[], /warehouse\.files\.storage is required/],
    [['--warehouse-files-storage', 's3'], /warehouse\.files\.s3\.host/],
    [['--warehouse-files-storage', 'filesystem'], /warehouse\.files\.filesystem\.path is required/],
    [['--warehouse-files-storage', 'filesystem', '--warehouse-files-filesystem-path', join(dir, 'o'), '--warehouse-files-compression', 'zstd'], /compression "zstd"/],
    [['--warehouse-files-storage', 'filesystem', '--warehouse-files-filesystem-path', join(dir, 'o'), '--warehouse-files-path-template', '{{.Nope}}'], /unknown variable \.Nope/],
  ];
  for (const [args, expected] of cases) {
    try {
      await createDriver(settings([...base, ...args], dir), recordingLogger());
      assert.unreachable(args.join(' '));
    } catch (err) {
      assert.match((err as Error).message, expected, args.join(' '));
    }
  }
});

test('StaticDriverRegistry closes its driver exactly once', async () => {
  let closed = 0;
  const driver: Driver = Object.assign(new NoopDriver(), {
    close: async () => {
      closed += 1;
    },
  });
  const registry = new StaticDriverRegistry(driver);
  await Promise.all([registry.close(), registry.close()]);
  assert.is(closed, 1);
});

test.run();
