import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CURSOR_KEY, SqliteProtoSessionStore, STATE_FILE_NAME } from '../../src/protosessions/sqlite-store.js';
import { SqliteKV } from '../../src/storage/sqlite-kv.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { sha256Hex } from '../../src/protosessions/stamps.js';
import { tempDir } from './helpers.js';

const payload = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Stores one hit as a row of its own. */
const append1 = (store: SqliteProtoSessionStore, ps: string, hitId: string, receivedMs: number, body: string): void =>
  store.appendHits(ps, [{ hitId, receivedMs, payload: payload(body) }]);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const STAMP = { type: 'session_stamp', stamp: 'a'.repeat(64) } as const;
/** Proto-session ids are SHA-256 hex; the store keeps them as bytes. */
const id = (name: string): string => sha256Hex(name);

function withStore(fn: (store: SqliteProtoSessionStore, dir: string) => void): () => void {
  return () => {
    const t = tempDir('ps-store');
    const store = SqliteProtoSessionStore.open(t.dir);
    try {
      fn(store, t.dir);
    } finally {
      store.close();
      t.cleanup();
    }
  };
}

test('the state file is cairn-state.db, mode 0600, WAL with synchronous=NORMAL (synced by sync()), 16 KiB pages, checkpoints every 40 MiB', withStore((store, dir) => {
  assert.is(statSync(join(dir, STATE_FILE_NAME)).mode & 0o777, 0o600);
  assert.is(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.is(store.db.pragma('synchronous', { simple: true }), 1, 'NORMAL: commits are made durable by sync()');
  assert.is(store.db.pragma('page_size', { simple: true }), 16384);
  assert.is(store.db.pragma('wal_autocheckpoint', { simple: true }), 2560);
}));

test('a state file made with another page size keeps it', () => {
  const t = tempDir('ps-store');
  try {
    const old = SqliteKV.open(join(t.dir, STATE_FILE_NAME), { table: 'kv' });
    old.close();
    const store = SqliteProtoSessionStore.open(t.dir);
    try {
      assert.is(store.db.pragma('page_size', { simple: true }), 4096);
      assert.is(store.db.pragma('wal_autocheckpoint', { simple: true }), 10240);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});

test('identifiers: the first claimant owns, others get the owner back, removal frees it', withStore((store) => {
  assert.is(store.claimIdentifier(STAMP, 'client-a'), 'client-a');
  assert.is(store.claimIdentifier(STAMP, 'client-a'), 'client-a');
  assert.is(store.claimIdentifier(STAMP, 'client-b'), 'client-a');
  assert.is(store.claimIdentifier({ type: 'user_id', stamp: STAMP.stamp }, 'client-b'), 'client-b', 'types are separate');
  store.removeIdentifier(STAMP);
  assert.is(store.identifierOwner(STAMP), undefined);
  assert.is(store.claimIdentifier(STAMP, 'client-b'), 'client-b');
}));

test('a hit id stored twice is read once, as first stored, and counted; the due bucket keeps the maximum', withStore((store) => {
  append1(store, id('ps'), 'h1', 5000, 'first');
  store.appendHits(id('ps'), [
    { hitId: 'h0', receivedMs: 4000, payload: payload('zero') },
    { hitId: 'h1', receivedMs: 5000, payload: payload('second') },
  ]);
  store.markDue(id('ps'), 40, 5000);
  store.markDue(id('ps'), 35, 4000);
  assert.is(store.dueBucketOf(id('ps')), 40, 'an earlier mark does not move the session back');
  store.markDue(id('ps'), 42, 7000);
  assert.is(store.dueBucketOf(id('ps')), 42);
  assert.is(store.oldestFirstHitMs(), 4000);
  const [ps] = store.readBucket(42);
  assert.equal(ps!.hits.map((h) => text(h.payload)), ['zero', 'first']);
  assert.equal(ps!.hits.map((h) => [h.hitId, h.receivedMs]), [['h0', 4000], ['h1', 5000]]);
  assert.is(ps!.duplicates, 1);
  assert.equal(store.readBucket(40), [], 'membership is the latest due bucket only');
}));

test('readBucket: sessions in id order, hits by time then arrival; nextDueBucket finds the next non-empty bucket', withStore((store) => {
  // Rows of several hits and rows of one, times out of order across rows.
  store.appendHits(id('b'), [
    { hitId: 'late', receivedMs: 3000, payload: payload('b3') },
    { hitId: 'mid', receivedMs: 2000, payload: payload('b2') },
  ]);
  append1(store, id('b'), 'zz', 1000, 'b1-first');
  store.appendHits(id('b'), [
    { hitId: 'aa', receivedMs: 1000, payload: payload('b1-second') },
    { hitId: 'end', receivedMs: 4000, payload: payload('b4') },
  ]);
  append1(store, id('a'), 'x', 2000, 'a2');
  store.markDue(id('b'), 10, 1000);
  store.markDue(id('a'), 10, 2000);
  store.markDue(id('c'), 20, 1000);
  const read = store.readBucket(10);
  assert.equal(read.map((ps) => ps.id), [id('a'), id('b')].sort());
  const b = read.find((ps) => ps.id === id('b'))!;
  assert.equal(b.hits.map((h) => text(h.payload)), ['b1-first', 'b1-second', 'b2', 'b3', 'b4']);
  assert.is(store.nextDueBucket(-Infinity), 10);
  assert.is(store.nextDueBucket(11), 20);
  assert.is(store.nextDueBucket(21), undefined);
  assert.equal(store.readBucket(20), [{ id: id('c'), hits: [], identifiers: [], duplicates: 0, unreadable: [], lastRow: -1 }], 'a mark without hits is listed empty');
  assert.is(store.openCount(), 3);
}));

test('removeClosed deletes exactly the rows read; a hit appended meanwhile survives with its new mark', withStore((store) => {
  append1(store, id('ps'), 'h1', 1000, 'one');
  store.markDue(id('ps'), 31, 1000);
  append1(store, id('other'), 'o1', 1000, 'other');
  store.markDue(id('other'), 31, 1000);
  const read = store.readBucket(31);
  // While the close was awaited, a new hit arrived for the same session: due later.
  append1(store, id('ps'), 'h2', 40_000, 'two');
  store.markDue(id('ps'), 70, 40_000);
  store.transaction(() => store.removeClosed(31, read));
  assert.equal(store.readBucket(31), []);
  const later = store.readBucket(70);
  assert.equal(later.map((ps) => ps.id), [id('ps')]);
  assert.equal(later[0]!.hits.map((h) => text(h.payload)), ['two']);
  assert.not.ok(store.isOpen(id('other')));
  assert.is(store.openCount(), 1);
}));

test('ids and stamps that are not SHA-256 hex are refused', withStore((store) => {
  assert.throws(() => append1(store, 'not-a-digest', 'h', 1, 'x'), /64 lowercase hex/);
  assert.throws(() => store.claimIdentifier({ type: 'user_id', stamp: 'A'.repeat(64) }, 'c'), /64 lowercase hex/);
}));

test('the cursor lives under timingwheel.next.default as decimal text and rolls back with its transaction', withStore((store) => {
  assert.is(store.cursor(), undefined);
  store.setCursor(1_768_471_200);
  assert.is(store.cursor(), 1_768_471_200);
  assert.equal(new SqliteKV(store.db, { table: 'kv' }).get(CURSOR_KEY), payload('1768471200'));
  assert.throws(() =>
    store.transaction(() => {
      store.setCursor(5);
      append1(store, id('ps'), 'h', 1, 'x');
      throw new Error('abort');
    }),
  );
  assert.is(store.cursor(), 1_768_471_200);
  assert.is(store.openCount(), 0);
  assert.equal(store.readBucket(0), []);
  assert.throws(() => store.setCursor(1.5), RangeError);
}));

test('state survives closing and reopening the file', () => {
  const t = tempDir('ps-store-reopen');
  try {
    const a = SqliteProtoSessionStore.open(t.dir);
    append1(a, id('ps'), 'h', 1000, 'kept');
    a.markDue(id('ps'), 31, 1000);
    a.claimIdentifier(STAMP, 'client-a');
    a.setCursor(29);
    a.close();
    const b = SqliteProtoSessionStore.open(t.dir);
    assert.is(b.cursor(), 29);
    assert.is(b.identifierOwner(STAMP), 'client-a');
    assert.equal(b.readBucket(31)[0]!.hits.map((h) => text(h.payload)), ['kept']);
    b.close();
  } finally {
    t.cleanup();
  }
});

test('a damaged row is reported and left out, the rest of its proto-session is read, and closing removes it', withStore((store) => {
  append1(store, id('ps'), 'h1', 1000, 'one');
  store.db.prepare('INSERT INTO proto_session_chunks (proto_session_id, payload) VALUES (?, ?)').run(Buffer.from(id('ps'), 'hex'), Buffer.from([1, 0, 0]));
  append1(store, id('ps'), 'h2', 2000, 'two');
  store.markDue(id('ps'), 31, 1000);
  const read = store.readBucket(31);
  assert.equal(read[0]!.hits.map((h) => text(h.payload)), ['one', 'two']);
  assert.is(read[0]!.unreadable.length, 1);
  assert.match(read[0]!.unreadable[0]!, /row 2: hit 0: 2 bytes left/);
  store.transaction(() => store.removeClosed(31, read));
  assert.is(store.db.prepare('SELECT count(*) AS n FROM proto_session_chunks').pluck().get(), 0);
}));

test('a state file of schema version 1 (a row per hit) is carried over: open sessions, order and ids stay', () => {
  const t = tempDir('ps-store-v1');
  try {
    const db = openSqliteDatabase(join(t.dir, STATE_FILE_NAME));
    db.exec(`CREATE TABLE proto_session_hits (
      seq INTEGER PRIMARY KEY, proto_session_id BLOB NOT NULL, hit_id TEXT NOT NULL, received_ms REAL NOT NULL, payload BLOB NOT NULL);
      CREATE UNIQUE INDEX proto_session_hits_by_session ON proto_session_hits (proto_session_id, hit_id);
      CREATE TABLE proto_session_due (proto_session_id BLOB PRIMARY KEY NOT NULL, bucket INTEGER NOT NULL, first_hit_ms REAL NOT NULL) WITHOUT ROWID;`);
    const insert = db.prepare('INSERT INTO proto_session_hits (proto_session_id, hit_id, received_ms, payload) VALUES (?, ?, ?, ?)');
    insert.run(Buffer.from(id('ps'), 'hex'), 'h2', 2000, Buffer.from('second'));
    insert.run(Buffer.from(id('ps'), 'hex'), 'h1', 1000, Buffer.from('first'));
    insert.run(Buffer.from(id('ps'), 'hex'), 'h1b', 1000, Buffer.from('first-later'));
    db.prepare('INSERT INTO proto_session_due VALUES (?, 31, 1000)').run(Buffer.from(id('ps'), 'hex'));
    db.pragma('user_version = 1');
    db.close();
    const store = SqliteProtoSessionStore.open(t.dir);
    try {
      assert.is(store.db.pragma('user_version', { simple: true }), 3);
      assert.is(store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'proto_session_hits'").pluck().get(), 0);
      const [ps] = store.readBucket(31);
      assert.equal(ps!.hits.map((h) => [h.hitId, h.receivedMs, text(h.payload)]), [['h1', 1000, 'first'], ['h1b', 1000, 'first-later'], ['h2', 2000, 'second']]);
      // New rows come after the carried ones.
      append1(store, id('ps'), 'h3', 1000, 'third');
      assert.equal(store.readBucket(31)[0]!.hits.map((h) => h.hitId), ['h1', 'h1b', 'h3', 'h2']);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});

test('the identifiers appended with hits come back with the rows that hold them', () => {
  const t = tempDir('ps-store-identifiers');
  const store = SqliteProtoSessionStore.open(t.dir);
  try {
    const user = { type: 'user_id' as const, stamp: 'ef'.repeat(32) };
    store.appendHits(id('ps'), [{ hitId: 'h1', receivedMs: 1000, payload: payload('one') }], [STAMP, user]);
    store.appendHits(id('ps'), [{ hitId: 'h2', receivedMs: 2000, payload: payload('two') }], [STAMP]);
    store.appendHits(id('other'), [{ hitId: 'o1', receivedMs: 1000, payload: payload('three') }]);
    store.markDue(id('ps'), 31, 1000);
    store.markDue(id('other'), 31, 1000);
    const read = store.readBucket(31);
    assert.equal(read.find((ps) => ps.id === id('ps'))!.identifiers, [STAMP, user, STAMP]);
    assert.equal(read.find((ps) => ps.id === id('other'))!.identifiers, []);
    assert.throws(() => store.appendHits(id('ps'), [{ hitId: 'h3', receivedMs: 3000, payload: payload('x') }], [{ type: 'user_id', stamp: 'not hex' }]), /64 lowercase hex/);
  } finally {
    store.close();
    t.cleanup();
  }
});

test('a state file from a newer schema is refused', () => {
  const t = tempDir('ps-store-version');
  try {
    const a = SqliteProtoSessionStore.open(t.dir);
    a.db.pragma('user_version = 99');
    a.close();
    assert.throws(() => SqliteProtoSessionStore.open(t.dir), /schema version 99/);
  } finally {
    t.cleanup();
  }
});

test('a state file of schema version 2 is opened as it is, with its rows, and marked version 3 so that earlier builds refuse it', () => {
  const t = tempDir('ps-store-v2');
  try {
    const a = SqliteProtoSessionStore.open(t.dir);
    append1(a, id('ps'), 'h1', 1000, 'first');
    a.markDue(id('ps'), 31, 1000);
    a.db.pragma('user_version = 2');
    a.close();
    const b = SqliteProtoSessionStore.open(t.dir);
    try {
      assert.is(b.db.pragma('user_version', { simple: true }), 3);
      assert.equal(b.readBucket(31)[0]!.hits.map((h) => h.hitId), ['h1']);
    } finally {
      b.close();
    }
  } finally {
    t.cleanup();
  }
});

test('sync() fsyncs the WAL once per group of callers, and not at all when nothing changed since the last one', async () => {
  const t = tempDir('ps-store-sync');
  const store = SqliteProtoSessionStore.open(t.dir);
  try {
    await store.sync();
    assert.is(store.walSyncs, 0, 'opening wrote with a full sync of its own');
    store.transaction(() => append1(store, id('a'), 'h1', 1, 'x'));
    await Promise.all([store.sync(), store.sync(), store.sync()]);
    assert.is(store.walSyncs, 2, 'the first flush, then one more shared by the two that came during it');
    await store.sync();
    assert.is(store.walSyncs, 2, 'nothing changed since');
    store.setCursor(7);
    await store.sync();
    assert.is(store.walSyncs, 3, 'the cursor is a change too');
    // A write made while a flush runs is covered by the one after it.
    store.transaction(() => append1(store, id('b'), 'h2', 2, 'y'));
    const running = store.sync();
    store.transaction(() => append1(store, id('c'), 'h3', 3, 'z'));
    const after = store.sync();
    await Promise.all([running, after]);
    assert.is(store.walSyncs, 5);
    await store.sync();
    assert.is(store.walSyncs, 5);
  } finally {
    store.close();
    t.cleanup();
  }
  // After a clean close there is no WAL; a store reopened on the file syncs nothing until it writes.
  const again = tempDir('ps-store-sync-2');
  const reopened = SqliteProtoSessionStore.open(again.dir);
  try {
    reopened.close();
    await reopened.sync();
  } finally {
    again.cleanup();
  }
});

test('closing folds the WAL into the state file: one file is left, and it alone holds the state', () => {
  const t = tempDir('ps-store-fold');
  try {
    const store = SqliteProtoSessionStore.open(t.dir);
    // Enough rows that the WAL holds many pages when the store closes.
    for (let i = 0; i < 400; i++) {
      append1(store, id(`ps-${i}`), `h${i}`, 1000 + i, `hit ${i} `.repeat(50));
      store.markDue(id(`ps-${i}`), 31, 1000 + i);
    }
    store.setCursor(29);
    assert.ok(statSync(join(t.dir, `${STATE_FILE_NAME}-wal`)).size > 0);
    store.close();
    assert.not.ok(existsSync(join(t.dir, `${STATE_FILE_NAME}-wal`)));
    // The main file copied on its own (no WAL beside it) has every row.
    const copy = join(t.dir, 'copy');
    mkdirSync(copy);
    copyFileSync(join(t.dir, STATE_FILE_NAME), join(copy, STATE_FILE_NAME));
    const reopened = SqliteProtoSessionStore.open(copy);
    try {
      assert.is(reopened.cursor(), 29);
      assert.is(reopened.openCount(), 400);
      assert.is(reopened.readBucket(31).length, 400);
    } finally {
      reopened.close();
    }
  } finally {
    t.cleanup();
  }
});

test.run();
