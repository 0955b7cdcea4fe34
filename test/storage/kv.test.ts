import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryKV } from '../../src/storage/in-memory-kv.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { SqliteKV } from '../../src/storage/sqlite-kv.js';
import { bytes, tempDir } from './helpers.js';
import { kvConformance } from './kv-conformance.js';

kvConformance('InMemoryKV', () => ({ kv: new InMemoryKV(), done: () => {} }));

kvConformance('SqliteKV', () => {
  const t = tempDir('kv');
  const kv = SqliteKV.open(join(t.dir, 'kv.db'));
  return {
    kv,
    done: () => {
      kv.close();
      t.cleanup();
    },
  };
});

test('SqliteKV: values survive closing and reopening the file, which is WAL, fsync-on-commit and 0600', () => {
  const t = tempDir('kv-reopen');
  try {
    const path = join(t.dir, 'state', 'kv.db');
    const kv = SqliteKV.open(path);
    kv.set('timingwheel.next.default', '1700000000');
    assert.is(kv.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.is(kv.db.pragma('synchronous', { simple: true }), 2, 'FULL');
    kv.close();
    assert.is(statSync(path).mode & 0o777, 0o600);
    const again = SqliteKV.open(path);
    assert.equal(again.get('timingwheel.next.default'), bytes('1700000000'));
    again.close();
  } finally {
    t.cleanup();
  }
});

test('SqliteKV on a shared database joins the caller transaction and rolls back with it', () => {
  const t = tempDir('kv-shared');
  try {
    const db = openSqliteDatabase(join(t.dir, 'shared.db'));
    const kv = new SqliteKV(db, { table: 'cursor_kv' });
    const failing = db.transaction(() => {
      kv.set('k', 'v');
      kv.set('k2', 'v2', { returnPreviousValue: true });
      throw new Error('abort');
    });
    assert.throws(() => failing(), /abort/);
    assert.is(kv.get('k'), null);
    assert.is(kv.get('k2'), null);
    db.transaction(() => kv.set('k', 'v'))();
    assert.equal(kv.get('k'), bytes('v'));
    kv.close();
    assert.ok(db.open, 'a shared database stays open');
    db.close();
  } finally {
    t.cleanup();
  }
});

test('SqliteKV refuses a table name that is not a plain identifier', () => {
  const t = tempDir('kv-name');
  try {
    const db = openSqliteDatabase(join(t.dir, 'x.db'));
    assert.throws(() => new SqliteKV(db, { table: 'kv; DROP TABLE x' }), /invalid table name/);
    db.close();
  } finally {
    t.cleanup();
  }
});

test.run();
