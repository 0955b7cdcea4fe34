import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lazyRequest, type Hit } from '../../src/hits/hit.js';
import { parseLayers } from '../../src/receiver/querystring.js';
import { createHitsTask, createPingTask } from '../../src/queue/hits-task.js';
import { DropTaskError, PROCESS_HITS_TASK } from '../../src/queue/task.js';
import { isolatedClientId, isolatedSessionStamp, isolatedUserIdStamp } from '../../src/protosessions/stamps.js';
import type { IdentifierKey } from '../../src/protosessions/store.js';
import { dueBucket } from '../../src/protosessions/buckets.js';
import { at, harness, hit, property, registry, SECOND, TIMEOUT_S } from './helpers.js';

const BROWSER: [string, string[]][] = [
  ['User-Agent', ['Mozilla/5.0 Shared']],
  ['Accept-Language', ['en-GB']],
];

test('the same client id in two properties makes two proto-sessions', async () => {
  const h = harness({ properties: registry(property('shop'), property('blog')) });
  try {
    await h.engine.handleHits([hit({ client: 'c1', property: 'shop', id: 's1' }), hit({ client: 'c1', property: 'blog', id: 'b1' })]);
    assert.is(h.engine.openProtoSessions(), 2);
    await h.engine.closeAll();
    const sessions = h.closer.calls.flat();
    assert.equal(sessions.map((ps) => ps.map((x) => x.id)).sort(), [['b1'], ['s1']]);
    const ids = sessions.map((ps) => isolatedClientId(ps[0]!.propertyId, ps[0]!.authoritativeClientId)).sort();
    assert.equal(ids, [isolatedClientId('blog', 'c1'), isolatedClientId('shop', 'c1')].sort());
  } finally {
    await h.done();
  }
});

test('a shared session stamp joins a second client into the first one\'s proto-session', async () => {
  const h = harness();
  const store = h.store;
  const stampOf = (headers: [string, string[]][], seconds: number): IdentifierKey => ({ type: 'session_stamp', stamp: isolatedSessionStamp(hit({ headers, at: at(seconds) })) });
  try {
    await h.engine.handleHits([hit({ client: 'client-a', id: 'a1', at: at(0), headers: BROWSER })]);
    await h.engine.handleHits([
      hit({ client: 'client-b', id: 'b1', at: at(5), headers: BROWSER }),
      hit({ client: 'client-b', id: 'b2', at: at(6), headers: [['User-Agent', ['different']]] }),
    ]);
    assert.is(h.engine.openProtoSessions(), 1, 'every hit of client-b in the batch follows, even b2 with its own stamp');
    assert.is(store.identifierOwner(stampOf(BROWSER, 0)), 'client-a');
    assert.is(store.identifierOwner(stampOf([['User-Agent', ['different']]], 6)), 'client-b', 'b2 claimed its own stamp');
    await h.engine.closeAll();
    assert.equal(h.closer.sessions(), [['a1', 'b1', 'b2']]);
    const [a1, b1] = h.closer.calls[0]![0]!;
    assert.is(b1!.authoritativeClientId, 'client-a');
    assert.is(b1!.clientId, 'client-b', 'the client id itself is kept');
    assert.is(b1!.metadata['original_authoritative_client_id'], 'client-b');
    assert.is(b1!.metadata['marked_for_eviction'], 'true');
    assert.is(a1!.metadata['original_authoritative_client_id'], undefined);
    assert.equal(Object.keys(a1!.metadata), ['protocol'], 'stamps are stored beside the hits, not in them');
    assert.is(store.identifierOwner(stampOf(BROWSER, 0)), undefined, 'released at close');
    assert.is(store.identifierOwner(stampOf([['User-Agent', ['different']]], 6)), undefined, 'b2\'s stamp went with it into the joined proto-session and is released too');
  } finally {
    await h.done();
  }
});

test('clients sharing a stamp within one batch join the earliest one', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([
      hit({ client: 'late-comer', id: 'l1', at: at(3), headers: BROWSER }),
      hit({ client: 'early-bird', id: 'e1', at: at(1), headers: BROWSER }),
    ]);
    await h.engine.closeAll();
    assert.equal(h.closer.sessions(), [['e1', 'l1']]);
    assert.is(h.closer.calls[0]![0]![1]!.authoritativeClientId, 'early-bird');
  } finally {
    await h.done();
  }
});

test('a shared user id joins clients whose headers differ', async () => {
  const h = harness({ properties: registry(property('shop', { joinBySessionStamp: false })) });
  const store = h.store;
  try {
    await h.engine.handleHits([hit({ client: 'phone', userId: 'user-42', id: 'p1', at: at(0) })]);
    await h.engine.handleHits([hit({ client: 'laptop', userId: 'user-42', id: 'l1', at: at(2) }), hit({ client: 'tablet', userId: null, id: 't1', at: at(3) })]);
    await h.engine.closeAll();
    assert.equal(h.closer.sessions().sort(), [['p1', 'l1'], ['t1']].sort());
    const joined = h.closer.calls.flat().find((ps) => ps.length === 2)!;
    assert.is(joined[1]!.authoritativeClientId, 'phone');
    assert.is(store.identifierOwner({ type: 'session_stamp', stamp: isolatedSessionStamp(hit({ at: at(0) })) }), undefined, 'no session stamp when that join is off');
  } finally {
    await h.done();
  }
});

test('a user id stamp is claimed by the first client and released when its proto-session closes', async () => {
  const h = harness({ properties: registry(property('shop', { joinBySessionStamp: false })) });
  const store = h.store;
  const user: IdentifierKey = { type: 'user_id', stamp: isolatedUserIdStamp('shop', 'user-42') };
  try {
    await h.engine.handleHits([hit({ client: 'phone', userId: 'user-42', id: 'p1', at: at(0) })]);
    await h.engine.handleHits([hit({ client: 'laptop', userId: 'user-42', id: 'l1', at: at(2) })]);
    assert.is(store.identifierOwner(user), 'phone');
    await h.engine.closeAll();
    assert.is(store.identifierOwner(user), undefined);
  } finally {
    await h.done();
  }
});

test('a batch stores each identifier its hits claimed once per proto-session, however many there are', async () => {
  const h = harness();
  const store = h.store;
  const agents = Array.from({ length: 20 }, (_, i) => `rotating agent ${i}`);
  try {
    // One client whose agent changes on every hit (a crawler, say): twenty stamps in one
    // proto-session, every one of them twice.
    const batch = [...agents, ...agents].map((agent, i) => hit({ client: 'rotating', id: `r${i}`, at: at(0, i), headers: [['User-Agent', [agent]]] }));
    // And one whose three hits share one stamp.
    const steady = [0, 1, 2].map((i) => hit({ client: 'steady', id: `s${i}`, at: at(0, i), headers: [['User-Agent', ['steady agent']]] }));
    await h.engine.handleHits([...batch, ...steady]);
    const read = store.readBucket(dueBucket(at(0), TIMEOUT_S * SECOND));
    const ps = read.find((x) => x.id === isolatedClientId('shop', 'rotating'));
    assert.equal(read.find((x) => x.id === isolatedClientId('shop', 'steady'))!.identifiers, [
      { type: 'session_stamp', stamp: isolatedSessionStamp(steady[0]!) },
    ]);
    const stamps = agents.map((agent, i) => isolatedSessionStamp(hit({ headers: [['User-Agent', [agent]]], at: at(0, i) })));
    assert.equal(ps!.identifiers, stamps.map((stamp) => ({ type: 'session_stamp', stamp })));
    for (const stamp of stamps) assert.is(store.identifierOwner({ type: 'session_stamp', stamp }), 'rotating');
    await h.engine.closeAll();
    assert.equal(h.closer.sessions().sort(), [batch.map((x) => x.id), steady.map((x) => x.id)].sort());
    for (const stamp of stamps) assert.is(store.identifierOwner({ type: 'session_stamp', stamp }), undefined);
  } finally {
    await h.done();
  }
});

test('joining is decided per property: off in one, on in the other', async () => {
  const h = harness({
    properties: registry(property('solo', { joinBySessionStamp: false, joinByUserId: false }), property('shop')),
  });
  try {
    const batch: Hit[] = [];
    for (const p of ['solo', 'shop']) {
      batch.push(hit({ property: p, client: 'x', userId: 'u', headers: BROWSER, id: `${p}-x` }));
      batch.push(hit({ property: p, client: 'y', userId: 'u', headers: BROWSER, id: `${p}-y` }));
    }
    await h.engine.handleHits(batch);
    await h.engine.closeAll();
    assert.equal(h.closer.sessions().sort(), [['shop-x', 'shop-y'], ['solo-x'], ['solo-y']]);
    const solo = h.closer.calls.flat().find((ps) => ps[0]!.id === 'solo-x')!;
    assert.equal(Object.keys(solo[0]!.metadata), ['protocol']);
  } finally {
    await h.done();
  }
});

test('a conflict in one property does not rewrite the same client id in another', async () => {
  const h = harness({ properties: registry(property('shop'), property('blog')) });
  try {
    await h.engine.handleHits([hit({ property: 'shop', client: 'owner', headers: BROWSER, id: 'o1' })]);
    await h.engine.handleHits([
      hit({ property: 'shop', client: 'visitor', headers: BROWSER, id: 'v-shop' }),
      hit({ property: 'blog', client: 'visitor', headers: [['User-Agent', ['blog reader']]], id: 'v-blog' }),
    ]);
    await h.engine.closeAll();
    const blog = h.closer.calls.flat().find((ps) => ps[0]!.propertyId === 'blog')!;
    assert.is(blog[0]!.authoritativeClientId, 'visitor');
    assert.equal(h.closer.sessions().sort(), [['o1', 'v-shop'], ['v-blog']]);
  } finally {
    await h.done();
  }
});

test('a late hit (due bucket already reached) is dropped with a warning and never closed', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'a', at: at(100), id: 'now' })]);
    const report = await h.engine.handleHits([hit({ client: 'b', at: at(70), id: 'late' }), hit({ client: 'c', at: at(71), id: 'just-in-time' })]);
    assert.is(report.late, 1);
    assert.is(report.stored, 1);
    const warning = h.logger.entries.find((e) => e.level === 'warn' && e.msg.includes('late'));
    assert.ok(warning);
    assert.is(warning.fields?.['bucket'], Math.floor(at(100) / 1000));
    await h.engine.closeAll();
    assert.equal(h.closer.allHitIds().sort(), ['just-in-time', 'now']);
  } finally {
    await h.done();
  }
});

test('the due bucket keeps the maximum: an older hit arriving later does not close the session early', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'x', at: at(50), id: 'newer' })]);
    await h.engine.handleHits([hit({ client: 'x', at: at(30), id: 'older' })]);
    await h.engine.advanceTime(at(62));
    await h.engine.closeDue();
    assert.equal(h.closer.calls, [], 'at 62 s only the older hit would be due');
    await h.engine.advanceTime(at(82));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['older', 'newer']], 'hits in time order');
  } finally {
    await h.done();
  }
});

test('a batch out of time order is stored in time order, hits of the same time in arrival order', async () => {
  const h = harness();
  try {
    await h.engine.handleHits([hit({ client: 'x', at: at(50), id: 'c' }), hit({ client: 'x', at: at(30), id: 'a' }), hit({ client: 'x', at: at(30), id: 'b' }), hit({ client: 'x', at: at(40), id: 'd' })]);
    await h.engine.advanceTime(at(72));
    await h.engine.closeDue();
    assert.equal(h.closer.calls, [], 'due after the latest hit (50 s), not after the batch\'s last one (40 s)');
    await h.engine.advanceTime(at(82));
    await h.engine.closeDue();
    assert.equal(h.closer.sessions(), [['a', 'b', 'd', 'c']]);
  } finally {
    await h.done();
  }
});

test('re-delivering the same task gives the same closed sessions, without duplicate hits', async () => {
  const run = async (deliveries: number): Promise<string[][]> => {
    const h = harness();
    try {
      const task = createHitsTask(
        [
          hit({ client: 'a', id: 'a1', at: at(0), headers: BROWSER }),
          hit({ client: 'b', id: 'b1', at: at(1), headers: BROWSER }),
          hit({ client: 'c', id: 'c1', at: at(2) }),
          hit({ client: 'c', id: 'c2', at: at(2) }),
        ],
        'task-1',
      );
      for (let i = 0; i < deliveries; i++) await h.engine.handleTask(task);
      await h.engine.advanceTime(at(40));
      await h.engine.closeDue();
      return h.closer.sessions();
    } finally {
      await h.done();
    }
  };
  const once = await run(1);
  assert.equal(once.map((s) => [...s].sort()).sort(), [['a1', 'b1'], ['c1', 'c2']]);
  assert.equal(await run(2), once);
  assert.equal(await run(3), once);
});

test('handleTask: a ping moves the clock, a hits task is stored, an undecodable body is a DropTaskError', async () => {
  const h = harness();
  try {
    await h.engine.handleTask(createHitsTask([hit({ at: at(0) })]));
    assert.is(h.engine.now(), at(0));
    await h.engine.handleTask(createPingTask(new Date(at(45))));
    assert.is(h.engine.now(), at(45));
    await h.engine.handleTask(createPingTask(new Date(at(10))));
    assert.is(h.engine.now(), at(45), 'the clock never goes back');
    let caught: unknown;
    try {
      await h.engine.handleTask({ type: PROCESS_HITS_TASK, headers: {}, body: new Uint8Array([1, 2, 3]) });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof DropTaskError);
    const debug = h.logger.entries.find((e) => e.level === 'debug' && e.msg.startsWith('appending to proto-sessions'));
    assert.ok(debug, 'the log line black-box tests look for');
  } finally {
    await h.done();
  }
});

test('intake leaves the caller\'s hit objects alone', async () => {
  const h = harness();
  try {
    const mine = [hit({ client: 'a', headers: BROWSER }), hit({ client: 'b', headers: BROWSER })];
    await h.engine.handleHits(mine);
    assert.equal(mine[1]!.metadata, { protocol: 'ga4' });
    assert.is(mine[1]!.authoritativeClientId, 'b');
  } finally {
    await h.done();
  }
});

test('hits of a property nobody configures are skipped and counted', async () => {
  const h = harness({ properties: registry(property('shop')) });
  try {
    const report = await h.engine.handleHits([hit({ property: 'nope' }), hit({ property: 'shop' })]);
    assert.is(report.unknownProperty, 1);
    assert.is(report.stored, 1);
  } finally {
    await h.done();
  }
});

/** The hit with its parameters as a raw query layer, as the receiver queues them. */
function layered(h: Hit): Hit {
  const { queryParams, ...fields } = h.request;
  const layer = [...queryParams].flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  return { ...h, request: lazyRequest({ ...fields, paramLayers: [layer] }, parseLayers) };
}

test('queued hits are stored as they came, except what intake changes: its own keys dropped, a joined client marked', async () => {
  const h = harness();
  try {
    const plain = layered(hit({ client: 'client-a', id: 'a1', at: at(0), headers: BROWSER, event: 'scroll' }));
    const forged = layered(hit({ client: 'client-c', id: 'c1', at: at(1) }));
    forged.metadata['isolated_session_stamp'] = 'ab'.repeat(32);
    forged.metadata['isolated_client_id'] = 'cd'.repeat(32);
    const joined = layered(hit({ client: 'client-b', id: 'b1', at: at(2), headers: BROWSER }));
    await h.engine.handleTask(createHitsTask([plain, forged, joined]));
    await h.engine.closeAll();
    const closed = new Map(h.closer.calls.flat(2).map((x) => [x.id, x]));
    assert.equal(h.closer.sessions().sort(), [['a1', 'b1'], ['c1']]);
    const a1 = closed.get('a1')!;
    assert.equal(a1.metadata, { protocol: 'ga4' });
    assert.is(a1.request.queryParams.get('en')?.[0], 'scroll');
    assert.equal(a1.request.headers, new Map(BROWSER));
    assert.equal(closed.get('c1')!.metadata, { protocol: 'ga4' }, 'keys intake owns are not stored');
    const b1 = closed.get('b1')!;
    assert.is(b1.authoritativeClientId, 'client-a');
    assert.is(b1.metadata['original_authoritative_client_id'], 'client-b');
    assert.is(b1.metadata['marked_for_eviction'], 'true');
  } finally {
    await h.done();
  }
});

test.run();
