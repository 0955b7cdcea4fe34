import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openSqliteDatabase, type SqliteDatabase } from '../storage/sqlite-database.js';
import { SqliteKV } from '../storage/sqlite-kv.js';
import { GroupSync } from '../storage/group-sync.js';
import { encodeHitChunk, readHitChunk } from './hit-chunk.js';
import { assertDigestHex, IDENTIFIER_TYPE_CODES, type IdentifierKey, type NewHit, type ProtoSessionStore, type StoredHit, type StoredProtoSession } from './store.js';

const byReceivedTime = (a: StoredHit, b: StoredHit): number => a.receivedMs - b.receivedMs;

export const STATE_FILE_NAME = 'cairn-state.db';
export const CURSOR_KEY = 'timingwheel.next.default';
/**
 * 3: chunks carry the identifiers of their hits (hit-chunk.ts version 2). A version 2 file
 * needs no conversion (its chunks still read), but a build of version 2 would discard the new
 * chunks as unreadable, so the file is marked and such a build refuses it instead.
 */
const SCHEMA_VERSION = 3;

/*
 * Bucket membership is not a table of its own: a proto-session belongs to exactly one bucket,
 * its latest due bucket, and the index on proto_session_due(bucket) answers both "who is due in
 * bucket b" and "next non-empty bucket from the cursor" without the stale entries a separate
 * membership set would collect.
 *
 * Proto-session ids and stamps are SHA-256 digests; they are stored as their 32 bytes rather
 * than 64 hex characters, which halves the indexes that every hit inserts into at a random spot.
 *
 * Hits are stored in chunks (hit-chunk.ts): one row per intake batch and proto-session. The
 * integer `seq` (the rowid) orders a proto-session's chunks as they arrived (the tie-breaker
 * for equal server-received times; different proto-sessions of one batch are stored in the
 * order they fall due, see intake.ts) and names the exact rows a close read.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS identifiers (
  type  INTEGER NOT NULL,
  stamp BLOB NOT NULL,
  owner TEXT NOT NULL,
  PRIMARY KEY (type, stamp)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS proto_session_chunks (
  seq              INTEGER PRIMARY KEY,
  proto_session_id BLOB NOT NULL,
  payload          BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS proto_session_chunks_by_session ON proto_session_chunks (proto_session_id);
CREATE TABLE IF NOT EXISTS proto_session_due (
  proto_session_id BLOB PRIMARY KEY NOT NULL,
  bucket           INTEGER NOT NULL,
  first_hit_ms     REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS proto_session_due_by_bucket ON proto_session_due (bucket);
CREATE INDEX IF NOT EXISTS proto_session_due_by_first_hit ON proto_session_due (first_hit_ms);
`;

// Most ids are converted twice in a row (a closed proto-session's hits, then its due mark; a
// stamp looked up, then claimed), so the last conversion is kept; SQLite only reads the Buffer.
let lastDigestHex = '';
let lastDigestBytes = Buffer.alloc(0);

/** The 32 bytes of an id or stamp given as hex. */
function digestBytes(hex: string, what: string): Buffer {
  if (hex === lastDigestHex) return lastDigestBytes;
  assertDigestHex(hex, what);
  lastDigestBytes = Buffer.from(hex, 'hex');
  lastDigestHex = hex;
  return lastDigestBytes;
}

/** A bucket row as an array (raw mode): id as uppercase hex, seq and payload of a chunk (null: no hits). */
type BucketRow = [string, number | null, Buffer | null];

/**
 * State files of schema version 1 kept a row per hit (`proto_session_hits`); each becomes a
 * chunk of one hit under the same seq, so arrival order and open proto-sessions carry over.
 */
function migrateHitRows(db: SqliteDatabase): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'proto_session_hits'").get();
  if (old === undefined) return;
  // In one statement, so the rows stream through SQLite instead of being held in memory: a
  // worker stopped with a million open proto-sessions has a million of them.
  db.function('cairn_hit_chunk', { deterministic: true }, (hitId: unknown, receivedMs: unknown, payload: unknown) => {
    if (typeof hitId !== 'string' || typeof receivedMs !== 'number' || !(payload instanceof Uint8Array)) {
      throw new TypeError('proto_session_hits holds a row that is not (text, real, blob)');
    }
    return encodeHitChunk([{ hitId, receivedMs, payload }]);
  });
  db.exec(`INSERT INTO proto_session_chunks (seq, proto_session_id, payload)
           SELECT seq, proto_session_id, cairn_hit_chunk(hit_id, received_ms, payload) FROM proto_session_hits ORDER BY seq;
           DROP TABLE proto_session_hits;`);
}

export interface SqliteProtoSessionStoreOptions {
  /**
   * SQLite page cache in KiB (default 64 MiB). With a million open proto-sessions the indexes
   * outgrow it and intake slows down to the speed of page reads; more cache is more RSS.
   */
  cacheKiB?: number;
}

/** Proto-session state in one SQLite file, `<bolt directory>/cairn-state.db`. */
export class SqliteProtoSessionStore implements ProtoSessionStore {
  private readonly kv: SqliteKV;
  private readonly durable = new GroupSync(() => this.syncWal());
  /** `changes()` when the last successful flush started: everything up to it is on disk. */
  private syncedChanges = 0;
  private readonly stmts: {
    ownerOf: Statement<[number, Buffer], { owner: string }>;
    insertIdentifier: Statement<[number, Buffer, string]>;
    deleteIdentifier: Statement<[number, Buffer]>;
    insertChunk: Statement<[Buffer, Buffer]>;
    upsertDue: Statement<[Buffer, number, number]>;
    dueOf: Statement<[Buffer], { bucket: number }>;
    nextDue: Statement<[number], { bucket: number | null }>;
    readBucket: Statement<[number], BucketRow>;
    deleteRowsUpTo: Statement<[Buffer, number]>;
    deleteDueIfAt: Statement<[Buffer, number]>;
    countOpen: Statement<[], { n: number }>;
    totalChanges: Statement<[], { n: number }>;
    oldestFirstHit: Statement<[], { ms: number | null }>;
  };

  static open(directory: string, options: SqliteProtoSessionStoreOptions = {}): SqliteProtoSessionStore {
    // Pages of 16 KiB: every row (a few hits of several hundred bytes each) lands next to an
    // index entry at a random spot, and larger pages made both the inserts and a closed
    // proto-session's deletes about a third cheaper (measured on a 50,000-hit run, with a row
    // per hit then).
    const db = openSqliteDatabase(join(directory, STATE_FILE_NAME), { cacheKiB: options.cacheKiB ?? 64 * 1024, pageSize: 16 * 1024 });
    try {
      return new SqliteProtoSessionStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  constructor(readonly db: SqliteDatabase) {
    const version = db.pragma('user_version', { simple: true });
    if (typeof version !== 'number' || version > SCHEMA_VERSION) {
      throw new Error(`${db.name} holds proto-session state of schema version ${String(version)}; this build reads versions up to ${SCHEMA_VERSION}`);
    }
    db.transaction(() => {
      db.exec(SCHEMA);
      migrateHitRows(db);
    })();
    // A larger WAL between checkpoints lets the many writes to the same index pages coalesce;
    // about 40 MB of pages, whatever size the file's pages are.
    const pageSize = db.pragma('page_size', { simple: true });
    db.pragma(`wal_autocheckpoint = ${Math.ceil((40 * 1024 * 1024) / (typeof pageSize === 'number' && pageSize > 0 ? pageSize : 4096))}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    // Commits write the WAL without waiting for the disk; `sync()` makes them durable, on the
    // thread pool. An fsync per commit held the event loop (and, in `cairn server`, every
    // request waiting on it) for each intake batch. A WAL synced after a commit holds the
    // commit as surely as SQLite's own FULL mode, and until then a crash of the process alone
    // loses nothing either: the bytes are in the page cache.
    db.pragma('synchronous = NORMAL');
    this.kv = new SqliteKV(db, { table: 'kv' });
    this.stmts = {
      ownerOf: db.prepare('SELECT owner FROM identifiers WHERE type = ? AND stamp = ?'),
      insertIdentifier: db.prepare('INSERT INTO identifiers (type, stamp, owner) VALUES (?, ?, ?)'),
      deleteIdentifier: db.prepare('DELETE FROM identifiers WHERE type = ? AND stamp = ?'),
      insertChunk: db.prepare('INSERT INTO proto_session_chunks (proto_session_id, payload) VALUES (?, ?)'),
      upsertDue: db.prepare(
        `INSERT INTO proto_session_due (proto_session_id, bucket, first_hit_ms) VALUES (?, ?, ?)
         ON CONFLICT (proto_session_id) DO UPDATE SET
           bucket = max(bucket, excluded.bucket),
           first_hit_ms = min(first_hit_ms, excluded.first_hit_ms)
         WHERE excluded.bucket > bucket OR excluded.first_hit_ms < first_hit_ms`,
      ),
      dueOf: db.prepare('SELECT bucket FROM proto_session_due WHERE proto_session_id = ?'),
      nextDue: db.prepare('SELECT min(bucket) AS bucket FROM proto_session_due WHERE bucket >= ?'),
      // Rows come as arrays and the id as text: a bucket of a catch-up has tens of thousands of
      // rows, and an object plus a Buffer for the id of each was most of the cost of reading it.
      readBucket: (
        db.prepare(
          `SELECT hex(d.proto_session_id) AS id, c.seq, c.payload
           FROM proto_session_due d LEFT JOIN proto_session_chunks c ON c.proto_session_id = d.proto_session_id
           WHERE d.bucket = ?
           ORDER BY d.proto_session_id, c.seq`,
        ) as Statement<[number], unknown>
      ).raw(true) as unknown as Statement<[number], BucketRow>,
      // Rows get increasing rowids, and the rows a close read still exist while it commits, so a
      // row appended after the read has a larger seq than every row the read returned.
      deleteRowsUpTo: db.prepare('DELETE FROM proto_session_chunks WHERE proto_session_id = ? AND seq <= ?'),
      deleteDueIfAt: db.prepare('DELETE FROM proto_session_due WHERE proto_session_id = ? AND bucket = ?'),
      countOpen: db.prepare('SELECT count(*) AS n FROM proto_session_due'),
      totalChanges: db.prepare('SELECT total_changes() AS n'),
      oldestFirstHit: db.prepare('SELECT min(first_hit_ms) AS ms FROM proto_session_due'),
    };
    // What opening wrote (schema, migration) was committed with a full sync.
    this.syncedChanges = this.changes();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  claimIdentifier(key: IdentifierKey, clientId: string): string {
    const type = IDENTIFIER_TYPE_CODES[key.type];
    const stamp = digestBytes(key.stamp, 'identifier stamp');
    const row = this.stmts.ownerOf.get(type, stamp);
    if (row !== undefined) return row.owner;
    this.stmts.insertIdentifier.run(type, stamp, clientId);
    return clientId;
  }

  identifierOwner(key: IdentifierKey): string | undefined {
    return this.stmts.ownerOf.get(IDENTIFIER_TYPE_CODES[key.type], digestBytes(key.stamp, 'identifier stamp'))?.owner;
  }

  removeIdentifier(key: IdentifierKey): void {
    this.stmts.deleteIdentifier.run(IDENTIFIER_TYPE_CODES[key.type], digestBytes(key.stamp, 'identifier stamp'));
  }

  appendHits(protoSessionId: string, hits: readonly NewHit[], identifiers: readonly IdentifierKey[] = []): void {
    if (hits.length === 0) return;
    this.stmts.insertChunk.run(digestBytes(protoSessionId, 'proto-session id'), encodeHitChunk(hits, identifiers));
  }

  markDue(protoSessionId: string, bucket: number, hitTimeMs: number): void {
    this.stmts.upsertDue.run(digestBytes(protoSessionId, 'proto-session id'), bucket, hitTimeMs);
  }

  dueBucketOf(protoSessionId: string): number | undefined {
    return this.stmts.dueOf.get(digestBytes(protoSessionId, 'proto-session id'))?.bucket;
  }

  isOpen(protoSessionId: string): boolean {
    return this.dueBucketOf(protoSessionId) !== undefined;
  }

  nextDueBucket(fromBucket: number): number | undefined {
    // -Infinity does not bind; the smallest safe integer is below every real bucket.
    const from = Number.isFinite(fromBucket) ? fromBucket : Number.MIN_SAFE_INTEGER;
    return this.stmts.nextDue.get(from)?.bucket ?? undefined;
  }

  readBucket(bucket: number): StoredProtoSession[] {
    const out: StoredProtoSession[] = [];
    let current: StoredProtoSession | undefined;
    let currentKey: string | undefined;
    const seen = new Set<string>();
    const hold = (key: IdentifierKey): void => {
      current!.identifiers.push(key);
    };
    const take = (hitId: string, receivedMs: number, payload: Uint8Array): void => {
      const ps = current!;
      if (seen.has(hitId)) {
        ps.duplicates++;
        return;
      }
      seen.add(hitId);
      ps.hits.push({ hitId, receivedMs, payload });
    };
    const finish = (ps: StoredProtoSession | undefined): void => {
      // Chunks come in arrival order: a stable sort by time gives (time, arrival) order.
      if (ps !== undefined && ps.hits.length > 1) ps.hits.sort(byReceivedTime);
    };
    for (const [key, seq, payload] of this.stmts.readBucket.iterate(bucket)) {
      if (current === undefined || currentKey !== key) {
        finish(current);
        currentKey = key;
        current = { id: key.toLowerCase(), hits: [], identifiers: [], duplicates: 0, unreadable: [], lastRow: -1 };
        seen.clear();
        out.push(current);
      }
      if (seq === null || payload === null) continue;
      current.lastRow = seq;
      try {
        readHitChunk(payload, take, hold);
      } catch (err) {
        current.unreadable.push(`row ${seq}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    finish(current);
    return out;
  }

  removeClosed(bucket: number, closed: readonly StoredProtoSession[]): void {
    for (const ps of closed) {
      const id = digestBytes(ps.id, 'proto-session id');
      if (ps.lastRow >= 0) this.stmts.deleteRowsUpTo.run(id, ps.lastRow);
      this.stmts.deleteDueIfAt.run(id, bucket);
    }
  }

  cursor(): number | undefined {
    const raw = this.kv.get(CURSOR_KEY);
    if (raw === null || raw.byteLength === 0) return undefined;
    const text = Buffer.from(raw).toString('ascii');
    if (!/^-?\d+$/.test(text)) throw new Error(`timing-wheel cursor ${CURSOR_KEY} holds ${JSON.stringify(text)}, not a bucket number`);
    return Number(text);
  }

  setCursor(bucket: number): void {
    if (!Number.isSafeInteger(bucket)) throw new RangeError(`timing-wheel cursor must be an integer, got ${bucket}`);
    this.kv.set(CURSOR_KEY, String(bucket));
  }

  openCount(): number {
    return this.stmts.countOpen.get()?.n ?? 0;
  }

  oldestFirstHitMs(): number | undefined {
    return this.stmts.oldestFirstHit.get()?.ms ?? undefined;
  }

  sync(): Promise<void> {
    // Closed: closing checkpointed the WAL into the main file and synced it.
    if (!this.db.open) return Promise.resolve();
    // Nothing changed since the last flush started: closing asks before every run it reads.
    if (this.changes() === this.syncedChanges) return Promise.resolve();
    return this.durable.sync();
  }

  /** fdatasyncs of the WAL made so far. */
  get walSyncs(): number {
    return this.durable.flushCount;
  }

  /** Rows changed on this connection since it was opened (SQLite's total_changes()). */
  private changes(): number {
    return this.stmts.totalChanges.get()!.n;
  }

  /** fdatasync of the WAL file: every frame written to it so far reaches the disk. */
  private async syncWal(): Promise<void> {
    if (!this.db.open) return;
    const changes = this.changes();
    await this.syncWalFile();
    this.syncedChanges = Math.max(this.syncedChanges, changes);
  }

  private async syncWalFile(): Promise<void> {
    // In WAL mode the file exists from the first write until the connection closes, so a
    // missing one is an error, not a reason to skip the sync.
    const handle = await open(`${this.db.name}-wal`, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  close(): void {
    if (!this.db.open) return;
    // Fold the WAL back into the main file so a stopped worker leaves one file behind.
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
