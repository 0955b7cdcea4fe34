import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Utf8 } from 'apache-arrow';
import { ColumnSessionWriter, batchIdOf } from '../../src/sessions/column-writer.js';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { newEvent, newSession, type Session } from '../../src/schema/session.js';
import { RetryableColumnError } from '../../src/schema/errors.js';
import { defineInterface } from '../../src/schema/interface.js';
import type { SessionModifierRegistry } from '../../src/splitter/modifier.js';
import { eventColumn } from '../../columns/generic/simple.js';
import { columnCatalogue } from '../../columns/catalogue.js';
import { testProperty } from '../support/properties.js';
import { hit, passThroughModifiers, RecordingDriver, type HitSpec } from './fixtures.js';

const properties = [testProperty({ id: 'shop', isDefault: false, table: 'shop_events' }), testProperty({ id: 'blog', isDefault: false, protocol: 'd8a', table: 'blog_events' })];

function sessions(specs: HitSpec[][]): Session[] {
  return specs.map((list) => newSession(list.map((s) => newEvent(hit({ propertyId: 'shop', ...s })))));
}

function writer(driver: RecordingDriver, modifiers: SessionModifierRegistry = passThroughModifiers) {
  return new ColumnSessionWriter({ schemas: buildPropertySchemas(properties), modifiers, driver });
}

const page = (p: string): [string, string][] => [['dl', `https://example.com/${p}`]];

test('writes one row per event to the property table, fields in physical order', async () => {
  const driver = new RecordingDriver();
  await writer(driver).write(
    sessions([
      [{ id: 'a1', query: page('1') }, { id: 'a2', name: 'scroll', at: 3, query: page('1') }],
      [{ id: 'b1', clientId: 'client-2', at: 10, query: page('2') }],
    ]),
  );
  assert.is(driver.writes.length, 1);
  const [w] = driver.writes;
  assert.is(w?.table, 'shop_events');
  assert.equal(w?.fields, columnCatalogue('ga4').map((c) => c.name));
  assert.equal(w?.rows.map((r) => [r['id'], r['session_id'], r['session_hit_number'], r['session_total_events']]), [
    ['a1', 'a1', 0, 2],
    ['a2', 'a1', 1, 2],
    ['b1', 'b1', 0, 1],
  ]);
  assert.equal(Object.keys(w!.rows[0]!), w!.fields);
  assert.is(w?.rows[1]?.['time_on_page'], 3);
});

test('a broken event is dropped while the rest of its session is written', async () => {
  const driver = new RecordingDriver();
  await writer(driver).write(sessions([[{ id: 'ok-1', query: page('1') }, { id: 'bad', at: 1, query: [['dl', '://bad']] }, { id: 'ok-2', at: 2, query: page('2') }]]));
  const rows = driver.writes[0]?.rows ?? [];
  assert.equal(rows.map((r) => r['id']), ['ok-1', 'ok-2']);
  // Columns were still computed for the events after the broken one (the reference stops there).
  assert.is(rows[1]?.['page_path'], '/2');
  assert.is(rows[1]?.['session_page_number'], 1);
  // Session values count the broken event.
  assert.is(rows[0]?.['session_total_events'], 3);
});

test('a session left with no healthy event is not written at all', async () => {
  const driver = new RecordingDriver();
  await writer(driver).write(sessions([[{ id: 'bad', query: [['dl', '://bad']] }]]));
  assert.is(driver.writes.length, 0);
});

test('the batch id is the same for the same events, and differs for others', async () => {
  const first = new RecordingDriver();
  const second = new RecordingDriver();
  const specs: HitSpec[][] = [[{ id: 'x1' }, { id: 'x2', at: 1 }]];
  await writer(first).write(sessions(specs));
  await writer(second).write(sessions(specs));
  assert.ok(first.writes[0]?.batchId);
  assert.is(first.writes[0]?.batchId, second.writes[0]?.batchId);
  assert.is.not(batchIdOf('shop_events', [{ id: 'x1' }]), batchIdOf('shop_events', [{ id: 'x2' }]));
  assert.is.not(batchIdOf('a', [{ id: 'x1' }]), batchIdOf('b', [{ id: 'x1' }]));
});

test('the batch id of a streamed write is the id of its rows in order', async () => {
  const driver = new RecordingDriver();
  await writer(driver).write(sessions([[{ id: 'x1' }, { id: 'x2', at: 1 }], [{ id: 'y1', clientId: 'client-2', at: 5 }]]));
  const [w] = driver.writes;
  assert.is(w?.batchId, batchIdOf('shop_events', w!.rows));
  assert.equal(w?.rows.map((r) => r['id']), ['x1', 'x2', 'y1']);
});

test('a written session lets go of its values, and writing the same objects again gives the same rows', async () => {
  const specs: HitSpec[][] = [[{ id: 'r1', query: page('1') }, { id: 'r2', at: 2, query: page('2') }]];
  const list = sessions(specs);
  const first = new RecordingDriver();
  await writer(first).write(list);
  assert.equal(Object.keys(list[0]!.values), [], 'session values are released');
  assert.equal(Object.keys(list[0]!.events[1]!.values), [], 'event values are released');
  assert.ok(Object.isFrozen(list[0]!.events[1]!.values), 'a late write to released values fails loudly');
  const second = new RecordingDriver();
  await writer(second).write(list);
  assert.equal(second.writes[0]?.rows, first.writes[0]?.rows);
  assert.is(second.writes[0]?.rows[1]?.['page_path'], '/2', 'parameters are parsed again where they were let go');
});

test('the modifier splits sessions after the event columns; each part gets its own session values', async () => {
  const driver = new RecordingDriver();
  const splitting: SessionModifierRegistry = {
    forProperty: () => ({
      modify(session) {
        // Event columns must already be there when the modifier runs.
        assert.is(session.events[0]?.values['name'], 'page_view');
        const second = newSession(session.events.slice(1));
        second.events[0]!.metadata['session_split_cause'] = 'max_events_reached';
        return [newSession(session.events.slice(0, 1)), second];
      },
    }),
  };
  await writer(driver, splitting).write(sessions([[{ id: 'p1' }, { id: 'p2', at: 1 }, { id: 'p3', at: 2 }]]));
  const rows = driver.writes[0]?.rows ?? [];
  assert.equal(rows.map((r) => [r['id'], r['session_id'], r['session_hit_number'], r['session_split_cause']]), [
    ['p1', 'p1', 0, null],
    ['p2', 'p2', 0, 'max_events_reached'],
    ['p3', 'p2', 1, 'max_events_reached'],
  ]);
});

test('a failing modifier leaves the session unsplit', async () => {
  const driver = new RecordingDriver();
  const failing: SessionModifierRegistry = {
    forProperty: () => ({
      modify() {
        throw new Error('boom');
      },
    }),
  };
  await writer(driver, failing).write(sessions([[{ id: 'u1' }, { id: 'u2', at: 1 }]]));
  assert.equal(driver.writes[0]?.rows.map((r) => r['session_id']), ['u1', 'u1']);
});

test('sessions of several properties go to their own tables with their own columns', async () => {
  const driver = new RecordingDriver();
  const all = [...sessions([[{ id: 's1' }]]), newSession([newEvent(hit({ id: 'd1', propertyId: 'blog' }))])];
  await writer(driver).write(all);
  assert.equal(driver.writes.map((w) => w.table), ['shop_events', 'blog_events']);
  assert.is(driver.writes[1]?.rows[0]?.['tracking_protocol'], 'd8a');
  // The native protocol's GA4 columns follow the core ones, in evaluation order.
  assert.equal(driver.writes[1]?.fields.slice(-3), ['session_abandoned_cart', 'session_is_engaged', 'session_returning_user']);
});

test('a driver failure rejects the write', async () => {
  const driver = new RecordingDriver();
  driver.failWith = new Error('warehouse down');
  await writer(driver)
    .write(sessions([[{ id: 'f1' }]]))
    .then(
      () => assert.unreachable('should have rejected'),
      (err: unknown) => assert.match(String(err), /warehouse down/),
    );
});

test('a retryable column error rejects the whole write and nothing is written', async () => {
  const driver = new RecordingDriver();
  const flaky = eventColumn(defineInterface('test/flaky', 'flaky', new Utf8(), { nullable: true }), () => {
    throw new RetryableColumnError('rates not loaded');
  });
  const schemas = buildPropertySchemas(properties, { customColumns: () => ({ event: [flaky], sessionScoped: [], session: [] }) });
  const w = new ColumnSessionWriter({ schemas, modifiers: passThroughModifiers, driver });
  await w.write(sessions([[{ id: 'r1' }]])).then(
    () => assert.unreachable('should have rejected'),
    (err: unknown) => assert.instance(err, RetryableColumnError),
  );
  assert.is(driver.writes.length, 0);
});

test('custom columns come after the built-in ones of their kind', () => {
  const extra = eventColumn(defineInterface('custom/x', 'custom_x', new Utf8(), { nullable: true }), () => 'x');
  const schema = buildPropertySchemas(properties, { customColumns: () => ({ event: [extra], sessionScoped: [], session: [] }) }).forProperty('shop');
  const names = schema.tables[0]!.schema.fields.map((f) => f.name);
  assert.is(names.indexOf('custom_x'), schema.physicalOrder.event.length - 1);
});

test('an unknown property is refused', () => {
  assert.throws(() => buildPropertySchemas(properties).forProperty('nope'), /nope/);
});

test('a batch id hashes the table and every row id, however many rows come, the same as one update per id', () => {
  for (const count of [0, 1, 63, 64, 65, 200]) {
    const rows = Array.from({ length: count }, (_, i) => (i % 7 === 3 ? { id: 17 } : { id: `ev-${i}` }));
    const expected = createHash('sha256').update('shop_events\n');
    for (const row of rows) expected.update(typeof row.id === 'string' ? row.id : '').update('\n');
    assert.is(batchIdOf('shop_events', rows), expected.digest('hex').slice(0, 32), `${count} rows`);
  }
});

test.run();
