import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Int64, Utf8 } from 'apache-arrow';
import type { ColumnSet } from '../../src/schema/column.js';
import { defineInterface } from '../../src/schema/interface.js';
import { BatchingLayout, BrokenFilteringLayout, EventsWithEmbeddedSessionColumnsLayout, type Layout, type TableRows } from '../../src/schema/layout.js';
import { InterfaceOrderKeeper } from '../../src/schema/order-keeper.js';
import type { Session } from '../../src/schema/session.js';
import { silentLogger } from '../../src/monitoring/logger.js';
import { eventColumn, sessionColumn, sessionScopedColumn } from '../../columns/generic/simple.js';
import { sessionOf } from '../columns/fixtures.js';

const columns: ColumnSet = {
  event: [eventColumn(defineInterface('e/id', 'id', new Utf8()), (e) => e.hit.id), eventColumn(defineInterface('e/name', 'name', new Utf8()), (e) => e.hit.eventName)],
  sessionScoped: [sessionScopedColumn(defineInterface('e/n', 'session_hit_number', new Int64(), { nullable: true }), (_s, i) => i)],
  session: [sessionColumn(defineInterface('s/id', 'session_id', new Utf8()), (s) => s.events[0]?.hit.id ?? null)],
};

function computed(session: Session): Session {
  for (const c of columns.event) for (const e of session.events) c.write(e);
  for (const c of columns.sessionScoped) for (let i = 0; i < session.events.length; i++) c.write(session, i);
  for (const c of columns.session) c.write(session);
  return session;
}

test('embedded layout: event fields, then session-scoped, then session fields (empty prefix)', () => {
  const [table] = new EventsWithEmbeddedSessionColumnsLayout('events').tables(columns);
  assert.is(table?.table, 'events');
  assert.is(table?.scope, 'mixed');
  assert.equal(table?.schema.fields.map((f) => f.name), ['id', 'name', 'session_hit_number', 'session_id']);
  assert.is(table?.schema.fields[2]?.nullable, true);
});

test('embedded layout: a prefix renames session fields and row keys', () => {
  const layout = new EventsWithEmbeddedSessionColumnsLayout('t', 's_');
  assert.equal(layout.tables(columns)[0]?.schema.fields.map((f) => f.name), ['id', 'name', 'session_hit_number', 's_session_id']);
  const rows = layout.toRows(columns, [computed(sessionOf([{ id: 'a' }]))])[0]?.rows;
  assert.equal(rows, [{ id: 'a', name: 'page_view', session_hit_number: 0, s_session_id: 'a' }]);
});

test('embedded layout: one row per event, session values repeated, missing values null', () => {
  const s = computed(sessionOf([{ id: 'a' }, { id: 'b', name: 'scroll' }]));
  delete s.events[1]!.values['name'];
  const [entry] = new EventsWithEmbeddedSessionColumnsLayout('events').toRows(columns, [s]);
  assert.equal(entry?.rows, [
    { id: 'a', name: 'page_view', session_hit_number: 0, session_id: 'a' },
    { id: 'b', name: null, session_hit_number: 1, session_id: 'a' },
  ]);
  assert.equal(Object.keys(entry!.rows[0]!), ['id', 'name', 'session_hit_number', 'session_id']);
});

test('broken filtering drops broken sessions, broken events and emptied sessions', () => {
  const healthy = computed(sessionOf([{ id: 'h1' }, { id: 'h2' }]));
  const withBrokenEvent = computed(sessionOf([{ id: 'x1' }, { id: 'x2' }, { id: 'x3' }]));
  withBrokenEvent.events[1]!.brokenReason = 'bad url';
  const brokenSession = computed(sessionOf([{ id: 'b1' }]));
  brokenSession.brokenReason = 'no id';
  const allBroken = computed(sessionOf([{ id: 'z1' }]));
  allBroken.events[0]!.brokenReason = 'bad';
  const warnings: string[] = [];
  const logger = { ...silentLogger, warn: (msg: string) => warnings.push(msg) };
  const layout = new BrokenFilteringLayout(new EventsWithEmbeddedSessionColumnsLayout('events'), logger);
  const rows = layout.toRows(columns, [healthy, withBrokenEvent, brokenSession, allBroken])[0]?.rows ?? [];
  assert.equal(rows.map((r) => r['id']), ['h1', 'h2', 'x1', 'x3']);
  // Session values were computed before filtering and stay as they were (x1 is still the session id).
  assert.equal(rows.map((r) => r['session_id']), ['h1', 'h1', 'x1', 'x1']);
  assert.equal(withBrokenEvent.events.length, 3);
  assert.is(warnings.length, 3);
});

test('batching merges the entries of each table into one, in first-seen order', () => {
  const inner: Layout = {
    tables: () => [],
    toRows: (): TableRows[] => [
      { table: 'a', rows: [{ n: 1 }] },
      { table: 'b', rows: [{ n: 2 }] },
      { table: 'a', rows: [{ n: 3 }] },
    ],
  };
  assert.equal(new BatchingLayout(inner).toRows(columns, []), [
    { table: 'a', rows: [{ n: 1 }, { n: 3 }] },
    { table: 'b', rows: [{ n: 2 }] },
  ]);
});

test('order keeper: declared ids first (first declaration wins), the rest keep their order', () => {
  const keeper = new InterfaceOrderKeeper(['e/name', 'e/id'], ['e/id', 's/id']);
  const mk = (id: string) => eventColumn(defineInterface(id, id, new Utf8()), () => null);
  const sorted = keeper.sort([mk('custom-2'), mk('e/id'), mk('custom-1'), mk('e/name')]);
  assert.equal(sorted.map((c) => c.implements.id), ['e/name', 'e/id', 'custom-2', 'custom-1']);
  assert.is(keeper.positionOf('s/id'), 2);
  assert.is(keeper.positionOf('nope'), Infinity);
});

test.run();
