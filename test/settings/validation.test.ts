import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SettingsError, loadSettings } from '../../src/settings/load.js';
import { findIssue, issues, tempDir } from './helpers.js';

test('server.port must be a port number', () => {
  findIssue(issues({ yaml: 'server:\n  port: abc\n' }), 'server.port', '"abc"', 'config.yaml:2:9');
  findIssue(issues({ env: { SERVER_PORT: '0' } }), 'server.port', '"0"', 'SERVER_PORT');
  findIssue(issues({ args: ['--server-port', '65536'] }), 'server.port', '"65536"', '--server-port');
  findIssue(issues({ yaml: 'server:\n  port: 80.5\n' }), 'server.port', '80.5');
  findIssue(issues({ env: { SERVER_PORT: '80abc' } }), 'server.port', '"80abc"');
});

test('receiver.batch_size must be positive', () => {
  findIssue(issues({ yaml: 'receiver:\n  batch_size: -3\n' }), 'receiver.batch_size', '-3');
  findIssue(issues({ env: { RECEIVER_BATCH_SIZE: '0' } }), 'receiver.batch_size', '"0"');
});

test('ip_masking_level must be 0..4', () => {
  findIssue(issues({ yaml: 'property:\n  settings:\n    ip_masking_level: 7\n' }), 'property.settings.ip_masking_level', '7', '0 to 4');
});

test('masking level 4 needs session-stamp joining off', () => {
  const list = issues({ yaml: 'property:\n  settings:\n    ip_masking_level: 4\nsessions:\n  join_by_session_stamp: true\n' });
  findIssue(list, 'ip_masking_level', '4', 'join_by_session_stamp', 'true');
  // The default of join_by_session_stamp is true, so level 4 alone is already refused.
  findIssue(issues({ env: { PROPERTY_SETTINGS_IP_MASKING_LEVEL: '4' } }), 'ip_masking_level', 'join_by_session_stamp');
  const ok = loadSettings({ args: ['--property-settings-ip-masking-level=4', '--sessions-join-by-session-stamp=false'], env: {}, cwd: tempDir() });
  assert.is(ok.settings.properties[0]?.ipMaskingLevel, 4);
});

test('closed sets of values, with the allowed values listed', () => {
  findIssue(issues({ yaml: 'protocol: ga5\n' }), 'protocol', '"ga5"', 'ga4, d8a, matomo');
  findIssue(issues({ env: { DELIVERY_MODE: 'exactly_once' } }), 'delivery.mode', '"exactly_once"', 'best_effort, at_least_once');
  findIssue(issues({ args: ['--receiver-batching-backend', 'disk'] }), 'receiver.batching_backend', '"disk"', 'memory, filesystem');
  findIssue(issues({ yaml: 'queue:\n  backend: object_storage\n' }), 'queue.backend', '"object_storage"', 'objectstorage');
  findIssue(issues({ yaml: 'warehouse:\n  driver: postgres\n' }), 'warehouse.driver', '"postgres"');
});

test('case-insensitive sets accept any case and normalise', () => {
  const s = loadSettings({ args: ['--warehouse-bigquery-partition-interval', 'month'], env: {}, cwd: tempDir() }).settings;
  assert.is(s.keys.get('warehouse.bigquery.partition_interval'), 'MONTH');
});

test('trusted proxies must be IPs or CIDR ranges', () => {
  const list = issues({ yaml: 'server:\n  trusted_proxies: [10.0.0.0/8, 10.0.0.0/33, "::/0", "fe80::/129", example.com, 1.2.3.4/x, 1.2.3.4/8/9]\n' });
  findIssue(list, 'server.trusted_proxies', '"10.0.0.0/33"');
  findIssue(list, 'server.trusted_proxies', '"fe80::/129"');
  findIssue(list, 'server.trusted_proxies', '"example.com"');
  findIssue(list, 'server.trusted_proxies', '"1.2.3.4/x"');
  findIssue(list, 'server.trusted_proxies', '"1.2.3.4/8/9"');
  assert.is(list.filter((i) => i.includes('trusted_proxies')).length, 5);
});

test('warehouse.table must not be empty', () => {
  findIssue(issues({ yaml: 'warehouse:\n  table: ""\n' }), 'warehouse.table', '""');
  findIssue(issues({ env: { WAREHOUSE_TABLE: '  ' } }), 'warehouse.table', 'WAREHOUSE_TABLE');
});

test('matomo tracking endpoints are normalised: trimmed, slash added, deduplicated, /matomo.php first', () => {
  const dir = tempDir();
  const { settings } = loadSettings({ args: [], env: { MATOMO_TRACKING_ENDPOINTS: 'piwik.php,/track, ,/matomo.php,track' }, cwd: dir });
  assert.equal(settings.matomo.trackingEndpoints, ['/matomo.php', '/piwik.php', '/track']);
});

test('a DEBUG variable meant for the debug package is not an error', () => {
  const dir = tempDir();
  const { settings } = loadSettings({ args: [], env: { DEBUG: 'express:*' }, cwd: dir });
  assert.is(settings.debug, false);
  assert.is(loadSettings({ args: [], env: { DEBUG: 'true' }, cwd: dir }).settings.debug, true);
});

test('type mismatches in the file', () => {
  const list = issues({
    yaml: 'debug: maybe\nserver:\n  host: [a, b]\nproperty:\n  settings:\n    excluded_url_params: {a: 1}\nqueue:\n  object_storage:\n    interval_exp_factor: fast\n',
  });
  findIssue(list, 'debug', '"maybe"', 'true or false');
  findIssue(list, 'server.host', '["a","b"]');
  findIssue(list, 'property.settings.excluded_url_params', '{"a":1}');
  findIssue(list, 'queue.object_storage.interval_exp_factor', '"fast"');
});

test('every problem is reported at once', () => {
  let caught: unknown;
  try {
    loadSettings({
      args: ['--server-port', 'x', '--bogus'],
      env: { RECEIVER_BATCH_SIZE: '-1', PROTOCOL: 'foo' },
      cwd: tempDir(),
    });
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, SettingsError);
  const err = caught as SettingsError;
  assert.is(err.issues.length, 4);
  assert.ok(err.message.includes('4 problems'));
  for (const i of err.issues) assert.ok(err.message.includes(i));
});

test('unknown flags suggest the closest known flag', () => {
  findIssue(issues({ args: ['--server-prot', '9000'] }), '--server-prot', 'did you mean --server-port');
  findIssue(issues({ args: ['--warehouse-tabel=x'] }), '--warehouse-tabel', '--warehouse-table');
  findIssue(issues({ args: ['--no-server-port'] }), '--no-server-port');
  findIssue(issues({ args: ['-x'] }), '-x', 'unknown flag');
  // The value after an unknown flag is taken as its value, not reported twice.
  assert.is(issues({ args: ['--server-prot', '9000'] }).length, 1);
});

test('flag syntax problems', () => {
  findIssue(issues({ args: ['--server-port'] }), '--server-port', 'needs a value');
  findIssue(issues({ args: ['--debug=perhaps'] }), 'debug', '"perhaps"', '--debug');
  findIssue(issues({ args: ['serve'] }), 'unexpected argument', '"serve"');
  findIssue(issues({ args: ['--', '--debug'] }), 'unexpected argument', '"--debug"');
});

test('a bare boolean flag does not swallow the next token', () => {
  const s = loadSettings({ args: ['--debug', '--server-port', '9001'], env: {}, cwd: tempDir() }).settings;
  assert.is(s.debug, true);
  assert.is(s.server.port, 9001);
});

test.run();
