import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHitsTask, isPing, pingTime } from '../../src/queue/hits-task.js';
import { BackoffPingingPublisher, PingingPublisher } from '../../src/queue/pinging-publisher.js';
import type { Publisher, Task } from '../../src/queue/task.js';
import { FakeTimers, makeHit } from './helpers.js';

class RecordingPublisher implements Publisher {
  readonly published: { at: number; task: Task }[] = [];
  closed = false;
  fail = false;

  constructor(private readonly timers: FakeTimers) {}

  async publish(task: Task): Promise<void> {
    if (this.fail) throw new Error('queue unavailable');
    this.published.push({ at: this.timers.now(), task });
  }

  async ready(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  pingTimes(since: number): number[] {
    return this.published.filter((p) => isPing(p.task)).map((p) => p.at - since);
  }
}

test('fixed cadence: a ping every interval while idle', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, 1000, { timers });
  await timers.advance(3500);
  assert.equal(inner.pingTimes(start), [1000, 2000, 3000]);
  const first = inner.published[0]!.task;
  assert.is(pingTime(first), Math.floor((start + 1000) / 1000) * 1000);
  await pub.close();
});

test('fixed cadence: no ping in an interval that saw a real publish', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, { intervalMs: 1000, timers });
  await timers.advance(1500);
  await pub.publish(createHitsTask([makeHit()])); // at 1500
  await timers.advance(2000); // ticks at 2000 (500 ms after the publish: skip) and 3000 (1500 ms: ping)
  assert.equal(inner.pingTimes(start), [1000, 3000]);
  assert.is(inner.published.filter((p) => !isPing(p.task)).length, 1);
  await pub.close();
});

test('fixed cadence: after a failed ping, pings resume once the queue has been ready for the grace period', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, 1000, { timers });
  inner.fail = true;
  await timers.advance(1000);
  inner.fail = false;
  // Ready from the tick at 2000 on; the grace is five intervals, at least 10 s.
  await timers.advance(12_500);
  assert.equal(inner.pingTimes(start), [12_000, 13_000]);
  await pub.close();
});

test('the grace starts again whenever the queue is not ready', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, 1000, { timers, recoveryGraceMs: 2000 });
  inner.fail = true;
  await timers.advance(1000);
  inner.fail = false;
  inner.closed = true; // ready() is false
  await timers.advance(2000);
  inner.closed = false;
  await timers.advance(3500);
  // Ready seen at 4000; pings from 6000.
  assert.equal(inner.pingTimes(start), [6000]);
  await pub.close();
});

test('no ping while real publishes fail: staged hits must reach the queue before the clock moves past them', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, 1000, { timers });
  inner.fail = true;
  await pub.publish(createHitsTask([makeHit()])).catch(() => undefined);
  inner.fail = false;
  await timers.advance(3500);
  assert.equal(inner.pingTimes(start), [], 'pings wait for the failed batch');
  await pub.publish(createHitsTask([makeHit()]));
  await timers.advance(11_000);
  assert.equal(inner.pingTimes(start), [14_000], 'and resume after the grace that the successful publish started');
  await pub.close();
});

test('back-off cadence: 5 s, ×1.5, capped at 5 min', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new BackoffPingingPublisher(inner, { timers });
  await timers.advance(60 * 60 * 1000);
  const times = inner.pingTimes(start);
  const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]!));
  assert.equal(gaps.slice(0, 4), [5000, 7500, 11_250, 16_875]);
  assert.ok(gaps.every((g) => g <= 300_000));
  assert.is(gaps[gaps.length - 1], 300_000);
  await pub.close();
});

test('back-off cadence: a real publish resets the interval to 5 s after the current wait', async () => {
  const timers = new FakeTimers();
  const start = timers.now();
  const inner = new RecordingPublisher(timers);
  const pub = new BackoffPingingPublisher(inner, { timers });
  await timers.advance(5000 + 7500 + 11_250); // pings at 5000, 12500, 23750; next wait 16875 → 40625
  assert.equal(inner.pingTimes(start), [5000, 12_500, 23_750]);
  await timers.advance(1000);
  await pub.publish(createHitsTask([makeHit()])); // at 24750
  await timers.advance(40_625 - 24_750); // tick at 40625: idle for 15875 < 16875 → no ping
  assert.equal(inner.pingTimes(start), [5000, 12_500, 23_750]);
  await timers.advance(5000); // tick at 45625: idle ≥ 5 s → ping, next wait 7.5 s
  await timers.advance(7500);
  assert.equal(inner.pingTimes(start), [5000, 12_500, 23_750, 45_625, 53_125]);
  await pub.close();
});

test('close stops the pings and closes the inner publisher', async () => {
  const timers = new FakeTimers();
  const inner = new RecordingPublisher(timers);
  const pub = new PingingPublisher(inner, 1000, { timers });
  assert.ok(await pub.ready());
  await pub.close();
  await timers.advance(10_000);
  assert.is(inner.published.length, 0);
  assert.ok(inner.closed);
  assert.is(timers.pendingTimers, 0);
});

test.run();
