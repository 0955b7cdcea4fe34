import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findIssue, issues, load, tempDir, withConfig } from './helpers.js';

const YAML = 'server:\n  port: 7000\n  host: 127.0.0.1\nreceiver:\n  batch_size: 10\n';

test('built-in defaults when nothing is set', () => {
  const s = load();
  assert.is(s.server.port, 8080);
  assert.is(s.server.host, '0.0.0.0');
  assert.is(s.receiver.batchSize, 5000);
  assert.is(s.deliveryMode, 'best_effort');
  assert.is(s.queue.backend, 'filesystem');
  assert.is(s.warehouse.driver, 'console');
  assert.is(s.warehouse.table, 'events');
  assert.is(s.receiver.rawLogPath, null);
  assert.is(s.receiver.maxBodyBytes, 4096 * 1024);
  assert.is(s.configFile, null);
  assert.equal(s.warnings, []);
});

test('the YAML file beats defaults', () => {
  const s = load({ yaml: YAML });
  assert.is(s.server.port, 7000);
  assert.is(s.server.host, '127.0.0.1');
  assert.is(s.receiver.batchSize, 10);
  assert.ok(s.configFile?.endsWith('config.yaml'));
});

test('the environment beats the file', () => {
  const s = load({ yaml: YAML, env: { SERVER_PORT: '7100', RECEIVER_BATCH_SIZE: '20' } });
  assert.is(s.server.port, 7100);
  assert.is(s.receiver.batchSize, 20);
  assert.is(s.server.host, '127.0.0.1');
});

test('a flag beats the environment and the file', () => {
  const s = load({ yaml: YAML, env: { SERVER_PORT: '7100' }, args: ['--server-port', '7200', '--receiver-batch-size=30'] });
  assert.is(s.server.port, 7200);
  assert.is(s.receiver.batchSize, 30);
});

test('an invalid value that is overridden does not matter', () => {
  const s = load({ yaml: 'server:\n  port: 7000\n', env: { SERVER_PORT: 'abc' }, args: ['--server-port', '7300'] });
  assert.is(s.server.port, 7300);
});

test('boolean flag forms', () => {
  assert.is(load({ args: ['--debug'] }).debug, true);
  assert.is(load({ args: ['--debug=false'], env: { DEBUG: 'true' } }).debug, false);
  assert.is(load({ args: ['--no-debug'], yaml: 'debug: true\n' }).debug, false);
  assert.is(load({ args: ['--debug=true'] }).debug, true);
  assert.is(load({ env: { DEBUG: '1' } }).debug, true);
  assert.is(load({ yaml: 'sessions:\n  join_by_user_id: off\n' }).properties[0]?.joinByUserId, false);
});

test('list values: YAML lists, comma-separated env and flags, repeated flags', () => {
  assert.equal(load({ yaml: 'server:\n  trusted_proxies: [10.0.0.0/8, "::1"]\n' }).server.trustedProxies, ['10.0.0.0/8', '::1']);
  assert.equal(load({ env: { SERVER_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' } }).server.trustedProxies, ['10.0.0.0/8', '192.168.1.1']);
  assert.equal(
    load({ args: ['--matomo-tracking-endpoints', '/piwik.php,/a.php', '--matomo-tracking-endpoints=/b.php'] }).matomo.trackingEndpoints,
    ['/matomo.php', '/piwik.php', '/a.php', '/b.php'],
  );
  assert.equal(load({ env: { FILTERS_FIELDS: 'ip_address,user_agent' }, yaml: 'filters:\n  fields: [hostname]\n' }).properties[0]?.filters.fields, [
    'ip_address',
    'user_agent',
  ]);
});

test('an empty env value clears text keys and is ignored for typed keys', () => {
  const s = load({ env: { TELEMETRY_URL: '', SERVER_PORT: '', SERVER_TRUSTED_PROXIES: '' }, yaml: 'server:\n  trusted_proxies: [1.2.3.4]\n' });
  assert.is(s.keys.get('telemetry.url'), '');
  assert.is(s.server.port, 8080);
  assert.equal(s.server.trustedProxies, []);
});

test('--config and -c pick the file; relative to cwd', () => {
  const dir = withConfig('server:\n  port: 7400\n', 'other.yaml');
  assert.is(load({ cwd: dir, args: ['--config', 'other.yaml'] }).server.port, 7400);
  assert.is(load({ cwd: dir, args: ['-c', 'other.yaml'] }).server.port, 7400);
  assert.is(load({ cwd: dir, args: ['--config=other.yaml'] }).server.port, 7400);
  assert.is(load({ cwd: dir, args: ['-c', join(dir, 'other.yaml')] }).server.port, 7400);
});

test('a missing default file is fine, a missing named file is an error', () => {
  assert.is(load({ cwd: tempDir() }).configFile, null);
  findIssue(issues({ cwd: tempDir(), args: ['-c', 'nope.yaml'] }), 'nope.yaml', 'does not exist');
});

test('a directory given as the config file is an error', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'conf.d'));
  findIssue(issues({ cwd: dir, args: ['-c', 'conf.d'] }), 'conf.d', 'directory');
});

test('directories are resolved against cwd; the raw log path too', () => {
  const dir = tempDir();
  const s = load({ cwd: dir, env: { STORAGE_QUEUE_DIRECTORY: 'q', RECEIVER_RAW_LOG_PATH: 'raw/requests.log' } });
  assert.is(s.storage.queueDirectory, join(dir, 'q'));
  assert.is(s.storage.spoolDirectory, join(dir, 'spool'));
  assert.is(s.storage.boltDirectory, dir);
  assert.is(s.receiver.rawLogPath, join(dir, 'raw/requests.log'));
  assert.is(s.keys.get('storage.queue_directory'), 'q');
});

test('Cairn-only keys from every source', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.yaml'), 'receiver:\n  max_body_kbytes: 64\n  raw_log:\n    path: /var/log/cairn.raw\n');
  const s = load({ cwd: dir });
  assert.is(s.receiver.maxBodyBytes, 64 * 1024);
  assert.is(s.receiver.rawLogPath, '/var/log/cairn.raw');
  assert.is(load({ args: ['--receiver-max-body-kbytes', '8'] }).receiver.maxBodyBytes, 8192);
  assert.is(load({ args: ['--queue-backend', 'nats'] }).queue.backend, 'nats');
});

test('keys map holds every key, typed', () => {
  const s = load({ yaml: 'warehouse:\n  clickhouse:\n    port: 8123\n' });
  assert.is(s.keys.get('warehouse.clickhouse.port'), '8123');
  assert.is(s.keys.get('queue.object_storage.interval_exp_factor'), 1.5);
  assert.is(s.keys.get('queue.object_storage.max_interval'), 60_000);
  assert.is(s.keys.get('warehouse.files.compression_level'), -1);
});

test('YAML keys may be written with dots in one name', () => {
  assert.is(load({ yaml: 'server.port: 7500\n' }).server.port, 7500);
});

test.run();
