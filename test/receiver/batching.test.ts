import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hit } from '../../src/hits/hit.js';
import { BatchingStorage, MemoryBatchingBackend } from '../../src/receiver/batching/index.js';
import { decodeHitsTask, hitsTaskSink, type HitBatch } from '../../src/queue/hits-task.js';
import type { Publisher, Task } from '../../src/queue/task.js';
import { StorageFullError } from '../../src/receiver/hit-storage.js';
import { FakeTimers, makeHit, recordingLogger, settle } from '../queue/helpers.js';

/** A sink that records batches and can be told to fail or to hold each call open. */
class Sink {
  readonly batches: Hit[][] = [];
  failNext = 0;
  hold = false;
  active = 0;
  maxActive = 0;
  private releases: (() => void)[] = [];

  readonly fn = async (batch: HitBatch): Promise<void> => {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.hold) await new Promise<void>((r) => this.releases.push(r));
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('queue down');
      }
      this.batches.push(batch.hits());
    } finally {
      this.active--;
    }
  };

  releaseAll(): void {
    const r = this.releases;
    this.releases = [];
    for (const f of r) f();
  }

  get waiting(): number {
    return this.releases.length;
  }

  ids(): string[][] {
    return this.batches.map((b) => b.map((h) => h.id));
  }
}

function setup(options: { batchSize?: number; timeoutMs?: number; maxPendingHits?: number } = {}) {
  const timers = new FakeTimers();
  const sink = new Sink();
  const backend = new MemoryBatchingBackend(options.maxPendingHits === undefined ? {} : { maxPendingHits: options.maxPendingHits });
  const logger = recordingLogger();
  const storage = new BatchingStorage({
    backend,
    sink: sink.fn,
    batchSize: options.batchSize ?? 3,
    timeoutMs: options.timeoutMs ?? 1000,
    timers,
    logger,
  });
  return { timers, sink, backend, storage, logger };
}

test('flushes when batchSize hits have arrived, inside the push that reached it', async () => {
  const { sink, storage } = setup({ batchSize: 3 });
  const [a, b, c] = [makeHit(), makeHit(), makeHit()];
  await storage.push([a!, b!]);
  assert.is(sink.batches.length, 0);
  await storage.push([c!]);
  assert.equal(sink.ids(), [[a!.id, b!.id, c!.id]]);
  await storage.close();
});

test('flushes timeoutMs after the last flush when traffic is low', async () => {
  const { timers, sink, storage } = setup({ batchSize: 100, timeoutMs: 1000 });
  const h = makeHit();
  await storage.push([h]);
  await timers.advance(999);
  assert.is(sink.batches.length, 0);
  await timers.advance(1);
  assert.equal(sink.ids(), [[h.id]]);
  await timers.advance(5000);
  assert.is(sink.batches.length, 1, 'nothing staged, nothing published');
  await storage.close();
});

test('a failed flush keeps the hits in memory and the next tick publishes them', async () => {
  const { timers, sink, backend, storage, logger } = setup({ batchSize: 100 });
  const first = makeHit();
  await storage.push([first]);
  sink.failNext = 1;
  await timers.advance(1000);
  assert.is(sink.batches.length, 0);
  assert.is(backend.size, 1);
  assert.ok(logger.entries.some((e) => e.level === 'warn' && e.msg.includes('stay staged')));
  const second = makeHit();
  await storage.push([second]);
  await timers.advance(1000);
  assert.equal(sink.ids(), [[first.id, second.id]]);
  assert.is(backend.size, 0);
  await storage.close();
});

test('a size-triggered flush that fails does not fail the push', async () => {
  const { sink, backend, storage } = setup({ batchSize: 1 });
  sink.failNext = 1;
  const h = makeHit();
  await storage.push([h]); // must resolve: the hit is staged
  assert.is(backend.size, 1);
  await storage.close();
  assert.equal(sink.ids(), [[h.id]]);
});

test('flushes never overlap; requests made during a flush share one follow-up', async () => {
  const { timers, sink, storage } = setup({ batchSize: 1 });
  sink.hold = true;
  const p1 = storage.push([makeHit()]);
  await settle();
  assert.is(sink.waiting, 1);
  const p2 = storage.push([makeHit()]);
  const p3 = storage.push([makeHit()]);
  await timers.advance(5000);
  await settle();
  assert.is(sink.waiting, 1, 'still only the first flush running');
  sink.releaseAll();
  await p1;
  await settle();
  assert.is(sink.waiting, 1, 'one follow-up flush for both waiting pushes');
  sink.releaseAll();
  await Promise.all([p2, p3]);
  sink.hold = false;
  await storage.close();
  assert.is(sink.maxActive, 1);
  assert.equal(sink.batches.map((b) => b.length), [1, 2]);
});

test('hits pushed during a flush are not lost when that flush fails', async () => {
  const { sink, backend, storage } = setup({ batchSize: 2 });
  sink.hold = true;
  sink.failNext = 1;
  const a = makeHit();
  const b = makeHit();
  const c = makeHit();
  const p = storage.push([a, b]);
  await settle();
  await storage.push([c]); // below batch size: staged behind the failing batch
  sink.releaseAll();
  await p;
  sink.hold = false;
  assert.is(backend.size, 3);
  await storage.close();
  assert.equal(sink.ids(), [[a.id, b.id, c.id]]);
});

test('close flushes what is staged, stops the timer and refuses later pushes', async () => {
  const { timers, sink, storage } = setup({ batchSize: 100 });
  const h = makeHit();
  await storage.push([h]);
  await storage.close();
  assert.equal(sink.ids(), [[h.id]]);
  assert.is(timers.pendingTimers, 0);
  let err: unknown;
  await storage.push([makeHit()]).catch((e: unknown) => (err = e));
  assert.instance(err, Error);
  await storage.close(); // idempotent
});

test('the memory backend can be bounded: StorageFullError past maxPendingHits', async () => {
  const { sink, storage } = setup({ batchSize: 100, maxPendingHits: 3 });
  await storage.push([makeHit(), makeHit()]);
  let err: unknown;
  await storage.push([makeHit(), makeHit()]).catch((e: unknown) => (err = e));
  assert.instance(err, StorageFullError);
  await storage.push([makeHit()]);
  await storage.close();
  assert.equal(sink.batches.map((b) => b.length), [3]);
});

test('batches published as tasks come out whole while the staging reuses their memory', async () => {
  const tasks: Task[] = [];
  const timers = new FakeTimers();
  const storage = new BatchingStorage({
    backend: new MemoryBatchingBackend(),
    sink: hitsTaskSink({ publish: async (task) => void tasks.push(task), ready: async () => true, close: async () => {} } satisfies Publisher),
    batchSize: 400,
    timers,
  });
  const sent: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const hit = makeHit({ id: `hit-${i}`, clientId: `client-${i % 37}` });
    sent.push(hit.id);
    await storage.push([hit]);
  }
  await storage.close();
  assert.is(tasks.length, 5);
  assert.equal(tasks.flatMap((t) => decodeHitsTask(t).map((h) => h.id)), sent);
});

test('a sink that keeps the views of a batch still reads them after later batches', async () => {
  const kept: { views: readonly Uint8Array[]; copies: Buffer[] }[] = [];
  const timers = new FakeTimers();
  const storage = new BatchingStorage({
    backend: new MemoryBatchingBackend(),
    sink: async (batch) => void kept.push({ views: batch.items, copies: batch.items.map((v) => Buffer.from(v)) }),
    batchSize: 300,
    timers,
  });
  for (let i = 0; i < 1500; i++) await storage.push([makeHit({ id: `hit-${i}` })]);
  await storage.close();
  assert.is(kept.length, 5);
  for (const { views, copies } of kept) views.forEach((v, i) => assert.ok(Buffer.from(v).equals(copies[i]!)));
});

test('options are validated', () => {
  const backend = new MemoryBatchingBackend();
  const sink = async (): Promise<void> => {};
  assert.throws(() => new BatchingStorage({ backend, sink, batchSize: 0 }), /batchSize/);
  assert.throws(() => new BatchingStorage({ backend, sink, timeoutMs: 0 }), /timeoutMs/);
});

test.run();
