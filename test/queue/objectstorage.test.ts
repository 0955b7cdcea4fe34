import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ObjectStorageConsumer,
  ObjectStoragePublisher,
  S3Bucket,
  TaskKeyClock,
  listingPrefix,
  taskKeyTime,
  type ObjectBucket,
} from '../../src/queue/objectstorage/index.js';
import { serializeTask, deserializeTask } from '../../src/queue/message-format.js';
import { DropTaskError, type Task } from '../../src/queue/task.js';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3rver, type FakeS3 } from '../support/s3rver.js';
import { recordingLogger, waitFor } from './helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

let s3: FakeS3;
let bucket: S3Bucket;
let prefixSeq = 0;
let prefix: string;

test.before(async () => {
  s3 = await startS3rver();
});
test.after(async () => {
  await s3.stop();
});
test.before.each(() => {
  bucket = newBucket();
  prefix = `test/q${++prefixSeq}`;
});
test.after.each(() => {
  bucket.close();
});

function newBucket(): S3Bucket {
  return new S3Bucket({ endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY });
}

function task(label: string): Task {
  return { type: 'test', headers: { task_id: `id-${label}` }, body: enc.encode(label) };
}

/** Counts the calls a consumer makes, around a real bucket. */
class CountingBucket implements ObjectBucket {
  lists = 0;
  listTimes: number[] = [];
  deletes: string[] = [];
  constructor(private readonly inner: ObjectBucket) {}
  put(key: string, data: Uint8Array): Promise<void> {
    return this.inner.put(key, data);
  }
  list(p: string, limit: number): Promise<string[]> {
    this.lists++;
    this.listTimes.push(Date.now());
    return this.inner.list(p, limit);
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  async delete(key: string): Promise<void> {
    this.deletes.push(key);
    await this.inner.delete(key);
  }
  reachable(): Promise<boolean> {
    return this.inner.reachable();
  }
  describe(): string {
    return 'counting';
  }
  close(): void {}
}

async function consumeUntil(consumer: ObjectStorageConsumer, handler: (t: Task) => Promise<void>, until: () => boolean, timeoutMs = 20_000): Promise<void> {
  const done = consumer.consume(handler);
  try {
    await waitFor(until, timeoutMs);
  } finally {
    await consumer.stop();
    await done;
  }
}

test('keys are <prefix>/<unix ns>_<task id>, increasing in publish order, and read back whole', async () => {
  const publisher = new ObjectStoragePublisher(bucket, { prefix: `/${prefix}/`, ownsBucket: false });
  for (const l of ['a', 'b', 'c']) await publisher.publish(task(l));
  await publisher.close();
  const keys = await bucket.list(listingPrefix(prefix), 100);
  assert.is(keys.length, 3);
  const times = keys.map((k) => taskKeyTime(k)!);
  for (const k of keys) assert.match(k, new RegExp(`^${prefix}/\\d{19}_id-[abc]$`));
  assert.ok(times[0]! < times[1]! && times[1]! < times[2]!);
  assert.equal(keys.map((k) => k.slice(-1)), ['a', 'b', 'c']);
  const back = deserializeTask((await bucket.get(keys[0]!))!);
  assert.equal(back, task('a'));
  assert.ok(await publisher.ready() === false, 'a closed publisher is not ready');
});

test('an empty prefix writes bare keys', async () => {
  const publisher = new ObjectStoragePublisher(bucket, { prefix: '', ownsBucket: false, clock: new TaskKeyClock(() => 42n) });
  await publisher.publish(task('bare'));
  assert.ok((await bucket.list('', 1000)).includes('42_id-bare'));
  await bucket.delete('42_id-bare');
});

test('tasks are consumed oldest first across batches of max_items_to_read_at_once, each deleted once handled', async () => {
  // Stored newest first: the consumer orders by the key's timestamp, not by arrival.
  for (const [i, l] of ['g', 'f', 'e', 'd', 'c', 'b', 'a'].entries()) {
    await bucket.put(`${prefix}/${1_000_000_007 - i}_id-${l}`, serializeTask(task(l)));
  }
  const counting = new CountingBucket(bucket);
  const consumer = new ObjectStorageConsumer(counting, { prefix, maxItems: 3, minIntervalMs: 50, maxIntervalMs: 100 });
  const seen: string[] = [];
  const remainingWhenHandled: number[] = [];
  await consumeUntil(
    consumer,
    async (t) => {
      seen.push(dec.decode(t.body));
      remainingWhenHandled.push((await bucket.list(listingPrefix(prefix), 100)).length);
    },
    () => seen.length >= 7,
  );
  assert.equal(seen, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  // One listing per batch of three: 3 + 3 + 1.
  assert.ok(counting.lists >= 3);
  // The task in hand is still there; the ones before it are already gone.
  assert.equal(remainingWhenHandled, [7, 6, 5, 4, 3, 2, 1]);
  assert.equal(await bucket.list(listingPrefix(prefix), 100), []);
});

test('an object that does not deserialize goes to the dead letters with its reason, and the queue goes on', async () => {
  const publisher = new ObjectStoragePublisher(bucket, { prefix, ownsBucket: false });
  await publisher.publish(task('before'));
  const badKey = `${prefix}/${BigInt(Date.now()) * 1_000_000n + 999_999n}_corrupt`;
  await bucket.put(badKey, enc.encode('\u0005xy'));
  await new Promise((r) => setTimeout(r, 5));
  await publisher.publish(task('after'));
  const logger = recordingLogger();
  const consumer = new ObjectStorageConsumer(bucket, { prefix, minIntervalMs: 50, logger });
  const seen: string[] = [];
  await consumeUntil(consumer, async (t) => void seen.push(dec.decode(t.body)), () => seen.length >= 2);
  assert.equal(seen, ['before', 'after']);
  const dead = await bucket.list(`${prefix}/dead-letter/`, 100);
  const name = badKey.slice(prefix.length + 1);
  assert.equal(dead.sort(), [`${prefix}/dead-letter/${name}`, `${prefix}/dead-letter/${name}.reason`]);
  assert.match(dec.decode((await bucket.get(`${prefix}/dead-letter/${name}.reason`))!), /cannot deserialize task/);
  assert.equal(dec.decode((await bucket.get(`${prefix}/dead-letter/${name}`))!), '\u0005xy');
  assert.equal(await bucket.list(listingPrefix(prefix), 100), [], 'dead letters are not listed with the queue');
  assert.ok(logger.entries.some((e) => e.msg === 'task moved to dead letters'));
});

test('a failing task is retried with growing pauses, holding back the next, then dead-lettered after max_attempts', async () => {
  const publisher = new ObjectStoragePublisher(bucket, { prefix, ownsBucket: false });
  await publisher.publish(task('poison'));
  await publisher.publish(task('next'));
  const consumer = new ObjectStorageConsumer(bucket, { prefix, minIntervalMs: 20, maxAttempts: 3, retryInitialMs: 50, retryMaxMs: 1000 });
  const calls: { label: string; at: number }[] = [];
  await consumeUntil(
    consumer,
    async (t) => {
      const label = dec.decode(t.body);
      calls.push({ label, at: Date.now() });
      if (label === 'poison') throw new Error('warehouse says no');
    },
    () => calls.some((c) => c.label === 'next'),
  );
  assert.equal(calls.map((c) => c.label), ['poison', 'poison', 'poison', 'next']);
  const gaps = [calls[1]!.at - calls[0]!.at, calls[2]!.at - calls[1]!.at];
  assert.ok(gaps[0]! >= 45 && gaps[1]! >= 95, `pauses double: ${gaps.join(', ')}`);
  const reason = (await bucket.list(`${prefix}/dead-letter/`, 10)).find((k) => k.endsWith('.reason'))!;
  assert.match(dec.decode((await bucket.get(reason))!), /failed 3 times; last error: warehouse says no/);
});

test('a task the handler drops is dead-lettered at once', async () => {
  const publisher = new ObjectStoragePublisher(bucket, { prefix, ownsBucket: false });
  await publisher.publish(task('bad-body'));
  const consumer = new ObjectStorageConsumer(bucket, { prefix, minIntervalMs: 20 });
  let calls = 0;
  await consumeUntil(
    consumer,
    async () => {
      calls++;
      throw new DropTaskError('body does not decode');
    },
    () => calls >= 1,
  );
  await waitFor(async () => (await bucket.list(`${prefix}/dead-letter/`, 10)).length === 2, 5000).catch(() => undefined);
  assert.is(calls, 1);
  assert.is((await bucket.list(`${prefix}/dead-letter/`, 10)).length, 2);
});

test('two prefixes in one bucket do not see each other, and foreign keys are skipped, never deleted', async () => {
  const other = `${prefix}-other`;
  await new ObjectStoragePublisher(bucket, { prefix: other, ownsBucket: false }).publish(task('theirs'));
  await new ObjectStoragePublisher(bucket, { prefix, ownsBucket: false }).publish(task('ours'));
  await bucket.put(`${prefix}/README.txt`, enc.encode('not a task'));
  const logger = recordingLogger();
  const consumer = new ObjectStorageConsumer(bucket, { prefix, minIntervalMs: 20, logger });
  const seen: string[] = [];
  await consumeUntil(consumer, async (t) => void seen.push(dec.decode(t.body)), () => seen.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(seen, ['ours']);
  assert.is((await bucket.list(listingPrefix(other), 10)).length, 1);
  assert.ok((await bucket.list(listingPrefix(prefix), 10)).includes(`${prefix}/README.txt`));
  assert.is(logger.entries.filter((e) => e.msg.startsWith('skipping an object')).length, 1, 'reported once');
});

test('polling backs off by the factor while the queue is empty, up to the max, and resets on work', async () => {
  const counting = new CountingBucket(bucket);
  const consumer = new ObjectStorageConsumer(counting, { prefix, minIntervalMs: 40, maxIntervalMs: 200, intervalFactor: 2 });
  const seen: string[] = [];
  const done = consumer.consume(async (t) => void seen.push(dec.decode(t.body)));
  try {
  await waitFor(() => counting.lists >= 5, 10_000);
  const gaps = counting.listTimes.slice(1).map((t, i) => t - counting.listTimes[i]!);
  // 40, 80, 160, 200 (capped)
  assert.ok(gaps[0]! >= 35 && gaps[0]! < 80, `first ${gaps[0]}`);
  assert.ok(gaps[1]! >= 75 && gaps[1]! < 150, `second ${gaps[1]}`);
  assert.ok(gaps[2]! >= 150 && gaps[2]! < 260, `third ${gaps[2]}`);
  assert.ok(gaps[3]! >= 190 && gaps[3]! < 300, `capped ${gaps[3]}`);
  await new ObjectStoragePublisher(bucket, { prefix, ownsBucket: false }).publish(task('wake'));
  await waitFor(() => seen.length === 1, 5_000);
  const at = counting.lists;
  await waitFor(() => counting.lists >= at + 2, 5_000);
  const last = counting.listTimes.slice(-2);
  assert.ok(last[1]! - last[0]! < 150, `after work the interval starts again from the minimum, not the 200 ms reached before (${last[1]! - last[0]!} ms)`);
  } finally {
    await consumer.stop();
    await done;
  }
});

test('serialized tasks survive the store byte for byte (checksums on and off)', async () => {
  const plain = new S3Bucket({ endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY, checksumsOnlyWhenRequired: true });
  const data = serializeTask({ type: 'process-hits', headers: { task_id: 'x' }, body: new Uint8Array(70_000).map((_, i) => i % 251) });
  for (const b of [bucket, plain]) {
    await b.put(`${prefix}/1_x`, data);
    assert.equal(await b.get(`${prefix}/1_x`), data);
    await b.delete(`${prefix}/1_x`);
    assert.is(await b.get(`${prefix}/1_x`), undefined);
    await b.delete(`${prefix}/1_x`);
  }
  plain.close();
});

test.run();
