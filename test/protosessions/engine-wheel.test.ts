import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPingTask } from '../../src/queue/hits-task.js';
import { EngineClosedError } from '../../src/protosessions/engine.js';
import { closerShard } from '../../src/protosessions/fnv.js';
import { isolatedClientId } from '../../src/protosessions/stamps.js';
import { dueBucket } from '../../src/protosessions/buckets.js';
import type { IdentifierKey } from '../../src/protosessions/store.js';
import { encodeHit } from '../../src/hits/hit-codec.js';
import { SqliteProtoSessionStore } from '../../src/protosessions/sqlite-store.js';
import { at, harness, hit, RecordingCloser, T0, TIMEOUT_S, version1Chunk } from './helpers.js';
import { waitFor } from '../queue/helpers.js';

const B0 = T0 / 1000;

async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

test('off by one: a hit at second s with timeout T closes only when the clock reaches s + T + 2', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a' }), hit({ client: 'b', at: at(0, 999), id: 'b' })]);
    await h.engine.advanceTime(at(TIMEOUT_S + 1, 999));
    let report = await h.engine.closeDue();
    assert.is(report.buckets, 0);
    assert.equal(h.closer.calls, []);
    await h.engine.advanceTime(at(TIMEOUT_S + 2));
    report = await h.engine.closeDue();
    assert.equal({ buckets: report.buckets, protoSessions: report.protoSessions, hits: report.hits }, { buckets: 1, protoSessions: 2, hits: 2 });
    assert.is(h.closer.calls.length, 1, 'both sessions of the bucket in one close call');
    assert.is(h.engine.openProtoSessions(), 0);
  } finally {
    await h.done();
  }
});

test('pings close sessions while no hits arrive', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ at: at(0), id: 'x' })]);
    for (let s = 1; s <= TIMEOUT_S + 2; s++) {
      await h.engine.handleTask(createPingTask(new Date(at(s))));
      await h.engine.closeDue();
      assert.is(h.closer.calls.length, s < TIMEOUT_S + 2 ? 0 : 1, `after the ping at +${s}s`);
    }
    assert.equal(h.closer.sessions(), [['x']]);
  } finally {
    await h.done();
  }
});

test('a bucket\'s sessions reach the closer ordered by FNV shard then id; hits by time, ties in arrival order', async () => {
  const h = harness();
  try {
    const clients = Array.from({ length: 25 }, (_, i) => `client-${i}`);
    await h.engine.handleHits(clients.map((c) => hit({ client: c, at: at(0), id: `${c}-hit` })));
    await h.engine.handleHits([
      hit({ client: 'solo', at: at(0, 500), id: 'z-second' }),
      hit({ client: 'solo', at: at(0, 100), id: 'y-first' }),
      hit({ client: 'solo', at: at(0, 500), id: 'a-third' }),
    ]);
    await h.engine.closeAll();
    assert.is(h.closer.calls.length, 1);
    const order = h.closer.calls[0]!.map((ps) => isolatedClientId(ps[0]!.propertyId, ps[0]!.authoritativeClientId));
    const expected = [...order].sort((a, b) => closerShard(a) - closerShard(b) || (a < b ? -1 : 1));
    assert.equal(order, expected);
    const solo = h.closer.calls[0]!.find((ps) => ps[0]!.clientId === 'solo')!;
    assert.equal(solo.map((x) => x.id), ['y-first', 'z-second', 'a-third']);
  } finally {
    await h.done();
  }
});

test('restart: the cursor and open sessions survive in the state file and close later', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a' }), hit({ client: 'b', at: at(20), id: 'b' })]);
    await h.engine.advanceTime(at(33));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['a']]);
    await h.reopen();
    assert.is(h.engine.now(), 0, 'the clock is not persisted');
    assert.is(h.engine.openProtoSessions(), 1);
    await h.engine.closeDue();
    assert.is(h.closer.calls.length, 1, 'nothing closes before time is seen again');
    // A hit due behind the cursor could never be closed after the restart: it is dropped.
    const report = await h.engine.handleHits([hit({ client: 'stale', at: at(0), id: 'stale' })]);
    assert.is(report.late, 1);
    await h.engine.handleTask(createPingTask(new Date(at(52))));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['a'], ['b']]);
    const store = SqliteProtoSessionStore.open(h.dir);
    await h.engine.close();
    assert.is(store.cursor(), B0 + 51);
    store.close();
  } finally {
    await h.done();
  }
});

test('catch-up after a jump in time closes every due bucket, in order, in one closeDue', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a' })]);
    await h.engine.handleHits([hit({ client: 'b', at: at(10), id: 'b' })]);
    await h.engine.handleHits([hit({ client: 'c', at: at(20), id: 'c' })]);
    await h.engine.handleHits([hit({ client: 'd', at: at(5000), id: 'd' })]);
    const report = await h.engine.closeDue();
    assert.is(report.buckets, 3);
    assert.equal(h.closer.sessions(), [['a'], ['b'], ['c']]);
    assert.is(h.engine.openProtoSessions(), 1);
  } finally {
    await h.done();
  }
});

test('a catch-up closes consecutive due buckets together, up to the hit limit per close, in bucket order', async () => {
  const h = harness({ maxHitsPerClose: 3 });
  try {
    // Seven sessions due in seven different buckets; the fourth has two hits.
    const hits = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((c, i) => hit({ client: c, at: at(i * 10), id: c }));
    hits.push(hit({ client: 'd', at: at(30, 1), id: 'd2' }));
    await h.engine.handleHits(hits);
    await h.engine.handleHits([hit({ client: 'late-enough', at: at(5000), id: 'z' })]);
    const report = await h.engine.closeDue();
    assert.equal({ buckets: report.buckets, protoSessions: report.protoSessions, hits: report.hits }, { buckets: 7, protoSessions: 7, hits: 8 });
    // Runs stop once they hold three hits: a b c | d(2) e | f g.
    assert.equal(
      h.closer.calls.map((call) => call.map((ps) => ps.map((x) => x.id))),
      [[['a'], ['b'], ['c']], [['d', 'd2'], ['e']], [['f'], ['g']]],
    );
    const b = (s: number): number => B0 + s + TIMEOUT_S;
    assert.equal(h.closer.closeIds, [`buckets-${b(0)}-${b(20)}`, `buckets-${b(30)}-${b(40)}`, `buckets-${b(50)}-${b(60)}`]);
    assert.is(h.engine.openProtoSessions(), 1);
    // The cursor moved past the last run: nothing is closed twice after a restart.
    await h.reopen({ maxHitsPerClose: 3 });
    await h.engine.advanceTime(at(5000));
    assert.is((await h.engine.closeDue()).buckets, 0);
    assert.is(h.closer.calls.length, 3);
  } finally {
    await h.done();
  }
});

test('a failed run is retried whole: same buckets, same close id, nothing lost or doubled', async () => {
  const h = harness({ maxHitsPerClose: 100, retryBackoffMs: 0 });
  try {
    await h.engine.handleHits(['a', 'b', 'c'].map((c, i) => hit({ client: c, at: at(i), id: c })));
    await h.engine.advanceTime(at(5000));
    h.closer.failuresLeft = 1;
    const failed = await h.engine.closeDue();
    assert.ok(failed.failure instanceof Error);
    assert.is(h.engine.openProtoSessions(), 3);
    const retried = await h.engine.closeDue();
    assert.is(retried.buckets, 3);
    assert.equal(h.closer.sessions(), [['a'], ['b'], ['c']]);
    assert.equal(h.closer.closeIds, [`buckets-${B0 + TIMEOUT_S}-${B0 + 2 + TIMEOUT_S}`]);
  } finally {
    await h.done();
  }
});

test('a first batch spanning more than the timeout loses nothing (the cursor starts at the earliest due bucket)', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'old', at: at(0), id: 'old' }), hit({ client: 'new', at: at(100), id: 'new' })]);
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['old']]);
  } finally {
    await h.done();
  }
});

test('skipCatchUp: the first tick after a restart moves the cursor to now; skipped sessions wait for a new hit', async () => {
  for (const skip of [false, true]) {
    const h = harness();
    try {
      await h.engine.handleHits([hit({ client: 'sleeper', at: at(0), id: 'before' })]);
      await h.engine.closeDue();
      await h.reopen({ skipCatchUp: skip });
      await h.engine.handleTask(createPingTask(new Date(at(1000))));
      await h.engine.closeDue();
      if (!skip) {
        assert.equal(h.closer.sessions(), [['before']], 'without the option the backlog is closed');
        continue;
      }
      assert.equal(h.closer.calls, []);
      assert.ok(h.logger.entries.some((e) => e.level === 'info' && e.msg.includes('skipping proto-session catch-up')));
      assert.is(h.engine.openProtoSessions(), 1);
      // New traffic closes normally, and a new hit of the skipped client takes its old hits along.
      await h.engine.handleHits([hit({ client: 'sleeper', at: at(1001), id: 'after' }), hit({ client: 'fresh', at: at(1001), id: 'fresh' })]);
      await h.engine.advanceTime(at(1001 + TIMEOUT_S + 2));
      await h.engine.closeDue();
      assert.equal(h.closer.sessions().sort(), [['before', 'after'], ['fresh']]);
    } finally {
      await h.done();
    }
  }
});

test('a closer that fails once: the bucket stays, is retried after the back-off, nothing lost or duplicated', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a1' }), hit({ client: 'a', at: at(1), id: 'a2' }), hit({ client: 'b', at: at(1), id: 'b1' })]);
    await h.engine.advanceTime(at(40));
    h.closer.failuresLeft = 1;
    const failed = await h.engine.closeDue();
    assert.ok(failed.failure instanceof Error);
    assert.is(failed.buckets, 0);
    assert.is(h.engine.openProtoSessions(), 2);
    assert.ok(h.logger.entries.some((e) => e.level === 'error'));
    const soon = await h.engine.closeDue();
    assert.ok(soon.backingOff, 'within the back-off nothing is tried');
    h.wall.now += 1000;
    const retried = await h.engine.closeDue();
    assert.is(retried.failure, undefined);
    assert.is(retried.buckets, 1);
    assert.equal(h.closer.sessions().sort(), [['a1', 'a2'], ['b1']]);
    assert.is(h.engine.openProtoSessions(), 0);
  } finally {
    await h.done();
  }
});

test('a hit arriving while its session\'s bucket is being closed waits, is not lost, and closes later', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'first' })]);
    await h.engine.advanceTime(at(TIMEOUT_S + 2));
    h.closer.hold();
    const started = h.closer.nextCallStarted();
    const closing = h.engine.closeDue();
    await started;
    let intakeDone = false;
    const intake = h.engine.handleHits([hit({ client: 'a', at: at(TIMEOUT_S + 3), id: 'second' })]).then((r) => {
      intakeDone = true;
      return r;
    });
    await settle();
    assert.not.ok(intakeDone, 'intake does not interleave with a close in progress');
    h.closer.open();
    await closing;
    const report = await intake;
    assert.is(report.stored, 1);
    assert.equal(h.closer.sessions(), [['first']]);
    await h.engine.advanceTime(at(2 * TIMEOUT_S + 5));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['first'], ['second']]);
  } finally {
    await h.done();
  }
});

test('closeAll drains every open session regardless of time; replay-style advance then closeDue does the same', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a' }), hit({ client: 'b', at: at(3), id: 'b' })]);
    const report = await h.engine.closeAll();
    assert.is(report.protoSessions, 2);
    assert.equal(h.closer.sessions(), [['a'], ['b']]);
    assert.is(h.engine.openProtoSessions(), 0);
    await h.engine.handleHits([hit({ client: 'c', at: at(10), id: 'c' })]);
    await h.engine.advanceTime(at(10 + TIMEOUT_S + 2));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['a'], ['b'], ['c']]);
    assert.equal((await h.engine.closeAll()).buckets, 0);
  } finally {
    await h.done();
  }
});

test('closeAll rejects when the closer fails, keeping the state', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ at: at(0) })]);
    h.closer.failuresLeft = 1;
    let caught: unknown;
    try {
      await h.engine.closeAll();
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof Error);
    assert.is(h.engine.openProtoSessions(), 1);
    await h.engine.closeAll();
    assert.is(h.closer.calls.length, 1);
  } finally {
    await h.done();
  }
});

test('identifiers are released when their session closes: the next visitor with that stamp starts anew', async () => {
  const h = harness();
  const shared: [string, string[]][] = [['User-Agent', ['same device']]];
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a', headers: shared })]);
    await h.engine.advanceTime(at(TIMEOUT_S + 2));
    await h.engine.closeDue();
    await h.engine.handleHits([hit({ client: 'b', at: at(TIMEOUT_S + 3), id: 'b', headers: shared })]);
    await h.engine.closeAll();
    const second = h.closer.calls[1]![0]!;
    assert.is(second[0]!.authoritativeClientId, 'b');
    assert.is(second[0]!.metadata['marked_for_eviction'], undefined);
  } finally {
    await h.done();
  }
});

test('hits stored by earlier builds (version 1 chunks, stamps in each hit\'s metadata) release their stamps when they close', async () => {
  const h = harness();
  const store = h.store as SqliteProtoSessionStore;
  const key: IdentifierKey = { type: 'session_stamp', stamp: 'cd'.repeat(32) };
  const psId = isolatedClientId('shop', 'old-client');
  const old = hit({ client: 'old-client', id: 'old', at: at(0) });
  old.metadata = { isolated_client_id: psId, isolated_session_stamp: key.stamp, protocol: 'ga4' };
  try {
    store.transaction(() => {
      store.claimIdentifier(key, 'old-client');
      const chunk = version1Chunk([{ hitId: 'old', receivedMs: at(0), payload: encodeHit(old) }]);
      store.db.prepare('INSERT INTO proto_session_chunks (proto_session_id, payload) VALUES (?, ?)').run(Buffer.from(psId, 'hex'), chunk);
      store.markDue(psId, dueBucket(at(0), TIMEOUT_S * 1000), at(0));
    });
    await h.engine.closeAll();
    assert.equal(h.closer.sessions(), [['old']]);
    assert.is(store.identifierOwner(key), undefined);
  } finally {
    await h.done();
  }
});

test('the timer closes due buckets while running; stop() waits for the close in hand', async () => {
  const closer = new RecordingCloser();
  const h = harness({ closer, tickIntervalMs: 5 });
  // The wheel's timer is unref'd (the consumer keeps a worker alive), so the test holds the loop open.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    h.engine.start();
    await h.engine.handleHits([hit({ at: at(0), id: 'timed' })]);
    const started = closer.nextCallStarted();
    closer.hold();
    await h.engine.advanceTime(at(TIMEOUT_S + 2));
    await started;
    let stopped = false;
    const stopping = h.engine.stop().then(() => (stopped = true));
    await settle();
    assert.not.ok(stopped, 'stop waits for the close in hand');
    closer.open();
    await stopping;
    assert.equal(closer.sessions(), [['timed']]);
  } finally {
    clearInterval(keepAlive);
    await h.done();
  }
});

test('metrics: open count and the age of the oldest open session on the hit-time clock', async () => {
  const h = harness();
  try {
    assert.is(h.engine.oldestOpenProtoSessionAgeMs(), null);
    await h.engine.handleHits([hit({ client: 'a', at: at(0) }), hit({ client: 'b', at: at(10) })]);
    assert.is(h.engine.openProtoSessions(), 2);
    assert.is(h.engine.oldestOpenProtoSessionAgeMs(), 10_000);
  } finally {
    await h.done();
  }
});

test('after close() every call rejects with EngineClosedError', async () => {
  const h = harness();
  await h.engine.close();
  let caught: unknown;
  try {
    await h.engine.handleHits([hit()]);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EngineClosedError);
  assert.is(h.engine.openProtoSessions(), 0);
  await h.done();
});

/** The real store, with its calls journaled and `sync` held until the test lets it go. */
function journaledStore(inner: SqliteProtoSessionStore) {
  const journal: string[] = [];
  const held: (() => void)[] = [];
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'sync') {
        return () => {
          journal.push('sync');
          return new Promise<void>((resolve) => held.push(() => void target.sync().then(resolve)));
        };
      }
      return (...args: unknown[]) => {
        if (name === 'transaction' || name === 'readBucket') journal.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const releaseAll = (): void => {
    for (const r of held.splice(0)) r();
  };
  return { store, journal, held, releaseAll };
}

test('a batch counts as taken only once the store has synced it; the next batch is taken in meanwhile', async () => {
  const h = harness();
  const j = journaledStore(SqliteProtoSessionStore.open(h.dir + '/journaled'));
  await h.reopen({ store: j.store });
  try {
    let firstDone = false;
    const first = h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a1' })]).then(() => (firstDone = true));
    await settle();
    assert.equal(j.journal, ['transaction', 'sync']);
    assert.is(firstDone, false, 'not done before its sync');
    // The second batch's intake does not wait for the first one's sync.
    const second = h.engine.handleHits([hit({ client: 'b', at: at(1), id: 'b1' })]);
    await waitFor(() => j.journal.length >= 4);
    await settle();
    assert.equal(j.journal, ['transaction', 'sync', 'transaction', 'sync']);
    j.releaseAll();
    await Promise.all([first, second]);
    assert.ok(firstDone);
    assert.is(h.engine.openProtoSessions(), 2);
  } finally {
    j.releaseAll();
    await h.done();
  }
});

test('a close syncs before it reads (intake must be on disk before its hits are handed on) and after it commits', async () => {
  const h = harness();
  const j = journaledStore(SqliteProtoSessionStore.open(h.dir + '/journaled'));
  await h.reopen({ store: j.store });
  try {
    const intake = h.engine.handleHits([hit({ client: 'a', at: at(0), id: 'a1' })]);
    await settle();
    j.releaseAll();
    await intake;
    await h.engine.advanceTime(at(TIMEOUT_S + 2));
    j.journal.length = 0;
    let closed = false;
    const closing = h.engine.closeDue().then(() => (closed = true));
    await settle();
    assert.equal(j.journal, ['sync'], 'nothing is read before the sync');
    assert.equal(h.closer.calls, []);
    j.releaseAll();
    await waitFor(() => j.journal.length >= 4);
    await settle();
    assert.equal(j.journal, ['sync', 'readBucket', 'transaction', 'sync']);
    assert.is(h.closer.calls.length, 1, 'handed on after the sync, before the commit');
    assert.is(closed, false, 'the close is not done before its commit is on disk');
    j.releaseAll();
    await closing;
    assert.ok(closed);
    assert.is(h.engine.openProtoSessions(), 0);
  } finally {
    j.releaseAll();
    await h.done();
  }
});

test('a batch\'s proto-sessions are stored in the order they fall due, so a close takes rows that lie together', async () => {
  const h = harness();
  const store = h.store as SqliteProtoSessionStore;
  try {
    // "late" is seen first but its last hit comes 20 s after "early"'s only one.
    await h.engine.handleHits([
      hit({ client: 'late', at: at(0), id: 'late-1' }),
      hit({ client: 'early', at: at(1), id: 'early-1' }),
      hit({ client: 'middle', at: at(2), id: 'middle-1' }),
      hit({ client: 'middle', at: at(10), id: 'middle-2' }),
      hit({ client: 'late', at: at(21), id: 'late-2' }),
    ]);
    const rows = store.db.prepare('SELECT lower(hex(proto_session_id)) AS id FROM proto_session_chunks ORDER BY seq').all() as { id: string }[];
    assert.equal(
      rows.map((r) => r.id),
      ['early', 'middle', 'late'].map((c) => isolatedClientId('shop', c)),
    );
    await h.engine.closeAll();
    assert.equal(h.closer.sessions().map((s) => [...s].sort()), [['early-1'], ['middle-1', 'middle-2'], ['late-1', 'late-2']]);
  } finally {
    await h.done();
  }
});

test.run();
