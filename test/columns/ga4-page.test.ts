import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pageLoadTime } from '../../protocols/ga4/columns/event-columns.js';
import { dl, gtagSession, GTAG_BASE } from './gtag.js';

const DEFAULT_EXCLUSIONS = [
  'utm_marketing_tactic', 'utm_source_platform', 'utm_term', 'utm_content', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_id',
  'utm_creative_format', 'gclid', 'dclid', 'srsltid', 'gbraid', 'wbraid', 'fbclid', 'msclkid',
];

test('page_view from a campaign link: page_location stripped and re-encoded, campaign columns from the original URL', () => {
  const landing = 'https://shop.example/products/tea?utm_source=newsletter&utm_medium=email&utm_campaign=spring sale&ref=top&a=1~2&gtm_debug=1746817938000';
  const s = gtagSession([{ query: `${GTAG_BASE}&${dl(landing)}&en=page_view&_ee=1` }], { settings: { excludedUrlParams: DEFAULT_EXCLUSIONS } });
  const e = s.events[0]!;
  assert.is(e.brokenReason, null);
  // Keys sorted, form encoding (space → +, ~ kept), the gtm_debug parameter is not excluded.
  assert.is(e.values['page_location'], 'https://shop.example/products/tea?a=1~2&gtm_debug=1746817938000&ref=top');
  assert.is(e.values['page_hostname'], 'shop.example');
  assert.is(e.values['page_path'], '/products/tea');
  assert.is(e.values['utm_source'], 'newsletter');
  assert.is(e.values['utm_medium'], 'email');
  assert.is(e.values['utm_campaign'], 'spring sale');
  assert.is(e.values['utm_term'], null);
  assert.is(e.values['gtm_debug'], '1746817938000');
  assert.is(e.values['page_title'], 'Food Shop');
  assert.is(e.values['page_referrer'], 'https://www.google.com/');
  assert.is(e.values['measurement_id'], 'G-5T0Z13HKP4');
  assert.is(e.values['tracking_protocol'], 'ga4_gtag');
});

test('gtm_debug is read from the URL as sent even when the property strips it from page_location', () => {
  const s = gtagSession([{ query: `${GTAG_BASE}&${dl('https://shop.example/?gtm_debug=x1&b=2')}&en=page_view` }], {
    settings: { excludedUrlParams: ['gtm_debug'] },
  });
  assert.is(s.events[0]!.values['page_location'], 'https://shop.example/?b=2');
  assert.is(s.events[0]!.values['gtm_debug'], 'x1');
  const none = gtagSession([{ query: `${GTAG_BASE}&${dl('https://shop.example/')}&en=page_view` }]);
  assert.is(none.events[0]!.values['gtm_debug'], null);
});

test('a gclid visit: click id columns and session click id from the first page view', () => {
  const url = 'https://shop.example/?gclid=Cj0KCQjw-abc_123&wbraid=w1&msclkid=m1';
  const s = gtagSession(
    [
      { query: `${GTAG_BASE}&${dl(url)}&en=page_view` },
      { query: `${GTAG_BASE}&${dl('https://shop.example/cart')}&en=page_view` },
    ],
    { settings: { excludedUrlParams: DEFAULT_EXCLUSIONS } },
  );
  const [first, second] = s.events;
  assert.is(first!.values['page_location'], 'https://shop.example/');
  assert.is(first!.values['click_id_gclid'], 'Cj0KCQjw-abc_123');
  assert.is(first!.values['click_id_wbraid'], 'w1');
  assert.is(first!.values['click_id_msclkid'], 'm1');
  assert.is(first!.values['click_id_fbclid'], null);
  assert.is(second!.values['click_id_gclid'], null);
  assert.is(s.values['session_click_id_gclid'], 'Cj0KCQjw-abc_123');
  // ep.gclid is a different column: an event parameter, not the page URL.
  assert.is(first!.values['params_gclid'], null);
});

test('page_load_hash: _p in Unix milliseconds, to the second in UTC; null when absent or not an integer', () => {
  const s = gtagSession([
    { query: `${GTAG_BASE}&${dl('https://shop.example/')}&en=page_view` },
    { query: `${GTAG_BASE.replace('_p=1746817938582', '_p=')}&en=scroll` },
    { query: `${GTAG_BASE.replace('_p=1746817938582', '_p=1.7e12')}&en=scroll` },
  ]);
  assert.equal(
    s.events.map((e) => e.values['page_load_hash']),
    ['2025-05-09T19:12:18Z', null, null],
  );
  assert.is(pageLoadTime('1714732800000'), '2024-05-03T10:40:00Z');
  assert.is(pageLoadTime('-1500'), '1969-12-31T23:59:58Z');
  assert.is(pageLoadTime('253402300800000'), null, 'year 10000');
  assert.is(pageLoadTime('99999999999999999999'), null, 'beyond int64');
  assert.is(pageLoadTime(' 1714732800000'), null);
  assert.is(pageLoadTime(null), null);
});

test('client session id and number come from sid and sct', () => {
  const s = gtagSession([{ query: `${GTAG_BASE}&en=page_view` }]);
  assert.is(s.events[0]!.values['client_session_id'], '1758117187');
  assert.is(s.events[0]!.values['client_session_number'], 2);
  assert.is(s.values['session_returning_user'], true);
});

test.run();
