import { connect, type NatsConnection } from 'nats';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHitsTask, createPingTask, decodeHitsTask, HitBatch } from '../../src/queue/hits-task.js';
import { deserializeTask } from '../../src/queue/message-format.js';
import {
  claimPartitions,
  deadLetterSubject,
  ensureQueueLayout,
  NatsConsumer,
  NatsLayoutError,
  NatsPublisher,
  parsePartitionList,
  PARTITION_HEADER,
  partitionedHitsSink,
  partitionOf,
  PartitionAssignmentError,
  PartitionListError,
  partitionSubject,
  type NatsQueueSettings,
} from '../../src/queue/nats/index.js';
import { DropTaskError, type Task } from '../../src/queue/task.js';
import { startNatsServer, type NatsServer } from '../support/nats.js';
import { makeHit, recordingLogger, waitFor } from './helpers.js';

let server: NatsServer;
let nc: NatsConnection;
let streamSeq = 0;
let settings: NatsQueueSettings;

test.before(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
test.after(async () => {
  await nc.close();
  await server.stop();
});
test.before.each(async () => {
  settings = { url: server.url, stream: `T${++streamSeq}`, partitions: 4 };
  await ensureQueueLayout(nc, settings);
});

const text = new TextDecoder();

/** Every message stored under a subject, read without consuming (work-queue streams allow direct gets). */
async function stored(subject: string): Promise<Task[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(settings.stream);
  const out: Task[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    try {
      const m = await jsm.streams.getMessage(settings.stream, { seq });
      if (m.subject === subject) out.push(deserializeTask(m.data));
    } catch {
      // deleted (acknowledged) message
    }
  }
  return out;
}

async function consumeUntil(consumer: NatsConsumer, handler: (t: Task) => Promise<void>, until: () => boolean, timeoutMs = 15_000): Promise<void> {
  const done = consumer.consume(handler);
  try {
    await waitFor(until, timeoutMs);
  } finally {
    await consumer.stop();
    await done;
  }
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function clientIn(partition: number, tag: string): string {
  for (let i = 0; ; i++) if (partitionOf('default', `${tag}-${i}`, 4) === partition) return `${tag}-${i}`;
}

test('partition lists accept numbers and ranges, and reject what does not exist', () => {
  assert.equal(parsePartitionList(['0-2', '7', '1'], 8), [0, 1, 2, 7]);
  assert.equal(parsePartitionList(['3,5-6'], 8), [3, 5, 6]);
  assert.equal(parsePartitionList([], 8), []);
  assert.throws(() => parsePartitionList(['8'], 8), /partition 8 does not exist/);
  assert.throws(() => parsePartitionList(['3-1'], 8), /runs backwards/);
  assert.throws(() => parsePartitionList(['a'], 8), /neither a partition number nor a range/);
  assert.instance(catchError(() => parsePartitionList(['9'], 8)), PartitionListError);
});

test('the partition of a client is stable and depends on the property too', () => {
  assert.is(partitionOf('default', 'c1', 16), partitionOf('default', 'c1', 16));
  const spread = new Set(Array.from({ length: 200 }, (_, i) => partitionOf('default', `c${i}`, 16)));
  assert.is(spread.size, 16);
});

test('pings go to every partition; a hits task without a partition is split by client', async () => {
  const publisher = new NatsPublisher(nc, settings, { ownsConnection: false });
  await publisher.publish(createPingTask(new Date(1_700_000_000_000)));
  const hits = [0, 1, 1, 3].map((p, i) => makeHit({ authoritativeClientId: clientIn(p, `split${i}`), clientId: clientIn(p, `split${i}`) }));
  await publisher.publish(createHitsTask(hits));
  await publisher.close();
  for (let p = 0; p < 4; p++) {
    const tasks = await stored(partitionSubject(settings.stream, p));
    assert.is(tasks.filter((t) => t.headers['is-ping'] === 'true').length, 1, `ping in partition ${p}`);
    const got = tasks.filter((t) => t.headers['is-ping'] !== 'true').flatMap((t) => decodeHitsTask(t).map((h) => h.id));
    assert.equal(got, hits.filter((h) => partitionOf('default', h.clientId, 4) === p).map((h) => h.id));
  }
});

test("the receivers' sink turns one batch into one task per partition it touches", async () => {
  const publisher = new NatsPublisher(nc, settings, { ownsConnection: false });
  const hits = [2, 2, 0].map((p, i) => makeHit({ authoritativeClientId: clientIn(p, `sink${i}`), clientId: clientIn(p, `sink${i}`) }));
  await partitionedHitsSink(publisher, 4)(HitBatch.of(hits));
  const p2 = await stored(partitionSubject(settings.stream, 2));
  assert.is(p2.length, 1);
  assert.is(p2[0]!.headers[PARTITION_HEADER], '2');
  assert.equal(decodeHitsTask(p2[0]!).map((h) => h.id), [hits[0]!.id, hits[1]!.id]);
  assert.is((await stored(partitionSubject(settings.stream, 0))).length, 1);
  assert.is((await stored(partitionSubject(settings.stream, 1))).length, 0);
  await publisher.close();
});

test('a consumer takes only its partitions, in publication order across them, and acknowledges after the handler', async () => {
  const publisher = new NatsPublisher(nc, settings, { ownsConnection: false });
  const order = [1, 3, 1, 2, 3, 1];
  for (const [i, p] of order.entries()) {
    const t = createHitsTask([makeHit({ id: `o${i}`, authoritativeClientId: clientIn(p, `o${i}`) })]);
    t.headers[PARTITION_HEADER] = String(p);
    await publisher.publish(t);
  }
  const consumer = new NatsConsumer(nc, settings, { partitions: [1, 3], ownsConnection: false });
  const seen: string[] = [];
  let unackedDuringHandler = -1;
  await consumeUntil(
    consumer,
    async (t) => {
      if (seen.length === 0) unackedDuringHandler = (await stored(partitionSubject(settings.stream, 1))).length;
      seen.push(decodeHitsTask(t)[0]!.id);
    },
    () => seen.length >= 5,
  );
  assert.equal(seen, ['o0', 'o1', 'o2', 'o4', 'o5']);
  assert.is(unackedDuringHandler, 3, 'the task in hand is still in the stream');
  await waitFor(async () => (await stored(partitionSubject(settings.stream, 1))).length === 0, 5_000);
  assert.is((await stored(partitionSubject(settings.stream, 2))).length, 1, 'partition 2 is left for its owner');
  await publisher.close();
});

test('a task that was delivered but never acknowledged is delivered again to the next consumer at once', async () => {
  const publisher = new NatsPublisher(nc, settings, { ownsConnection: false });
  const t = createHitsTask([makeHit({ id: 'crash' })]);
  t.headers[PARTITION_HEADER] = '0';
  await publisher.publish(t);
  // A worker that dies in the middle of the handler: its connection goes away unacknowledged.
  const doomed = await connect({ servers: server.url });
  const first = new NatsConsumer(doomed, settings, { partitions: [0], ackWaitMs: 60_000 });
  let started = false;
  void first.consume(async () => {
    started = true;
    await new Promise(() => undefined);
  });
  await waitFor(() => started, 10_000);
  await doomed.close();
  const second = new NatsConsumer(nc, settings, { partitions: [0], ownsConnection: false, ackWaitMs: 60_000 });
  const seen: string[] = [];
  const t0 = Date.now();
  await consumeUntil(second, async (task) => void seen.push(decodeHitsTask(task)[0]!.id), () => seen.length >= 1, 10_000);
  assert.equal(seen, ['crash']);
  assert.ok(Date.now() - t0 < 5_000, 'not after the ack wait');
  await publisher.close();
});

test('corrupt, dropped and repeatedly failing tasks go to the dead letters with their reason; the rest goes on', async () => {
  const js = nc.jetstream();
  await js.publish(partitionSubject(settings.stream, 0), new Uint8Array([9, 1, 2]));
  const publisher = new NatsPublisher(nc, settings, { ownsConnection: false });
  for (const id of ['drop', 'fail', 'fine']) {
    const t = createHitsTask([makeHit({ id })]);
    t.headers[PARTITION_HEADER] = '0';
    await publisher.publish(t);
  }
  const logger = recordingLogger();
  const consumer = new NatsConsumer(nc, settings, { partitions: [0], ownsConnection: false, maxAttempts: 3, retryInitialMs: 20, logger });
  const calls: string[] = [];
  await consumeUntil(
    consumer,
    async (t) => {
      const id = decodeHitsTask(t)[0]!.id;
      calls.push(id);
      if (id === 'drop') throw new DropTaskError('not for us');
      if (id === 'fail') throw new Error('state database is locked');
    },
    () => calls.includes('fine') && calls.filter((c) => c === 'fail').length >= 3,
  );
  assert.is(calls.filter((c) => c === 'fail').length, 3);
  assert.is(calls.filter((c) => c === 'drop').length, 1);
  await waitFor(async () => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.streams.info(settings.stream)).state.messages === 3;
  }, 5_000);
  const jsm = await nc.jetstreamManager();
  const reasons: string[] = [];
  const info = await jsm.streams.info(settings.stream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    try {
      const m = await jsm.streams.getMessage(settings.stream, { seq });
      if (m.subject === deadLetterSubject(settings.stream)) reasons.push(m.header.get('Cairn-Dead-Letter-Reason'));
    } catch {
      // acknowledged
    }
  }
  assert.is(reasons.length, 3);
  assert.match(reasons.join('\n'), /cannot deserialize task/);
  assert.match(reasons.join('\n'), /handler dropped task: not for us/);
  assert.match(reasons.join('\n'), /handler failed 3 times; last error: state database is locked/);
  await publisher.close();
});

test('automatic assignment: each worker claims its share, keeps it across restarts, and a surplus worker is refused', async () => {
  const kv = await ensureQueueLayout(nc, settings);
  const logger = recordingLogger();
  const a = await claimPartitions(kv, { id: 'worker-a', partitions: 4, workers: 2, logger });
  const b = await claimPartitions(kv, { id: 'worker-b', partitions: 4, workers: 2, logger });
  assert.equal(a, [0, 1]);
  assert.equal(b, [2, 3]);
  assert.equal(await claimPartitions(kv, { id: 'worker-a', partitions: 4, workers: 2, logger }), [0, 1]);
  try {
    await claimPartitions(kv, { id: 'worker-c', partitions: 4, workers: 2, logger });
    assert.unreachable('a third worker has no partition left');
  } catch (err) {
    assert.instance(err, PartitionAssignmentError);
  }
});

test('receivers and workers must agree on the partition count', async () => {
  try {
    await ensureQueueLayout(nc, { ...settings, partitions: 8 });
    assert.unreachable('the count differs');
  } catch (err) {
    assert.instance(err, NatsLayoutError);
    assert.match(String(err), /4 partitions but queue.nats.partitions is 8/);
  }
});

test.run();
