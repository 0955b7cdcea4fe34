import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { protocolColumnSet } from '../../columns/column-sets.js';
import { StaticPropertyLookup } from '../../columns/core/property-lookup.js';
import { createTrafficSourceDetector } from '../../columns/attribution/traffic-source-detector.js';
import { computeColumns, sessionOf } from '../columns/fixtures.js';
import { testProperty } from '../support/properties.js';

// The reference's verified examples (columns.md §4.5) and the values of the conformance cases
// of area ga4/traffic-source, run through the whole GA4 column set: dl, dr and ir as sent.

const columns = protocolColumnSet('ga4', {
  properties: new StaticPropertyLookup([testProperty({ excludedUrlParams: ['utm_source', 'utm_medium', 'utm_term', 'gclid'] })]),
  trafficSource: createTrafficSourceDetector(),
});

/** The playground page the reference's test hit carries, double-encoded so it has no host. */
const PLAYGROUND = 'https%3A%2F%2Fd8a-tech.github.io%2Fanalytics-playground%2Findex.html';

function sessionSmt(params: [string, string][]): [unknown, unknown, unknown] {
  const session = computeColumns(columns, sessionOf([{ query: params }]));
  assert.is(session.brokenReason, null);
  return [session.values['session_source'], session.values['session_medium'], session.values['session_term']];
}

const fromReferrer = (dr: string): [unknown, unknown, unknown] => sessionSmt([['dl', PLAYGROUND], ['dr', dr]]);

test('campaign parameters and click ids on the landing URL win over the referrer', () => {
  assert.equal(sessionSmt([['dl', 'https://example.com/page?utm_source=google&utm_medium=cpc&utm_term=keyword'], ['dr', 'https://example.com']]), ['google', 'cpc', 'keyword']);
  assert.equal(sessionSmt([['dl', 'https://example.com/page?gclid=1234567890'], ['dr', 'https://example.com']]), ['google', 'cpc', '']);
  assert.equal(
    sessionSmt([['dl', 'https://example.com/page?utm_source=foobar&utm_medium=bar&utm_term=keyword'], ['dr', 'https://youtube.com/watch?v=123']]),
    ['foobar', 'bar', 'keyword'],
  );
});

test('search engines: organic with the term of the referrer query', () => {
  assert.equal(fromReferrer('https://google.com/search?q=keyword'), ['google', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://www.google.com/search?q=keyword'), ['google', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://search.google.com/search?q=keyword'), ['google', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://google.gr/search?q=keyword'), ['google', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://www.ilse.nl/search?search_for=keyword'), ['ilse-nl', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://www.baidu.com/s?wd=keyword'), ['baidu', 'organic', 'keyword']);
  assert.equal(fromReferrer('https://videa.seznam.cz/foobar'), ['seznam-videa', 'organic', '']);
});

test('social networks, AI assistants, video sites and webmail on the web', () => {
  assert.equal(fromReferrer('https://www.reddit.com/'), ['reddit', 'social', '']);
  assert.equal(fromReferrer('https://github.com/d8a-tech/d8a'), ['github', 'social', '']);
  assert.equal(fromReferrer('https://www.linkedin.com/'), ['linkedin', 'social', '']);
  assert.equal(fromReferrer('https://facebook.com/post/123'), ['facebook', 'social', '']);
  assert.equal(fromReferrer('https://twitter.com/user/status/123'), ['twitter', 'social', '']);
  assert.equal(fromReferrer('https://chatgpt.com/chat'), ['chatgpt', 'ai', '']);
  assert.equal(fromReferrer('https://gemini.google.com/app'), ['gemini', 'ai', '']);
  assert.equal(fromReferrer('https://youtube.com/watch?v=123'), ['youtube', 'video', '']);
  assert.equal(fromReferrer('https://vimeo.com/123456'), ['vimeo', 'video', '']);
  assert.equal(fromReferrer('https://gmail.com'), ['gmail', 'email', '']);
  assert.equal(fromReferrer('https://www.mail.example.com/path?query=value'), ['mail.example.com', 'email', '']);
});

test('Android app referrers', () => {
  const app = (pkg: string) => fromReferrer(`android-app://${pkg}`);
  const expected: [string, string, string][] = [
    ['com.linkedin.android', 'linkedin', 'social'],
    ['org.telegram.messenger', 'telegram', 'social'],
    ['com.reddit.frontpage', 'reddit', 'social'],
    ['org.joinmastodon.android', 'mastodon', 'social'],
    ['com.Slack', 'slack', 'social'],
    ['com.whatsapp', 'whatsapp', 'social'],
    ['com.facebook.katana', 'facebook', 'social'],
    ['com.instagram.android', 'instagram', 'social'],
    ['com.twitter.android', 'twitter', 'social'],
    ['com.pinterest', 'pinterest', 'social'],
    ['com.zhiliaoapp.musically', 'tiktok', 'social'],
    ['com.google.android.youtube', 'youtube', 'video'],
    ['tv.twitch.android.app', 'twitch', 'video'],
    ['com.google.android.gm', 'gmail', 'email'],
    ['com.microsoft.office.outlook', 'outlook', 'email'],
    ['com.openai.chatgpt', 'chatgpt', 'ai'],
    ['com.google.android.apps.bard', 'gemini', 'ai'],
    ['ai.perplexity.app.android', 'perplexity', 'ai'],
    ['com.android.chrome', 'chrome', 'referral'],
    ['org.mozilla.firefox', 'firefox', 'referral'],
  ];
  for (const [pkg, source, medium] of expected) {
    assert.equal(app(pkg), [source, medium, ''], pkg);
    assert.equal(app(`${pkg}/`), [source, medium, ''], `${pkg}/`);
  }
});

test('other sites are referral; the own site, no referrer and ir=1 are direct', () => {
  assert.equal(sessionSmt([['dl', 'https://www.example.com/page'], ['dr', 'https://www.other-site.com/blog/article?id=123']]), ['other-site.com', 'referral', '']);
  assert.equal(sessionSmt([['dl', 'https://www.example.com/page'], ['dr', 'https://www.example.com/blog/article?id=123']]), ['direct', 'none', '']);
  assert.equal(sessionSmt([['dl', 'https://example.com/page']]), ['direct', 'none', '']);
  assert.equal(sessionSmt([['dl', 'https://www.example.com/page'], ['dr', 'https://www.other-site.com/'], ['ir', '1']]), ['direct', 'none', '']);
});

test('a referrer on a landing page without host is not a referral', () => {
  assert.equal(fromReferrer('https://example.com'), ['direct', 'none', '']);
});

test('only the first event of the session counts', () => {
  const direct = computeColumns(
    columns,
    sessionOf([{ query: [['dl', 'https://www.example.com/']] }, { query: [['dl', 'https://www.example.com/b'], ['dr', 'https://google.com/search?q=x']] }]),
  );
  assert.equal([direct.values['session_source'], direct.values['session_medium']], ['direct', 'none']);
  const search = computeColumns(
    columns,
    sessionOf([{ query: [['dl', 'https://www.example.com/'], ['dr', 'https://google.com/search?q=x']] }, { query: [['dl', 'https://www.example.com/b?utm_source=mail']] }]),
  );
  assert.equal([search.values['session_source'], search.values['session_medium'], search.values['session_term']], ['google', 'organic', 'x']);
});

test.run();
