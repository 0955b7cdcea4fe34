import type { Statement } from 'better-sqlite3';
import { asBuffer, checkedKey, checkedValue, copyBytes, type StorageBytes } from './bytes.js';
import type { KeyedSet } from './set.js';
import { checkedTableName, openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';

export interface SqliteKeyedSetOptions {
  table?: string;
}

/**
 * KeyedSet as one row per (key, value). SQLite tells an empty blob from NULL, so an empty
 * value needs no marker, and "the key exists" simply means "it has a row".
 */
export class SqliteKeyedSet implements KeyedSet {
  private readonly insert: Statement<[Buffer, Buffer]>;
  private readonly deleteOne: Statement<[Buffer, Buffer]>;
  private readonly selectAll: Statement<[Buffer], { value: Buffer }>;
  private readonly deleteAll: Statement<[Buffer]>;

  static open(path: string, options: SqliteKeyedSetOptions = {}): SqliteKeyedSet {
    return new SqliteKeyedSet(openSqliteDatabase(path), options, true);
  }

  constructor(
    readonly db: SqliteDatabase,
    options: SqliteKeyedSetOptions = {},
    private readonly ownsDatabase = false,
  ) {
    const table = checkedTableName(options.table ?? 'set_members');
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, value)) WITHOUT ROWID`);
    this.insert = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING`);
    this.deleteOne = db.prepare(`DELETE FROM ${table} WHERE key = ? AND value = ?`);
    this.selectAll = db.prepare(`SELECT value FROM ${table} WHERE key = ? ORDER BY value`);
    this.deleteAll = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
  }

  add(key: StorageBytes, value: StorageBytes): void {
    const k = asBuffer(checkedKey(key));
    this.insert.run(k, asBuffer(checkedValue(value)));
  }

  delete(key: StorageBytes, value: StorageBytes): void {
    const k = asBuffer(checkedKey(key));
    this.deleteOne.run(k, asBuffer(checkedValue(value)));
  }

  all(key: StorageBytes): Uint8Array[] {
    return this.selectAll.all(asBuffer(checkedKey(key))).map((row) => copyBytes(row.value));
  }

  drop(key: StorageBytes): void {
    this.deleteAll.run(asBuffer(checkedKey(key)));
  }

  close(): void {
    if (this.ownsDatabase && this.db.open) this.db.close();
  }
}
