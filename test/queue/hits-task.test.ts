import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createHitsTask,
  createHitsTaskFromBatch,
  createHitsTaskFromBatchOffThread,
  createPingTask,
  decodeHitsTask,
  formatRfc3339Seconds,
  hitsTaskSink,
  isPing,
  parseRfc3339,
  pingTime,
} from '../../src/queue/hits-task.js';
import { HitBatch } from '../../src/queue/hits-task.js';
import { DropTaskError, type Publisher, type Task } from '../../src/queue/task.js';
import { makeHit } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a hits task carries a random task id and the deflated hits', () => {
  const hits = [makeHit(), makeHit({ userId: 'u' })];
  const task = createHitsTask(hits);
  assert.is(task.type, 'process-hits');
  assert.equal(Object.keys(task.headers), ['task_id']);
  assert.match(task.headers['task_id']!, UUID);
  assert.is.not(createHitsTask(hits).headers['task_id'], task.headers['task_id']);
  assert.is(createHitsTask(hits, 'given').headers['task_id'], 'given');
  assert.equal(decodeHitsTask(task), hits);
  assert.not.ok(isPing(task));
});

test('a ping task: flag, second-precision RFC 3339 timestamp, no hits', () => {
  const now = new Date(1_700_000_123_456);
  const ping = createPingTask(now);
  assert.is(ping.headers['is-ping'], 'true');
  assert.match(ping.headers['ping-timestamp']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.match(ping.headers['task_id']!, UUID);
  assert.ok(isPing(ping));
  assert.is(pingTime(ping), 1_700_000_123_000);
  assert.equal(decodeHitsTask(ping), []);
});

test('only the exact flag with a parseable timestamp makes a ping', () => {
  const base = createPingTask(new Date(0));
  const variant = (headers: Record<string, string>): Task => ({ ...base, headers });
  assert.not.ok(isPing(variant({ 'is-ping': 'true' })));
  assert.not.ok(isPing(variant({ 'is-ping': 'True', 'ping-timestamp': '2024-01-01T00:00:00Z' })));
  assert.not.ok(isPing(variant({ 'is-ping': 'true', 'ping-timestamp': 'yesterday' })));
  assert.not.ok(isPing(variant({ 'ping-timestamp': '2024-01-01T00:00:00Z' })));
  assert.ok(isPing(variant({ 'is-ping': 'true', 'ping-timestamp': '2024-01-01T00:00:00+02:00' })));
});

test('RFC 3339 formatting and parsing agree, and parsing is strict', () => {
  for (const ms of [0, 1_700_000_000_000, 1_709_251_199_000, 951_782_400_000]) {
    assert.is(parseRfc3339(formatRfc3339Seconds(new Date(ms))), ms);
  }
  assert.is(parseRfc3339('2024-03-01T12:00:00Z'), Date.UTC(2024, 2, 1, 12));
  assert.is(parseRfc3339('2024-03-01T12:00:00.1234+01:30'), Date.UTC(2024, 2, 1, 10, 30, 0, 123));
  assert.is(parseRfc3339('2024-02-29T00:00:00-05:00'), Date.UTC(2024, 1, 29, 5));
  for (const bad of ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01t00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:60Z', '2024-01-01T00:00:00', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00+24:00', '']) {
    assert.is(parseRfc3339(bad), undefined, bad);
  }
});

test('undecodable task bodies become DropTaskError, so the consumer dead-letters them', () => {
  const drop = (t: Task, pattern: RegExp): void =>
    assert.throws(() => decodeHitsTask(t), (e: unknown) => e instanceof DropTaskError && pattern.test(e.message));
  drop({ type: 'process-hits', headers: {}, body: Uint8Array.from([1, 2, 3, 4]) }, /does not inflate/);
  drop({ type: 'process-hits', headers: {}, body: deflateSync(Uint8Array.from([0x83, 1, 2])) }, /invalid hit encoding/);
  drop({ ...createHitsTask([makeHit()]), type: 'other' }, /not a process-hits task/);
});

test('a task compressed off the event loop has the very bytes of one compressed on it', async () => {
  const batch = HitBatch.of(Array.from({ length: 3000 }, () => makeHit()));
  const onLoop = createHitsTaskFromBatch(batch, 'same-id');
  const offLoop = await createHitsTaskFromBatchOffThread(batch, 'same-id');
  assert.equal(offLoop, onLoop);
});

test('hitsTaskSink publishes one task per call', async () => {
  const published: Task[] = [];
  const publisher: Publisher = {
    publish: async (t) => {
      published.push(t);
    },
    ready: async () => true,
    close: async () => {},
  };
  const sink = hitsTaskSink(publisher);
  const hits = [makeHit(), makeHit()];
  await sink(HitBatch.of(hits));
  assert.is(published.length, 1);
  assert.equal(decodeHitsTask(published[0]!), hits);
});

test('tasks that inflate far beyond their compressed size, or barely, read back whole', () => {
  // Identical hits compress hundreds of times (many output chunks); random bodies hardly at all.
  const repetitive = Array.from({ length: 3000 }, (_, i) => makeHit({ id: `same-shape-${i % 10}` }));
  const noisy = Array.from({ length: 40 }, () => {
    const hit = makeHit();
    hit.request.body = new Uint8Array(randomBytes(4000));
    return hit;
  });
  for (const hits of [repetitive, noisy]) {
    const task = createHitsTask(hits);
    const back = decodeHitsTask(task);
    assert.is(back.length, hits.length);
    assert.equal(back, hits);
  }
  // A body cut short is still refused.
  const task = createHitsTask(repetitive);
  assert.throws(() => decodeHitsTask({ ...task, body: task.body.subarray(0, task.body.byteLength - 9) }), (e: unknown) => e instanceof DropTaskError);
});

test.run();
