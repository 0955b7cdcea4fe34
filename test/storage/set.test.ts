import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryKeyedSet } from '../../src/storage/in-memory-set.js';
import { SqliteKeyedSet } from '../../src/storage/sqlite-set.js';
import { bytes, tempDir } from './helpers.js';
import { setConformance } from './set-conformance.js';

setConformance('InMemoryKeyedSet', () => ({ set: new InMemoryKeyedSet(), done: () => {} }));

setConformance('SqliteKeyedSet', () => {
  const t = tempDir('set');
  const set = SqliteKeyedSet.open(join(t.dir, 'set.db'));
  return {
    set,
    done: () => {
      set.close();
      t.cleanup();
    },
  };
});

test('SqliteKeyedSet: members survive reopening the file', () => {
  const t = tempDir('set-reopen');
  try {
    const path = join(t.dir, 'set.db');
    const set = SqliteKeyedSet.open(path);
    set.add('k', 'b');
    set.add('k', '');
    set.add('k', 'a');
    set.close();
    const again = SqliteKeyedSet.open(path);
    assert.equal(again.all('k'), [new Uint8Array(0), bytes('a'), bytes('b')]);
    again.close();
  } finally {
    t.cleanup();
  }
});

test.run();
