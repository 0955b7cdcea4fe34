import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatGoDuration, parseGoDuration } from '../../src/settings/duration.js';
import { findIssue, issues, load } from './helpers.js';

test('parses the Go duration forms', () => {
  assert.is(parseGoDuration('300ms'), 300);
  assert.is(parseGoDuration('1.5h'), 5_400_000);
  assert.is(parseGoDuration('10s'), 10_000);
  assert.is(parseGoDuration('1h30m'), 5_400_000);
  assert.is(parseGoDuration('2h45m30.5s'), 9_930_500);
  assert.is(parseGoDuration('0'), 0);
  assert.is(parseGoDuration('1.1s'), 1100);
  assert.is(parseGoDuration('.5s'), 500);
  assert.is(parseGoDuration('5.s'), 5000);
  assert.is(parseGoDuration('+2m'), 120_000);
  assert.is(parseGoDuration('-1s'), -1000);
});

test('parses every unit', () => {
  assert.is(parseGoDuration('1500000ns'), 1.5);
  assert.is(parseGoDuration('250us'), 0.25);
  assert.is(parseGoDuration('250\u00b5s'), 0.25);
  assert.is(parseGoDuration('250\u03bcs'), 0.25);
  assert.is(parseGoDuration('7ms'), 7);
  assert.is(parseGoDuration('2m'), 120_000);
  assert.is(parseGoDuration('3h'), 10_800_000);
});

test('rejects garbage', () => {
  for (const bad of ['', '10', '1.5', 'abc', '1x', '1d', 'h', '.s', '1h 30m', '--1s', '1e3s', 's10', '10S', '9999999999999h']) {
    assert.throws(() => parseGoDuration(bad), undefined, bad);
  }
});

test('formats milliseconds back', () => {
  assert.is(formatGoDuration(0), '0s');
  assert.is(formatGoDuration(300), '300ms');
  assert.is(formatGoDuration(5_400_000), '1h30m0s');
  assert.is(formatGoDuration(90_500), '1m30.5s');
});

test('duration keys resolve to milliseconds from every source', () => {
  const s = load({ yaml: 'sessions:\n  timeout: 1h30m\n', env: { RECEIVER_BATCH_TIMEOUT: '250ms' }, args: ['--property-settings-split-by-time-since-first-event', '2h45m30.5s'] });
  assert.is(s.properties[0]?.sessionTimeoutMs, 5_400_000);
  assert.is(s.receiver.batchTimeoutMs, 250);
  assert.is(s.properties[0]?.splitByTimeSinceFirstEventMs, 9_930_500);
  assert.is(s.keys.get('sessions.timeout'), 5_400_000);
});

test('a bare 0 is allowed where zero makes sense', () => {
  const s = load({ yaml: 'property:\n  settings:\n    split_by_time_since_first_event: 0\n' });
  assert.is(s.properties[0]?.splitByTimeSinceFirstEventMs, 0);
});

test('garbage and negative durations name the key and the value', () => {
  const list = issues({ yaml: 'sessions:\n  timeout: soon\nreceiver:\n  batch_timeout: 30\n', args: ['--dbip-download-timeout=-1s'] });
  findIssue(list, 'sessions.timeout', '"soon"');
  findIssue(list, 'receiver.batch_timeout', '30', 'unit');
  findIssue(list, 'dbip.download_timeout', '"-1s"', 'negative');
});

test('zero is refused where it makes no sense', () => {
  findIssue(issues({ env: { SESSIONS_TIMEOUT: '0s' } }), 'sessions.timeout', '"0s"', 'greater than zero');
});

test.run();
