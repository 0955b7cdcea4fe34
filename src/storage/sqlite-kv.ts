import type { Statement } from 'better-sqlite3';
import { asBuffer, checkedKey, checkedValue, copyBytes, prefixBytes, startsWith, type StorageBytes } from './bytes.js';
import { checkedMaxKeys, type KeyListing, type KV, type KVSetOptions } from './kv.js';
import { checkedTableName, openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';

export interface SqliteKVOptions {
  /** Table holding the entries; lets several stores share one database file. */
  table?: string;
}

/**
 * KV in a SQLite table. Each call is one statement: on its own it commits (with an fsync) at
 * once; called inside a transaction of the same database it becomes part of that transaction.
 */
export class SqliteKV implements KV, KeyListing {
  private readonly selectOne: Statement<[Buffer], { value: Buffer }>;
  private readonly upsert: Statement<[Buffer, Buffer]>;
  private readonly insertIfAbsent: Statement<[Buffer, Buffer]>;
  private readonly deleteOne: Statement<[Buffer]>;
  private readonly selectFrom: Statement<[Buffer], { key: Buffer }>;
  private readonly setTx: (k: Buffer, v: Buffer, options: KVSetOptions) => Uint8Array | null;

  /** Opens (creating if needed) a database file used by this KV alone. */
  static open(path: string, options: SqliteKVOptions = {}): SqliteKV {
    return new SqliteKV(openSqliteDatabase(path), options, true);
  }

  constructor(
    readonly db: SqliteDatabase,
    options: SqliteKVOptions = {},
    private readonly ownsDatabase = false,
  ) {
    const table = checkedTableName(options.table ?? 'kv');
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID`);
    this.selectOne = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.upsert = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    this.insertIfAbsent = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`);
    this.deleteOne = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.selectFrom = db.prepare(`SELECT key FROM ${table} WHERE key >= ? ORDER BY key`);
    // Read-then-write must not be split by another connection's write.
    this.setTx = db.transaction((k: Buffer, v: Buffer, options: KVSetOptions) => {
      const existing = this.selectOne.get(k);
      const previous = options.returnPreviousValue === true && existing !== undefined ? copyBytes(existing.value) : null;
      if (options.skipIfKeyAlreadyExists === true) {
        if (existing === undefined) this.insertIfAbsent.run(k, v);
        return previous;
      }
      this.upsert.run(k, v);
      return previous;
    });
  }

  get(key: StorageBytes): Uint8Array | null {
    const row = this.selectOne.get(asBuffer(checkedKey(key)));
    return row === undefined ? null : copyBytes(row.value);
  }

  set(key: StorageBytes, value: StorageBytes, options: KVSetOptions = {}): Uint8Array | null {
    const k = asBuffer(checkedKey(key));
    const v = asBuffer(checkedValue(value));
    if (options.returnPreviousValue !== true && options.skipIfKeyAlreadyExists !== true) {
      this.upsert.run(k, v);
      return null;
    }
    return this.setTx(k, v, options);
  }

  delete(key: StorageBytes): void {
    this.deleteOne.run(asBuffer(checkedKey(key)));
  }

  keys(prefix?: StorageBytes, maxKeys?: number): Uint8Array[] {
    const p = prefixBytes(prefix);
    const limit = checkedMaxKeys(maxKeys);
    const out: Uint8Array[] = [];
    // Keys sort as bytes, so the matches are one run starting at the prefix itself.
    for (const row of this.selectFrom.iterate(asBuffer(p))) {
      if (!startsWith(row.key, p) || (limit > 0 && out.length >= limit)) break;
      out.push(copyBytes(row.key));
    }
    return out;
  }

  /** Closes the database only when this KV opened it. */
  close(): void {
    if (this.ownsDatabase && this.db.open) this.db.close();
  }
}
