import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { monitoringSettings } from '../../src/monitoring/monitoring.js';
import { otlpUrl } from '../../src/monitoring/metrics-pipeline.js';
import { findIssue, issues, load } from '../settings/helpers.js';

test("the collector address: d8a's host:port gets TLS unless insecure; insecure always means plain text", () => {
  assert.is(otlpUrl('collector:4317', false), 'https://collector:4317');
  assert.is(otlpUrl('collector:4317', true), 'http://collector:4317');
  assert.is(otlpUrl('http://collector:4317', false), 'http://collector:4317');
  assert.is(otlpUrl('https://collector:4317', true), 'http://collector:4317');
  assert.is(otlpUrl(' https://collector:4317 ', false), 'https://collector:4317');
});

test('monitoring keys: off by default, OTLP only when enabled, the port on loopback unless told', () => {
  assert.equal(monitoringSettings(load()), { otlp: null, port: 0, host: '127.0.0.1' });
  const on = monitoringSettings(
    load({ yaml: 'monitoring: {enabled: true, otel_endpoint: "otel:4317", otel_export_interval: 5s, otel_insecure: true, port: 9464, host: 0.0.0.0}\n' }),
  );
  assert.equal(on, { otlp: { endpoint: 'otel:4317', intervalMs: 5000, insecure: true }, port: 9464, host: '0.0.0.0' });
  assert.is(monitoringSettings(load({ env: { MONITORING_PORT: '9100' } })).port, 9100);
});

test('the monitoring port may not be the tracking port', () => {
  findIssue(issues({ yaml: 'server: {port: 9000}\nmonitoring: {port: 9000}\n' }), 'monitoring.port', 'server.port');
  findIssue(issues({ yaml: 'monitoring: {port: 70000}\n' }), 'monitoring.port');
});

test.run();
