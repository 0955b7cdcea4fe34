import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeColumns, sessionOf, type HitSpec } from './fixtures.js';
import { ga4ColumnSet } from './ga4-set.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { formatUtcTimestamp, utcTimestamp } from '../../src/hits/utc-text.js';

const DEFAULT_EXCLUSIONS = [
  'utm_marketing_tactic', 'utm_source_platform', 'utm_term', 'utm_content', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_id',
  'utm_creative_format', 'gclid', 'dclid', 'srsltid', 'gbraid', 'wbraid', 'fbclid', 'msclkid',
];

function one(spec: HitSpec, settings: Partial<PropertySettings> = {}) {
  const s = computeColumns(ga4ColumnSet(settings), sessionOf([spec]));
  return s.events[0]!;
}

const dl = (url: string): HitSpec => ({ query: [['dl', url]] });

test('hit fields: id, name, client, user, property, IP', () => {
  const e = one({ id: 'e1', name: 'scroll', clientId: 'c', userId: 'u' });
  assert.equal(
    [e.values['id'], e.values['name'], e.values['client_id'], e.values['user_id'], e.values['property_id'], e.values['property_name'], e.values['ip_address']],
    ['e1', 'scroll', 'c', 'u', 'default', 'Default property', '192.0.2.1'],
  );
  assert.is(one({ userId: '' }).values['user_id'], null);
});

test('date and timestamp are UTC, at second precision', () => {
  const e = one({ at: 0.9 });
  assert.is(e.values['date_utc'], '2025-01-01');
  assert.is(e.values['timestamp_utc'], '2025-01-01T12:00:00Z');
});

test('page_location is kept verbatim when nothing is excluded', () => {
  assert.is(one(dl('https://example.com/page?gclid=abc123&fbclid=xyz789&foo=bar')).values['page_location'], 'https://example.com/page?gclid=abc123&fbclid=xyz789&foo=bar');
  assert.is(one(dl('https://example.com/page?foo=bar&baz=qux'), { excludedUrlParams: DEFAULT_EXCLUSIONS }).values['page_location'], 'https://example.com/page?foo=bar&baz=qux');
});

test('page_location without excluded parameters is re-encoded with sorted keys', () => {
  const url = 'https://example.com/page?utm_source=google&utm_medium=cpc&gclid=abc123&fbclid=xyz789&utm_campaign=test&foo=bar&baz=qux';
  const e = one(dl(url), { excludedUrlParams: ['utm_medium', 'utm_campaign'] });
  assert.is(e.values['page_location'], 'https://example.com/page?baz=qux&fbclid=xyz789&foo=bar&gclid=abc123&utm_source=google');
  assert.is(e.metadata['original_page_location'], url);
  const stripped = one(dl(url), { excludedUrlParams: DEFAULT_EXCLUSIONS });
  assert.is(stripped.values['page_location'], 'https://example.com/page?baz=qux&foo=bar');
  // Campaign columns read the original URL.
  assert.is(stripped.values['utm_campaign'], 'test');
  assert.is(stripped.values['click_id_gclid'], 'abc123');
});

test('page hostname and path follow Go URL parsing', () => {
  const cases: [string, string, string, string][] = [
    ['https://example.com/page', 'https://example.com/page', 'example.com', '/page'],
    ['https://example.com', 'https://example.com', 'example.com', ''],
    ['https://example.com/', 'https://example.com/', 'example.com', '/'],
    ['', '', '', ''],
    ['ansdaksbfasbf9123123http:dadasdsakasd1337', 'ansdaksbfasbf9123123http:dadasdsakasd1337', '', ''],
    ['https://Example.COM:8080/a%20b', 'https://Example.COM:8080/a%20b', 'Example.COM', '/a b'],
    ['http://[::1]:80/x', 'http://[::1]:80/x', '::1', '/x'],
  ];
  for (const [url, location, host, path] of cases) {
    const e = one(dl(url));
    assert.is(e.brokenReason, null, url);
    assert.equal([e.values['page_location'], e.values['page_hostname'], e.values['page_path']], [location, host, path], url);
  }
});

test('an unparsable page URL breaks the event; the other columns are still computed', () => {
  const e = one({ query: [['dl', '://bad'], ['dt', 'T']] });
  assert.match(e.brokenReason ?? '', /page_location/);
  assert.is(e.values['page_location'], undefined);
  assert.is(e.values['page_title'], 'T');
});

test('title and referrer are raw: empty string when absent', () => {
  const e = one({});
  assert.is(e.values['page_title'], '');
  assert.is(e.values['page_referrer'], '');
  assert.is(one({ query: [['dt', 'Food Shop']] }).values['page_title'], 'Food Shop');
});

test('campaign and click-id columns: absent or empty parameters are null', () => {
  const e = one(dl('https://example.com/?utm_source=news&utm_medium=&msclkid=m1'));
  assert.is(e.values['utm_source'], 'news');
  assert.is(e.values['utm_medium'], null);
  assert.is(e.values['utm_campaign'], null);
  assert.is(e.values['click_id_msclkid'], 'm1');
});

test('language: the tracker value, else the Accept-Language header, else null', () => {
  assert.is(one({ query: [['ul', 'fr-fr']], headers: { 'Accept-Language': 'en-US' } }).values['device_language'], 'fr-fr');
  assert.is(one({ headers: { 'Accept-Language': 'en-US,en;q=0.9' } }).values['device_language'], 'en-US,en;q=0.9');
  assert.is(one({}).values['device_language'], null);
});

test('constants, screen resolution and ignore_referrer', () => {
  const e = one({ query: [['sr', '390x844'], ['ir', '1']] });
  assert.is(e.values['platform'], 'web');
  assert.is(e.values['tracking_protocol'], 'ga4_gtag');
  assert.is(e.values['device_screen_resolution'], '390x844');
  assert.is(e.values['ignore_referrer'], true);
  assert.is(one({}).values['ignore_referrer'], null);
  assert.is(one({}).values['device_screen_resolution'], null);
});

test('GA4 columns the core depends on', () => {
  const e = one({ query: [['sct', '3'], ['ep.link_url', 'https://x'], ['ep.search_term', ''], ['tid', 'G-ABC']] });
  assert.is(e.values['measurement_id'], 'G-ABC');
  assert.is(e.values['client_session_number'], 3);
  assert.is(e.values['params_link_url'], 'https://x');
  assert.is(e.values['params_search_term'], null);
  assert.is(e.values['params_form_id'], null);
});

test('device and geo stubs are null', () => {
  const e = one({ headers: { 'User-Agent': 'Mozilla/5.0' } });
  for (const f of ['geo_city', 'geo_country', 'device_category', 'device_web_browser']) assert.is(e.values[f], null, f);
});

test('the kept timestamp text is the formatted one for every time: same second, next second, other days, before 1970, far years, invalid', () => {
  assert.is(formatUtcTimestamp(Date.UTC(2025, 0, 1, 12, 0, 0)), '2025-01-01T12:00:00Z');
  const times: number[] = [];
  let seed = 11;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 3000; i++) {
    const base = (random() - 0.3) * 2e14;
    times.push(base, base + 999, base + 1000, base + 86_400_000, Math.floor(base / 86_400_000) * 86_400_000 - 1);
  }
  times.push(0, -0.5, -1, 0.5, -86_400_000.5, -86_400_000, -1000, -86_400_001, 8.64e15, -8.64e15, 8.64e15 + 1, NaN, Infinity, 253402300799000, -62135596800000);
  for (const ms of [...times, ...times.reverse()]) assert.is(utcTimestamp(ms), formatUtcTimestamp(ms), `at ${ms}`);
});

test.run();
