import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ga4Event } from '../../protocols/ga4/columns/interfaces.js';
import { PARAM_COLUMNS } from '../../protocols/ga4/columns/param-table.js';
import { eventParams } from '../../protocols/ga4/columns/params-list.js';
import { dl, gtagSession, GTAG_BASE } from './gtag.js';

const PAGE = `${GTAG_BASE}&${dl('https://shop.example/blog/post')}`;

test('the table declares 109 params columns with the reference types', () => {
  assert.is(PARAM_COLUMNS.length, 109);
  const typeOf = (name: string) => String(Ga4Event[name as keyof typeof Ga4Event].field.type);
  assert.is(typeOf('params_video_percent'), 'Int64');
  assert.is(typeOf('params_exposure_time'), 'Int64');
  assert.is(typeOf('params_percent_scrolled'), 'Float64');
  assert.is(typeOf('params_outbound'), 'Bool');
  assert.is(typeOf('params_content_description'), 'Utf8');
  assert.is(PARAM_COLUMNS.find((p) => p.column === 'params_content_description')?.key, 'ep.content');
  assert.is(PARAM_COLUMNS.find((p) => p.column === 'params_video_percent')?.key, 'ep.video_percent');
});

test('a scroll batch: gtag puts per-event parameters in body lines', () => {
  const body = ['en=scroll&epn.percent_scrolled=90&_et=5112', 'en=user_engagement&_et=7321'].join('\n');
  const s = gtagSession([{ query: PAGE, body }]);
  const [scroll, engagement] = s.events;
  assert.is(scroll!.values['name'], 'scroll');
  assert.is(scroll!.values['params_percent_scrolled'], 90);
  assert.is(scroll!.values['params_engagement_time_ms'], 5112);
  assert.equal(scroll!.values['params'], [{ name: 'percent_scrolled', value_string: null, value_number: 90 }]);
  assert.is(engagement!.values['params_percent_scrolled'], null);
  assert.is(engagement!.values['params_engagement_time_ms'], 7321);
  assert.equal(engagement!.values['params'], []);
  assert.is(s.values['session_total_scrolls'], 1);
});

test('a video_progress: ep.video_percent and ep.exposure_time are cast to integers; fractions give null', () => {
  const q = (extra: string) => ({ query: `${PAGE}&en=video_progress&${extra}` });
  const s = gtagSession([
    q('ep.video_percent=25&ep.exposure_time=1234&epn.video_current_time=30&epn.video_duration=120&ep.video_provider=youtube&ep.video_title=How%20to%20brew'),
    q('ep.video_percent=25.5&ep.exposure_time=%201&epn.video_current_time=12.5&epn.video_percent=50'),
  ]);
  const [a, b] = s.events;
  assert.equal(
    [a!.values['params_video_percent'], a!.values['params_exposure_time'], a!.values['params_video_current_time'], a!.values['params_video_duration']],
    [25, 1234, 30, 120],
  );
  assert.is(a!.values['params_video_provider'], 'youtube');
  assert.is(a!.values['params_video_title'], 'How to brew');
  // A fractional or padded integer is not an integer; epn.video_percent is not the column's parameter.
  assert.equal([b!.values['params_video_percent'], b!.values['params_exposure_time'], b!.values['params_video_current_time']], [null, null, null]);
  assert.is(s.values['session_total_video_engagements'], 2);
});

test('view_search_results: search term column and the site-search counters', () => {
  const s = gtagSession([
    { query: `${PAGE}&en=view_search_results&ep.search_term=green%20tea` },
    { query: `${PAGE}&en=search&ep.search_term=green%20tea` },
    { query: `${PAGE}&en=view_search_results&ep.search_term=green%20tea` },
  ]);
  assert.is(s.events[0]!.values['params_search_term'], 'green tea');
  assert.is(s.values['session_total_site_searches'], 3);
  // The event name is part of what makes a search unique.
  assert.is(s.values['session_unique_site_searches'], 2);
});

test('casts follow Go: numbers strict, bools as words, empty strings null', () => {
  const s = gtagSession([
    { query: `${PAGE}&en=click&ep.outbound=true&ep.link_url=https%3A%2F%2Fpartner.example%2F&epn.value=1e3&epn.score=-7&ep.level=%2B3&ep.fatal=yes` },
    { query: `${PAGE}&en=click&ep.outbound=maybe&ep.link_url=&epn.value=0x1p-2&epn.score=7.0&ep.level=3e1&ep.fatal=` },
    { query: `${PAGE}&en=click&epn.value=Infinity&epn.tax=%201` },
  ]);
  const [a, b, c] = s.events;
  assert.equal([a!.values['params_outbound'], a!.values['params_link_url'], a!.values['params_value'], a!.values['params_score'], a!.values['params_level'], a!.values['params_fatal']], [
    true,
    'https://partner.example/',
    1000,
    -7,
    3,
    true,
  ]);
  assert.equal([b!.values['params_outbound'], b!.values['params_link_url'], b!.values['params_value'], b!.values['params_score'], b!.values['params_level'], b!.values['params_fatal']], [
    null,
    null,
    0.25,
    null,
    null,
    null,
  ]);
  assert.is(c!.values['params_value'], Infinity);
  assert.is(c!.values['params_tax'], null);
  assert.is(c!.values['ecommerce_tax_value'], null);
  assert.is(s.values['session_total_outbound_clicks'], 3);
});

test('the params list keeps request order, repeated names, empty texts, and drops unparsable numbers', () => {
  const params = new Map<string, string[]>([
    ['en', ['page_view']],
    ['ep.z_last', ['first']],
    ['epn.amount', ['12.5', 'twelve']],
    ['ep.empty', ['']],
    ['ep.a_first', ['x', 'y']],
    ['up.user_kind', ['vip']],
    ['epn.bad', ['1,5']],
  ]);
  assert.equal(eventParams(params), [
    { name: 'z_last', value_string: 'first', value_number: null },
    { name: 'amount', value_string: null, value_number: 12.5 },
    { name: 'empty', value_string: '', value_number: null },
    { name: 'a_first', value_string: 'x', value_number: null },
    { name: 'a_first', value_string: 'y', value_number: null },
  ]);
});

test('params of a body line come after the URL ones; a key the line repeats moves with it', () => {
  const s = gtagSession([{ query: `${PAGE}&en=page_view&ep.content_group=blog&ep.author=ann`, body: 'en=page_view&ep.author=bob&epn.words=812' }]);
  assert.equal(s.events[0]!.values['params'], [
    { name: 'content_group', value_string: 'blog', value_number: null },
    { name: 'author', value_string: 'bob', value_number: null },
    { name: 'words', value_string: null, value_number: 812 },
  ]);
  assert.is(s.events[0]!.values['params_content_group'], 'blog');
});

test('long text parameters are cut to 8,192 characters; the params list keeps them whole', () => {
  const long = 'é'.repeat(9000);
  const s = gtagSession([{ query: `${PAGE}&en=page_view&ep.label=${encodeURIComponent(long)}` }]);
  assert.is((s.events[0]!.values['params_label'] as string).length, 8192);
  assert.is((s.events[0]!.values['params'] as { value_string: string }[])[0]!.value_string.length, 9000);
});

test.run();
