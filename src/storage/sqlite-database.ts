/**
 * Opens a better-sqlite3 database the way every Cairn state file is opened: WAL journal,
 * a full fsync on every commit (the durability bolt gave the reference), owner-only file mode.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** Page cache in KiB; SQLite's default (2 MiB) is small for a large proto-session table. */
  cacheKiB?: number;
  /** How long a statement waits for another connection's lock, in ms. */
  busyTimeoutMs?: number;
  /**
   * Page size in bytes for a new file (a power of two, 512–65536); an existing file keeps the
   * size it was created with. Default SQLite's 4096.
   */
  pageSize?: number;
}

export function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  mkdirSync(dirname(path), { recursive: true });
  // Create the file ourselves so it never exists, even briefly, with a wider mode; chmod covers
  // a file left by an older run with other permissions. SQLite gives -wal and -shm the mode
  // of the main file.
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    // Only takes effect before the first table exists, which is why it comes first.
    if (options.pageSize !== undefined) db.pragma(`page_size = ${Math.floor(options.pageSize)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = ${-Math.max(256, Math.floor(options.cacheKiB ?? 2048))}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Table names are spliced into SQL text, so only plain identifiers are accepted. */
export function checkedTableName(name: string): string {
  if (!TABLE_NAME.test(name)) throw new Error(`invalid table name ${JSON.stringify(name)}`);
  return name;
}
