import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newEvent, newSession } from '../../src/schema/session.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import { eventNameIs } from '../../columns/generic/event-name.js';
import { markMatchingEvent } from '../../columns/generic/first-last-matching.js';
import { timeOnPageSeconds } from '../../columns/generic/time-on-page.js';
import { valueTransitions } from '../../columns/generic/value-transition.js';
import { pageNumbers } from '../../columns/core/session-scoped-columns.js';
import { computeColumns, hit, sessionOf, valuesOf, type HitSpec } from './fixtures.js';
import { ga4ColumnSet } from './ga4-set.js';

const isPageView = eventNameIs('page_view');

function pv(page: string, at: number, name = 'page_view'): HitSpec {
  return { name, at, query: [['dl', `https://example.com/${page}`], ['dt', `Title ${page}`]] };
}

function ga4Session(specs: HitSpec[]) {
  return computeColumns(ga4ColumnSet(), sessionOf(specs));
}

test('hit number is the 0-based position of the event', () => {
  const s = ga4Session([pv('a', 0), pv('a', 1, 'scroll'), pv('b', 2)]);
  assert.equal(valuesOf(s, 'session_hit_number'), [0, 1, 2]);
});

test('page number grows whenever page_location changes, on any event', () => {
  const s = ga4Session([pv('a', 0), pv('a', 1, 'scroll'), pv('b', 2, 'click'), pv('b', 3), pv('a', 4)]);
  assert.equal(valuesOf(s, 'session_page_number'), [0, 0, 1, 1, 2]);
});

test('page number: a non-string page_location on a healthy event fails from that event on', () => {
  const s = newSession([newEvent(hit()), newEvent(hit()), newEvent(hit())]);
  s.events[0]!.values['page_location'] = 'a';
  s.events[2]!.values['page_location'] = 'b';
  const out = pageNumbers(s.events);
  assert.is(out[0], 0);
  assert.instance(out[1], BrokenEventError);
  assert.instance(out[2], BrokenEventError);
});

test('page number: an event already broken without page_location is passed over', () => {
  const s = newSession([newEvent(hit()), newEvent(hit()), newEvent(hit())]);
  s.events[0]!.values['page_location'] = 'a';
  s.events[1]!.brokenReason = 'bad url';
  s.events[2]!.values['page_location'] = 'b';
  assert.equal(pageNumbers(s.events), [0, 0, 1]);
});

test('previous / next page location and title follow distinct page views', () => {
  // The reference's fixture: page1 pv, page2 pv, scroll, scroll, page3 pv.
  const s = ga4Session([pv('page1', 0), pv('page2', 1), pv('page2', 2, 'scroll'), pv('page2', 3, 'scroll'), pv('page3', 4)]);
  const u = (p: string) => `https://example.com/${p}`;
  assert.equal(valuesOf(s, 'previous_page_location'), [null, u('page1'), u('page1'), u('page1'), u('page2')]);
  assert.equal(valuesOf(s, 'next_page_location'), [u('page2'), u('page3'), u('page3'), u('page3'), null]);
  assert.equal(valuesOf(s, 'previous_page_title'), [null, 'Title page1', 'Title page1', 'Title page1', 'Title page2']);
  assert.equal(valuesOf(s, 'next_page_title'), ['Title page2', 'Title page3', 'Title page3', 'Title page3', null]);
});

test('transitions: events before the first page view see it as their next page', () => {
  const s = sessionOf([{ name: 'scroll' }, { name: 'page_view' }, { name: 'page_view' }]);
  ['x', 'a', 'b'].forEach((v, i) => (s.events[i]!.values['page_location'] = v));
  for (const e of s.events) e.values['name'] = e.hit.eventName;
  assert.equal(valueTransitions(s.events, 'page_location', isPageView, 'previous'), [null, null, 'a']);
  assert.equal(valueTransitions(s.events, 'page_location', isPageView, 'next'), ['a', 'b', null]);
});

test('transitions: a page view repeating the same page does not start a new run', () => {
  const s = sessionOf([{}, {}, {}]);
  ['a', 'a', 'b'].forEach((v, i) => {
    s.events[i]!.values['page_location'] = v;
    s.events[i]!.values['name'] = 'page_view';
  });
  assert.equal(valueTransitions(s.events, 'page_location', isPageView, 'previous'), [null, null, 'a']);
  assert.equal(valueTransitions(s.events, 'page_location', isPageView, 'next'), ['b', 'b', null]);
});

test('time on page: until the next page view, the last block until the last event', () => {
  assert.equal(valuesOf(ga4Session([pv('1', 0), pv('2', 5), pv('3', 10)]), 'time_on_page'), [5, 5, 0]);
  assert.equal(valuesOf(ga4Session([pv('1', 0), pv('1', 1, 'scroll'), pv('2', 10)]), 'time_on_page'), [10, 10, 0]);
  assert.equal(valuesOf(ga4Session([pv('1', 0), pv('2', 0), pv('2', 1, 'scroll')]), 'time_on_page'), [0, 1, 1]);
});

test('time on page: events before the first page view form their own block', () => {
  const s = ga4Session([pv('1', 0, 'scroll'), pv('1', 1, 'click'), pv('2', 5), pv('2', 6, 'scroll')]);
  assert.equal(valuesOf(s, 'time_on_page'), [5, 5, 1, 1]);
});

test('time on page: whole seconds, truncated', () => {
  const s = sessionOf([{ at: 0 }, { at: 1.999 }, { at: 3.5, name: 'scroll' }]);
  for (const e of s.events) e.values['name'] = e.hit.eventName;
  assert.equal(timeOnPageSeconds(s.events, isPageView), [1, 1, 1]);
  assert.equal(timeOnPageSeconds([], isPageView), []);
});

test('entry, exit and bounce marks', () => {
  const mixed = ga4Session([pv('1', 0, 'scroll'), pv('2', 1), pv('2', 2, 'click'), pv('3', 3), pv('3', 4, 'download')]);
  assert.equal(valuesOf(mixed, 'session_is_entry_page'), [false, true, false, false, false]);
  assert.equal(valuesOf(mixed, 'session_is_exit_page'), [false, false, false, true, false]);
  assert.equal(valuesOf(mixed, 'page_is_bounce'), [false, false, false, false, false]);

  const single = ga4Session([pv('1', 0, 'scroll'), pv('1', 1), pv('1', 2, 'click')]);
  assert.equal(valuesOf(single, 'page_is_bounce'), [false, true, false]);
  assert.equal(valuesOf(single, 'session_is_entry_page'), [false, true, false]);
  assert.equal(valuesOf(single, 'session_is_exit_page'), [false, true, false]);

  const none = ga4Session([pv('1', 0, 'scroll'), pv('1', 1, 'click')]);
  for (const field of ['session_is_entry_page', 'session_is_exit_page', 'page_is_bounce']) assert.equal(valuesOf(none, field), [false, false], field);
});

test('markMatchingEvent: only marks nothing when several events match', () => {
  const s = sessionOf([{}, {}]);
  for (const e of s.events) e.values['name'] = 'page_view';
  assert.equal(markMatchingEvent(s.events, isPageView, 'only'), [false, false]);
});

test('traffic filter name comes from event metadata', () => {
  const s = sessionOf([{}, {}]);
  s.events[1]!.metadata['traffic_filter_name'] = 'internal';
  computeColumns(ga4ColumnSet(), s);
  assert.equal(valuesOf(s, 'traffic_filter_name'), [null, 'internal']);
});

test.run();
