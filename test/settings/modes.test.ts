import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from './helpers.js';

test('at_least_once forces file batching and the spool, with a warning each', () => {
  const s = load({ yaml: 'delivery:\n  mode: at_least_once\nstorage:\n  spool_enabled: false\n' });
  assert.is(s.deliveryMode, 'at_least_once');
  assert.is(s.receiver.batchingBackend, 'filesystem');
  assert.is(s.storage.spoolEnabled, true);
  assert.is(s.warnings.length, 2);
  assert.ok(s.warnings.some((w) => w.includes('receiver.batching_backend') && w.includes('filesystem')));
  assert.ok(s.warnings.some((w) => w.includes('storage.spool_enabled') && w.includes('config.yaml')));
});

test('forced values win even over explicit flags', () => {
  const s = load({ args: ['--delivery-mode=at_least_once', '--receiver-batching-backend', 'memory', '--no-storage-spool-enabled'] });
  assert.is(s.receiver.batchingBackend, 'filesystem');
  assert.is(s.storage.spoolEnabled, true);
  assert.ok(s.warnings.some((w) => w.includes('--receiver-batching-backend')));
});

test('no warning when the value is already the forced one', () => {
  const s = load({ env: { DELIVERY_MODE: 'at_least_once', RECEIVER_BATCHING_BACKEND: 'filesystem' } });
  assert.is(s.warnings.length, 0); // storage.spool_enabled is true by default
});

test('airgapped forces the refresh intervals to 0 and clears telemetry.url', () => {
  const s = load({ args: ['--airgapped'] });
  assert.is(s.airgapped, true);
  assert.is(s.keys.get('dbip.refresh_interval'), 0);
  assert.is(s.keys.get('currency.refresh_interval'), 0);
  assert.is(s.keys.get('telemetry.url'), '');
  assert.is(s.warnings.length, 3);
  assert.ok(s.warnings.every((w) => w.startsWith('airgapped sets ')));
});

test('airgapped with the values already forced stays quiet apart from unused-key warnings', () => {
  const s = load({ yaml: 'airgapped: true\ndbip:\n  refresh_interval: 0\ncurrency:\n  refresh_interval: 0s\ntelemetry:\n  url: ""\n' });
  assert.ok(s.warnings.every((w) => !w.startsWith('airgapped')));
  assert.equal(s.warnings, ['telemetry.url is accepted for compatibility and ignored: Cairn never sends usage telemetry']);
});

test('one warning per set-but-unused key, whatever the number of sources', () => {
  const s = load({
    yaml: 'dbip:\n  download_timeout: 10s\nwarehouse:\n  files:\n    type: s3\n',
    env: { DBIP_DOWNLOAD_TIMEOUT: '20s', WAREHOUSE_FILES_GCS_PROJECT: 'p', MONITORING_ENABLED: 'true' },
    args: ['--dbip-download-timeout', '30s', '--skip-catch-up'],
  });
  assert.equal(
    [...s.warnings].sort(),
    [
      'dbip.download_timeout is accepted for compatibility but not used by Cairn yet',
      'warehouse.files.gcs.project is accepted for compatibility but not used by Cairn yet',
      'warehouse.files.type is accepted for compatibility but not used by Cairn yet',
    ],
  );
});

test('defaults of unused keys and set used keys produce no warning', () => {
  const s = load({ yaml: 'server:\n  port: 9000\nprotocol: matomo\nwarehouse:\n  table: t\n' });
  assert.equal(s.warnings, []);
});

test('telemetry.url says it is ignored', () => {
  const s = load({ env: { TELEMETRY_URL: 'https://example.invalid/collect' } });
  assert.equal(s.warnings, ['telemetry.url is accepted for compatibility and ignored: Cairn never sends usage telemetry']);
});

test.run();
