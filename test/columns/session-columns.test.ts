import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newEvent, newSession } from '../../src/schema/session.js';
import { countUniqueEventsNamed } from '../../columns/generic/event-counters.js';
import { nthMatchingEventValue } from '../../columns/generic/nth-matching-event.js';
import { goFormatValue } from '../../columns/generic/go-format.js';
import { dominantClientFirstEvent } from '../../columns/generic/dominant-client.js';
import { durationColumn } from '../../columns/core/session-columns.js';
import { computeColumns, hit, sessionOf, T0, type HitSpec } from './fixtures.js';
import { ga4ColumnSet } from './ga4-set.js';

function ga4Session(specs: HitSpec[]) {
  return computeColumns(ga4ColumnSet(), sessionOf(specs));
}

const page = (path: string, extra: [string, string][] = []): [string, string][] => [['dl', `https://example.com${path}`], ...extra];

test('id, client, times, duration and totals', () => {
  const s = ga4Session([
    { id: 'first', clientId: 'c1', at: 0.4 },
    { id: 'second', clientId: 'c2', at: 61.9, name: 'scroll' },
    { id: 'third', clientId: 'c2', at: 130.2, name: 'click' },
  ]);
  assert.is(s.brokenReason, null);
  assert.is(s.values['session_id'], 'first');
  assert.is(s.values['session_client_id'], 'c1');
  assert.is(s.values['session_first_event_time'], Math.floor(T0 / 1000));
  assert.is(s.values['session_last_event_time'], Math.floor(T0 / 1000) + 130);
  assert.is(s.values['session_duration'], 130);
  assert.is(s.values['session_total_events'], 3);
});

test('duration: a last event earlier than the first breaks the session', () => {
  const s = newSession([newEvent(hit())]);
  s.values['session_first_event_time'] = 100;
  s.values['session_last_event_time'] = 99;
  assert.throws(() => durationColumn.write(s), /earlier/);
});

test('session id: a first event without id breaks the session', () => {
  const set = ga4ColumnSet();
  const s = sessionOf([{}, {}]);
  computeColumns({ ...set, session: [] }, s);
  delete s.events[0]!.values['id'];
  computeColumns({ event: [], sessionScoped: [], session: set.session }, s);
  assert.match(s.brokenReason ?? '', /session_id/);
});

test('referrer of the first event, split cause from its metadata', () => {
  const s = sessionOf([{ query: [['dr', 'https://ref.example/']] }, { query: [['dr', 'https://other.example/']] }]);
  s.events[0]!.metadata['session_split_cause'] = 'max_events_reached';
  computeColumns(ga4ColumnSet(), s);
  assert.is(s.values['session_referrer'], 'https://ref.example/');
  assert.is(s.values['session_split_cause'], 'max_events_reached');
  assert.is(ga4Session([{}]).values['session_split_cause'], null);
  assert.is(ga4Session([{}]).values['session_referrer'], '');
});

test('entry, second and exit page of the page views only', () => {
  const s = ga4Session([
    { name: 'scroll', query: [...page('/x'), ['dt', 'X']] },
    { query: [...page('/p1'), ['dt', 'P1']] },
    { name: 'click', query: [...page('/p2'), ['dt', 'Ignored']] },
    { query: [...page('/p3'), ['dt', 'Exit']] },
  ]);
  assert.is(s.values['session_entry_page_location'], 'https://example.com/p1');
  assert.is(s.values['session_second_page_location'], 'https://example.com/p3');
  assert.is(s.values['session_exit_page_location'], 'https://example.com/p3');
  assert.is(s.values['session_entry_page_title'], 'P1');
  assert.is(s.values['session_exit_page_title'], 'Exit');
  const none = ga4Session([{ name: 'scroll' }]);
  assert.is(none.values['session_entry_page_location'], null);
  assert.is(none.values['session_second_page_location'], null);
});

test('session campaign values come from the first page view, not the first event', () => {
  const s = ga4Session([
    { name: 'scroll', query: page('/x?utm_campaign=ignored') },
    { query: page('/entry?utm_campaign=summer&gclid=g1') },
    { query: page('/later?utm_campaign=winter') },
  ]);
  assert.is(s.values['session_utm_campaign'], 'summer');
  assert.is(s.values['session_click_id_gclid'], 'g1');
  assert.is(s.values['session_utm_source'], null);
});

test('page view totals, unique page views and bounce', () => {
  const s = ga4Session([{ query: page('/a') }, { name: 'scroll', query: page('/a') }, { query: page('/b') }, { query: page('/a') }]);
  assert.is(s.values['session_total_page_views'], 3);
  assert.is(s.values['session_unique_page_views'], 2);
  assert.is(s.values['session_is_bounced'], false);
  assert.is(ga4Session([{ query: page('/a') }, { name: 'scroll' }]).values['session_is_bounced'], true);
  assert.is(ga4Session([{ name: 'scroll' }]).values['session_is_bounced'], false);
});

test('GA4 counters count names and tell events apart by their key columns', () => {
  const s = ga4Session([
    { name: 'purchase' },
    { name: 'purchase' },
    { name: 'scroll' },
    { name: 'click', query: [['ep.link_url', 'https://out.example/a']] },
    { name: 'click', query: [['ep.link_url', 'https://out.example/a']] },
    { name: 'click', query: [['ep.link_url', 'https://out.example/b']] },
    { name: 'view_search_results', query: [['ep.search_term', 'shoes']] },
    { name: 'search', query: [['ep.search_term', 'shoes']] },
    { name: 'form_start', query: [['ep.form_id', 'f']] },
    { name: 'form_submit', query: [['ep.form_id', 'f']] },
    { name: 'video_start' },
    { name: 'video_progress' },
    { name: 'video_complete' },
    { name: 'file_download', query: [['ep.link_url', 'https://x.example/a.pdf']] },
    { name: 'file_download' },
    { name: 'file_download' },
  ]);
  const v = s.values;
  assert.is(v['session_total_purchases'], 2);
  assert.is(v['session_total_scrolls'], 1);
  assert.is(v['session_total_outbound_clicks'], 3);
  assert.is(v['session_unique_outbound_clicks'], 2);
  assert.is(v['session_total_site_searches'], 2);
  // The event name is part of the key: the same term under two names counts twice.
  assert.is(v['session_unique_site_searches'], 2);
  assert.is(v['session_total_form_interactions'], 2);
  assert.is(v['session_unique_form_interactions'], 2);
  assert.is(v['session_total_video_engagements'], 3);
  assert.is(v['session_total_file_downloads'], 3);
  // Downloads without a link URL share one `<nil>` key.
  assert.is(v['session_unique_file_downloads'], 2);
});

test('counters are 0, not null, when nothing matches', () => {
  const v = ga4Session([{ name: 'page_view' }]).values;
  for (const name of ['session_total_purchases', 'session_unique_outbound_clicks', 'session_total_file_downloads']) assert.is(v[name], 0, name);
});

test('unique counter keys: name and value per present key field, empty when no key field is present', () => {
  const s = sessionOf([{ name: 'x' }, { name: 'x' }, { name: 'x' }]);
  s.events.forEach((e) => (e.values['name'] = 'x'));
  s.events[0]!.values['k'] = 'a';
  s.events[1]!.values['k'] = null;
  assert.is(countUniqueEventsNamed(s, new Set(['x']), ['k']), 3);
  assert.is(goFormatValue(null), '<nil>');
  assert.is(goFormatValue(1e21), '1e+21');
  assert.is(goFormatValue(0.00001), '1e-05');
  assert.is(goFormatValue(2.5), '2.5');
});

test('returning user: any event with a session number of 2 or more', () => {
  assert.is(ga4Session([{ query: [['sct', '1']] }, { query: [['sct', '2']] }]).values['session_returning_user'], true);
  assert.is(ga4Session([{ query: [['sct', '1']] }, { query: [['sct', 'x']] }]).values['session_returning_user'], false);
  assert.is(ga4Session([{}]).values['session_returning_user'], false);
});

test('engagement: seg flag, two page views, two screen views or a purchase', () => {
  assert.is(ga4Session([{ name: 'scroll', query: [['seg', '1']] }]).values['session_is_engaged'], true);
  assert.is(ga4Session([{ name: 'scroll', query: [['seg', '0']] }]).values['session_is_engaged'], false);
  assert.is(ga4Session([{ name: 'scroll', query: [['seg', 'yes']] }]).values['session_is_engaged'], false);
  assert.is(ga4Session([{}, {}]).values['session_is_engaged'], true);
  assert.is(ga4Session([{ name: 'screen_view' }, { name: 'screen_view' }]).values['session_is_engaged'], true);
  assert.is(ga4Session([{ name: 'purchase' }]).values['session_is_engaged'], true);
  assert.is(ga4Session([{}]).values['session_is_engaged'], false);
});

test('abandoned cart: an add_to_cart after the last purchase', () => {
  assert.is(ga4Session([{ name: 'page_view' }]).values['session_abandoned_cart'], false);
  assert.is(ga4Session([{ name: 'add_to_cart' }]).values['session_abandoned_cart'], true);
  assert.is(ga4Session([{ name: 'add_to_cart' }, { name: 'purchase' }]).values['session_abandoned_cart'], false);
  assert.is(ga4Session([{ name: 'purchase' }, { name: 'add_to_cart' }]).values['session_abandoned_cart'], true);
});

test('dominant client: most events wins, ties go to the client seen first', () => {
  const s = sessionOf([{ clientId: 'a' }, { clientId: 'b' }, { clientId: 'b' }, { clientId: 'a' }, { clientId: 'c' }]);
  assert.is(dominantClientFirstEvent(s).hit.clientId, 'a');
  const t = sessionOf([{ clientId: 'a' }, { clientId: 'b', id: 'b-first' }, { clientId: 'b' }]);
  assert.is(dominantClientFirstEvent(t).hit.id, 'b-first');
});

test('session device columns copy the dominant client\'s first event', () => {
  const s = ga4Session([
    { clientId: 'a', query: [['ul', 'en-us'], ['sr', '800x600']] },
    { clientId: 'b', query: [['ul', 'fr-fr']] },
    { clientId: 'b', query: [['ul', 'de-de'], ['sr', '1x1']] },
  ]);
  assert.is(s.values['session_device_language'], 'fr-fr');
  assert.is(s.values['session_device_screen_resolution'], null);
  assert.is(s.values['session_geo_country'], null);
  assert.is(s.values['session_device_category'], null);
});

test('traffic source: direct without referrer, campaign parameters override', () => {
  const direct = ga4Session([{}]);
  assert.equal([direct.values['session_source'], direct.values['session_medium'], direct.values['session_term']], ['direct', 'none', '']);
  const campaign = ga4Session([{ query: page('/?utm_source=Google&utm_medium=cpc&utm_term=Red%20Shoes') }]);
  assert.equal([campaign.values['session_source'], campaign.values['session_medium'], campaign.values['session_term']], ['google', 'cpc', 'red-shoes']);
  const referral = ga4Session([{ query: [...page('/'), ['dr', 'https://www.other-site.com/blog?id=1']] }]);
  assert.equal([referral.values['session_source'], referral.values['session_medium']], ['other-site.com', 'referral']);
  const ignored = ga4Session([{ query: [...page('/'), ['dr', 'https://www.other-site.com/'], ['ir', '1']] }]);
  assert.equal([ignored.values['session_source'], ignored.values['session_medium']], ['direct', 'none']);
  const gclid = ga4Session([{ query: page('/?gclid=abc') }]);
  assert.equal([gclid.values['session_source'], gclid.values['session_medium']], ['google', 'cpc']);
});

test('the n-th matching event\'s value, from either end, is the one a list of the matches gives', () => {
  let seed = 3;
  const rnd = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
  for (let round = 0; round < 200; round++) {
    const session = newSession(Array.from({ length: rnd(7) }, (_, i) => newEvent(hit({ id: `e${i}` }))));
    session.events.forEach((e, i) => {
      e.values = { page: rnd(4) === 0 ? undefined : `p${i}`, hot: rnd(2) === 0 };
    });
    const matches = (e: { values: Record<string, unknown> }): boolean => e.values['hot'] === true;
    const listed = session.events.filter(matches);
    for (let n = -4; n <= 4; n++) {
      const event = listed[n < 0 ? listed.length + n : n];
      const expected = event === undefined ? null : (event.values['page'] ?? null);
      assert.is(nthMatchingEventValue(session, n, 'page', matches), expected, `round ${round}, n ${n}`);
    }
  }
});

test('unique counts agree with a set of every key, whatever the order of repeats', () => {
  let seed = 17;
  const rnd = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
  for (let round = 0; round < 300; round++) {
    const specs = Array.from({ length: rnd(7) }, () => ({ name: rnd(4) === 0 ? 'other' : 'x' }));
    const s = sessionOf(specs);
    const expected = new Set<string>();
    s.events.forEach((e, i) => {
      e.values['name'] = specs[i]!.name;
      if (rnd(3) !== 0) e.values['k'] = ['a', 'b', null][rnd(3)];
      if (specs[i]!.name === 'x') expected.add(e.values['k'] === undefined ? '' : `x||${goFormatValue(e.values['k'])}`);
    });
    assert.is(countUniqueEventsNamed(s, new Set(['x']), ['k']), expected.size, `round ${round}`);
  }
});

test.run();
