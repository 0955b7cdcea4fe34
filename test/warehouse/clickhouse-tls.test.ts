/** `warehouse.clickhouse.tls` and `tls_ca_file` against the adapter served over HTTPS. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSettings } from '../../src/settings/load.js';
import { createClickHouseDriver } from '../../src/warehouse/clickhouse/index.js';
import { ChdbHttpAdapter } from '../support/chdb-http.js';
import { TEST_CA_PEM, TEST_SERVER_CERT_PEM, TEST_SERVER_KEY_PEM } from './clickhouse-tls-fixture.js';
import { recordingLogger, tempDir } from './helpers.js';

let adapter: ChdbHttpAdapter;
let caFile: string;

test.before(async () => {
  adapter = await ChdbHttpAdapter.start({ tls: { key: TEST_SERVER_KEY_PEM, cert: TEST_SERVER_CERT_PEM } });
  await adapter.exec('CREATE DATABASE secure');
  caFile = join(tempDir('clickhouse-tls'), 'ca.pem');
  writeFileSync(caFile, TEST_CA_PEM);
});
test.after(async () => {
  await adapter.close();
});

const schema = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int64(), true)]);

function driver(extra: string[]): ReturnType<typeof createClickHouseDriver> {
  const args = [
    '--warehouse-clickhouse-host', '127.0.0.1',
    '--warehouse-clickhouse-port', String(adapter.port),
    '--warehouse-clickhouse-database', 'secure',
    '--warehouse-clickhouse-order-by', 'id',
    '--warehouse-clickhouse-partition-by=',
    ...extra,
  ];
  return createClickHouseDriver(loadSettings({ args, env: {}, cwd: process.cwd() }).settings, recordingLogger());
}

test('HTTPS with the configured certificate authority: tables and rows go through', async () => {
  const d = driver(['--warehouse-clickhouse-tls', '--warehouse-clickhouse-tls-ca-file', caFile]);
  await d.createTable('t', schema);
  await d.write('t', schema, [{ id: 'a', n: 1 }, { id: 'b', n: null }], { batchId: 'tls' });
  assert.equal(await adapter.rows('SELECT id, n FROM secure.t ORDER BY id'), [
    { id: 'a', n: '1' },
    { id: 'b', n: '0' },
  ]);
  await d.close();
});

test('a certificate the trusted authorities did not sign is refused', async () => {
  const d = driver(['--warehouse-clickhouse-tls']);
  let message = '';
  try {
    await d.missingColumns('t', schema);
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, /certificate/i);
  await d.close();
});

test.run();
