import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Utf8 } from 'apache-arrow';
import { queryParamEventColumn } from '../../columns/generic/query-param.js';
import { eventColumn } from '../../columns/generic/simple.js';
import type { Hit } from '../../src/hits/hit.js';
import { castFloat64OrNull, castInt64OrNull, castNonEmptyString, castStringOrNull } from '../../src/schema/casts.js';
import type { EventColumn } from '../../src/schema/column.js';
import { BrokenEventError, RetryableColumnError } from '../../src/schema/errors.js';
import { eventColumnPlan } from '../../src/schema/event-column-plan.js';
import { defineInterface } from '../../src/schema/interface.js';
import { newEvent, valuesFactory, type Event } from '../../src/schema/session.js';
import { columnSet, dl, GTAG_BASE, gtagHits } from '../columns/gtag.js';
import { hit } from '../columns/fixtures.js';

/**
 * Events computed through the plan, values objects made as the column writer makes them: by
 * its generated runner (what the writer calls), or step by step through each step's `write`.
 */
function byPlan(columns: readonly EventColumn[], hits: readonly Hit[], how: 'run' | 'steps' = 'run'): Event[] {
  const plan = eventColumnPlan(columns);
  const make = valuesFactory(columns.map((c) => c.implements.field.name), plan.initialValues);
  const events = hits.map((h) => ({ ...newEvent(h), values: make() }));
  if (how === 'run') plan.run(events);
  else for (const step of plan.steps) for (const event of events) step.write(event);
  return events;
}

/** Events computed column by column, each failure marking its event (the reference's way). */
function byColumn(columns: readonly EventColumn[], hits: readonly Hit[]): Event[] {
  const events = hits.map((h) => newEvent(h));
  for (const column of columns) {
    for (const event of events) {
      try {
        column.write(event);
      } catch (err) {
        event.brokenReason ??= `failed to write event column ${column.implements.field.name}: ${(err as Error).message}`;
      }
    }
  }
  return events;
}

function assertSameEvents(columns: readonly EventColumn[], hits: readonly Hit[]): void {
  const single = byColumn(columns, hits);
  for (const how of ['run', 'steps'] as const) {
    const planned = byPlan(columns, hits, how);
    for (let i = 0; i < hits.length; i++) {
      const a = planned[i]!;
      const b = single[i]!;
      for (const column of columns) {
        const name = column.implements.field.name;
        // A broken event's other values do not reach the table; only whether it broke matters.
        if (b.brokenReason === null) assert.equal(a.values[name] ?? null, b.values[name] ?? null, `${how}: hit ${i} column ${name}`);
      }
      assert.is(a.brokenReason === null, b.brokenReason === null, `${how}: hit ${i} broken: ${String(a.brokenReason)} / ${String(b.brokenReason)}`);
    }
  }
}

test('the GA4 event columns get the same values through the plan as column by column, on real and garbage requests', () => {
  const columns = columnSet().event;
  assert.ok(columns.filter((c) => c.queryParam !== undefined).length > 100, 'most GA4 parameter columns declare their parameter');
  const requests = [
    `${GTAG_BASE}&en=page_view&${dl('https://shop.example/?utm_source=news&gclid=abc')}`,
    `${GTAG_BASE}&en=scroll&${dl('https://shop.example/')}&epn.percent_scrolled=90&_et=4200`,
    `${GTAG_BASE}&en=purchase&${dl('https://shop.example/thanks')}&cu=EUR&epn.value=39.8&ep.transaction_id=T-1&epn.tax=3.2&pr1=idSKU-1~nmBlue%20mug~pr19.9~qt1&pr2=idSKU-2~nmRed%20mug~pr19.9~qt1`,
    `${GTAG_BASE}&en=login&${dl('https://shop.example/')}&ep.method=&epn.value=abc&_et=12x&sct=-&ep.method=second&epn.level=7&ep.level=x`,
    `${GTAG_BASE}&en=consent&gcs=G1&${dl('https://shop.example/')}&epn.value=1e400&_et=99999999999999999999&ir=maybe&ir=1`,
    `v=2&tid=G-1&cid=1.2&en=bare`,
  ];
  const hits = requests.flatMap((q, i) => gtagHits(q, '', i));
  const bare = hit({ id: 'no-params' });
  bare.request.queryParams.clear();
  assertSameEvents(columns, [...hits, bare]);
  assertSameEvents(columnSet({ protocol: 'd8a' }).event, requests.flatMap((q, i) => gtagHits(q, '', i, 'd8a')));
});

const iface = (name: string) => defineInterface(`test/${name}`, name, new Utf8(), { nullable: true });

test('parameter columns run as one step where the first of them stood; dependents still see their values', () => {
  const a = queryParamEventColumn(iface('a'), 'a', { cast: castStringOrNull });
  const plain = eventColumn(iface('plain'), () => 'x');
  const b = queryParamEventColumn(iface('b'), 'b', { cast: castInt64OrNull });
  const b2 = queryParamEventColumn(iface('b2'), 'b', { cast: castFloat64OrNull });
  const both = eventColumn(iface('both'), (e) => `${String(e.values['a'])}/${String(e.values['b'])}`, { dependsOn: [a.implements.id, b.implements.id] });
  // Refuses "" (a required parameter), and reads a parameter but depends on a column: steps of their own.
  const required = queryParamEventColumn(iface('required'), 'tid', { cast: castNonEmptyString });
  const dependent = { ...queryParamEventColumn(iface('dependent'), 'c'), dependsOn: [a.implements.id] };
  const columns = [plain, a, required, b, b2, both, dependent];
  const plan = eventColumnPlan(columns);
  assert.is(plan.steps.length, 5);
  assert.equal([...plan.initialValues], [['a', null], ['b', null], ['b2', null]]);

  const events = byPlan(columns, [hit({ query: [['b', '12'], ['a', 'first'], ['a', 'second'], ['c', 'see']] }), hit({ query: [['x', '1']] })]);
  assert.equal({ ...events[0]?.values }, { plain: 'x', a: 'first', required: 'G-TEST', b: 12, b2: 12, both: 'first/12', dependent: 'see' });
  assert.equal({ ...events[1]?.values }, { plain: 'x', a: null, required: 'G-TEST', b: null, b2: null, both: 'null/null', dependent: '' });
  assert.is(events[0]?.brokenReason, null);
});

test('a failing parameter column marks its event with its name; a retryable failure rejects the step', () => {
  const refusing = queryParamEventColumn(iface('refusing'), 'r', {
    cast: (v) => {
      if (v === 'boom') throw new BrokenEventError('boom is not allowed');
      if (v === 'later') throw new RetryableColumnError('dependency unavailable');
      return v;
    },
  });
  const other = queryParamEventColumn(iface('other'), 'o', { cast: castStringOrNull });
  const [broken, fine] = byPlan([other, refusing], [hit({ query: [['r', 'boom'], ['o', 'kept']] }), hit({ query: [['r', 'ok']] })]);
  assert.is(broken?.brokenReason, 'failed to write event column refusing: boom is not allowed');
  assert.is(broken?.values['other'], 'kept');
  assert.is(fine?.brokenReason, null);
  assert.is(fine?.values['refusing'], 'ok');
  assert.throws(() => byPlan([other, refusing], [hit({ query: [['r', 'later']] })]), /dependency unavailable/);
});

test('a request without any parameter goes through each column itself (null, which string casts refuse)', () => {
  const text = queryParamEventColumn(iface('text'), 't', { cast: castStringOrNull });
  const number = queryParamEventColumn(iface('number'), 'n', { cast: castInt64OrNull });
  const empty = hit();
  empty.request.queryParams.clear();
  const [event] = byPlan([number, text], [empty]);
  assert.is(event?.values['number'], null);
  assert.is(event?.brokenReason, 'failed to write event column text: value is not a string');
});

test('the generated runner: a failing column marks only its own events, keeps the first reason, and a retryable failure rejects', () => {
  const flaky = eventColumn(iface('flaky'), (e) => {
    const v = e.hit.id;
    if (v.endsWith('-boom')) throw new BrokenEventError(`no value for ${v}`);
    if (v.endsWith('-later')) throw new RetryableColumnError('lookup down');
    return v.toUpperCase();
  });
  const after = eventColumn(iface('after'), (e) => `after ${String(e.values['flaky'])}`, { dependsOn: [flaky.implements.id] });
  const alsoFailing = eventColumn(iface('also'), (e) => {
    if (e.hit.id.endsWith('-boom')) throw new Error('second failure');
    return 1;
  });
  const hits = [hit({ id: 'a' }), hit({ id: 'b-boom' }), hit({ id: 'c' })];
  const [a, b, c] = byPlan([flaky, after, alsoFailing], hits);
  assert.equal([a?.values['flaky'], a?.values['after'], a?.brokenReason], ['A', 'after A', null]);
  assert.is(b?.brokenReason, 'failed to write event column flaky: no value for b-boom');
  assert.is(b?.values['after'], 'after undefined', 'later columns still run for a broken event');
  assert.equal([c?.values['flaky'], c?.values['also'], c?.brokenReason], ['C', 1, null], 'the events after a failure are computed');
  assert.throws(() => byPlan([flaky, after], [hit({ id: 'x' }), hit({ id: 'y-later' })]), /lookup down/);
});

test('a column whose write was replaced runs its own write, not the parts it was made of', () => {
  const base = eventColumn(iface('replaced'), () => 'from parts');
  const replaced: EventColumn = { ...base, write: (e) => void (e.values['replaced'] = 'own write') };
  const kept: EventColumn = { ...base };
  const [event] = byPlan([replaced], [hit()]);
  assert.is(event?.values['replaced'], 'own write');
  const [other] = byPlan([kept], [hit()]);
  assert.is(other?.values['replaced'], 'from parts');
});

test.run();
