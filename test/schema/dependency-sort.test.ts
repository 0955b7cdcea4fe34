import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Utf8 } from 'apache-arrow';
import type { Column, ColumnSet, EventColumn, SessionColumn, SessionScopedEventColumn } from '../../src/schema/column.js';
import { errorMessage } from '../../src/schema/errors.js';
import { ColumnDependencyError, compareIds, sortByDependencies, sortColumnSet } from '../../src/schema/dependency-sort.js';
import { defineInterface } from '../../src/schema/interface.js';
import { ColumnsMerger, StaticColumnsRegistry } from '../../src/schema/registry.js';
import { eventColumn, sessionColumn, sessionScopedColumn } from '../../columns/generic/simple.js';

function ev(id: string, deps: string[] = []): EventColumn {
  return eventColumn(defineInterface(id, id, new Utf8()), () => null, { dependsOn: deps });
}
function se(id: string, deps: string[] = []): SessionColumn {
  return sessionColumn(defineInterface(id, id, new Utf8()), () => null, { dependsOn: deps });
}
function sse(id: string, deps: string[] = []): SessionScopedEventColumn {
  return sessionScopedColumn(defineInterface(id, id, new Utf8()), () => null, { dependsOn: deps });
}
const ids = (cols: readonly Column[]): string[] => cols.map((c) => c.implements.id);

function sortError(columns: Column[]): string {
  try {
    sortByDependencies(columns);
  } catch (err) {
    assert.instance(err, ColumnDependencyError);
    return errorMessage(err);
  }
  throw new Error('expected the sort to fail');
}

test('independent columns come out in id order, whatever the input order', () => {
  assert.equal(ids(sortByDependencies([ev('c'), ev('a'), ev('b')])), ['a', 'b', 'c']);
});

test('a column follows its dependencies; freed columns join the back of the queue in id order', () => {
  // a and d are free; a frees z and b (appended sorted: b, z) after d was already queued.
  const sorted = sortByDependencies([ev('z', ['a']), ev('b', ['a']), ev('d'), ev('a'), ev('c', ['b', 'd'])]);
  assert.equal(ids(sorted), ['a', 'd', 'b', 'z', 'c']);
});

test('kinds are sorted together and split back, keeping cross-kind order per kind', () => {
  const set: ColumnSet = {
    session: [se('session_b', ['event_a']), se('session_a')],
    event: [ev('event_b', ['session_a']), ev('event_a')],
    sessionScoped: [sse('sse_a', ['event_b'])],
  };
  const sorted = sortColumnSet(set);
  assert.equal(ids(sorted.session), ['session_a', 'session_b']);
  assert.equal(ids(sorted.event), ['event_a', 'event_b']);
  assert.equal(ids(sorted.sessionScoped), ['sse_a']);
});

test('ids compare by code point (UTF-8 byte order), not by UTF-16 unit', () => {
  // U+FF5E (one unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) in byte order.
  assert.ok(compareIds('\uff5e', '\u{1f600}') < 0);
  assert.ok(compareIds('a', 'ab') < 0);
  assert.is(compareIds('x', 'x'), 0);
});

test('duplicate ids are refused with their count', () => {
  assert.is(sortError([ev('a'), ev('b'), ev('a'), se('a')]), 'duplicate column id: a appears 3 times');
});

test('a column depending on itself is refused', () => {
  assert.is(sortError([ev('a', ['a'])]), 'invalid dependency: a depends on itself');
});

test('a missing dependency is named with its dependent', () => {
  assert.is(sortError([ev('a'), ev('b', ['a', 'ghost'])]), 'missing dependency: b depends on ghost (not present)');
});

test('a cycle is reported as a path starting from the smallest id', () => {
  assert.is(sortError([ev('b', ['c']), ev('c', ['a']), ev('a', ['b']), ev('free')]), 'circular dependency detected: a -> b -> c -> a');
});

test('the search for a cycle starts at the smallest unplaced id, even one outside the cycle', () => {
  // 0-user depends on the cycle; walking its dependencies enters the cycle at y.
  assert.is(sortError([ev('0-user', ['y']), ev('x', ['y']), ev('y', ['x'])]), 'circular dependency detected: y -> x -> y');
});

test('the merger concatenates registries and sorts the union once per property', () => {
  const core = new StaticColumnsRegistry({ event: [ev('b')], sessionScoped: [], session: [] });
  const protocol = new StaticColumnsRegistry(
    { event: [ev('a')], sessionScoped: [], session: [] },
    new Map([['special', { event: [ev('c', ['b'])], sessionScoped: [], session: [] }]]),
  );
  const merger = new ColumnsMerger([core, protocol]);
  assert.equal(ids(merger.get('any').event), ['a', 'b']);
  assert.equal(ids(merger.get('special').event), ['b', 'c']);
  assert.is(merger.get('special'), merger.get('special'));
});

test.run();
