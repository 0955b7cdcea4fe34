import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeGoQuery, formatGoUrl, goHostname, GoUrlError, parseGoQuery, parseGoUrl } from '../../columns/url/go-url.js';
import { stripExcludedParams } from '../../columns/url/page-url.js';
import { RecentUrlParses, recentUrls } from '../../columns/url/recent-urls.js';

test('parse: scheme, host, decoded path, query and fragment', () => {
  const u = parseGoUrl('HTTPS://user:pw@Example.com:8443/a%2Fb%20c?x=1#frag%20ment');
  assert.is(u.scheme, 'https');
  assert.equal(u.user, { username: 'user', password: 'pw' });
  assert.is(u.host, 'Example.com:8443');
  assert.is(goHostname(u), 'Example.com');
  assert.is(u.path, '/a/b c');
  assert.is(u.rawQuery, 'x=1');
  assert.is(u.fragment, 'frag ment');
});

test('parse: lenient where Go is lenient', () => {
  assert.is(parseGoUrl('').path, '');
  assert.is(parseGoUrl('/relative/path').path, '/relative/path');
  assert.is(parseGoUrl('mailto:someone@example.com').opaque, 'someone@example.com');
  assert.is(parseGoUrl('example.com/page').path, 'example.com/page');
});

test('parse: errors where Go errors', () => {
  for (const bad of ['://bad', 'http://exa mple.com/', 'http://[::1/', 'http://host:port/', '/a%zz', 'a:b/c'.replace('a:b', '1:b'), 'http://x/\n']) {
    assert.throws(() => parseGoUrl(bad), (err: unknown) => err instanceof GoUrlError, bad);
  }
});

test('format: round trip keeps the original escaping', () => {
  for (const url of ['https://example.com/a%2Fb?q=1#x', 'https://example.com', 'http://[::1]:80/x', 'https://example.com/p?', 'mailto:x@y']) {
    assert.is(formatGoUrl(parseGoUrl(url)), url);
  }
  assert.is(formatGoUrl(parseGoUrl('https://example.com/a b')), 'https://example.com/a%20b');
});

test('query: & only, bad pairs skipped, + is a space', () => {
  const q = parseGoQuery('a=1&b=x+y&a=2&c;d=3&bad=%zz&&=v&flag');
  assert.equal([...q], [
    ['a', ['1', '2']],
    ['b', ['x y']],
    ['', ['v']],
    ['flag', ['']],
  ]);
});

test('encode: keys sorted, form escaping with ~ kept and * escaped', () => {
  const q = new Map([
    ['z', ['a b']],
    ['a', ['~x*', 'é']],
  ]);
  assert.is(encodeGoQuery(q), 'a=~x%2A&a=%C3%A9&z=a+b');
});

test('stripping: nothing present or nothing to strip leaves the URL as sent', () => {
  const url = 'https://example.com/p?b=2&a=1#f';
  assert.is(stripExcludedParams(url, ['gclid']), url);
  assert.is(stripExcludedParams(url, []), url);
  assert.is(stripExcludedParams('https://example.com/p?gclid=1&b=2&a=1#f', ['gclid']), 'https://example.com/p?a=1&b=2#f');
  assert.is(stripExcludedParams('https://example.com/p?gclid=1', ['gclid']), 'https://example.com/p');
});

test('stripping leaves the shared parse of the URL as it was for the other columns', () => {
  const url = 'https://example.com/strip-shared?gclid=1&b=2';
  assert.is(stripExcludedParams(url, ['gclid']), 'https://example.com/strip-shared?b=2');
  assert.equal([...recentUrls.query(url)], [['gclid', ['1']], ['b', ['2']]]);
  assert.is(stripExcludedParams(url, ['gclid']), 'https://example.com/strip-shared?b=2');
});

test('recent parses: each URL parses as on its own, whatever came before and however many', () => {
  const memo = new RecentUrlParses(4);
  const urls = Array.from({ length: 40 }, (_, i) => `https://h${i % 7}.example/p${i % 5}?a=${i % 3}&utm_source=s${i % 6}#f`);
  // Orders that revisit URLs just kept, just evicted and never seen.
  const order = [...urls, ...urls.slice().reverse(), ...urls.map((_, i) => urls[(i * 11) % urls.length]!)];
  for (const url of order) {
    assert.equal(memo.parse(url), parseGoUrl(url), url);
    assert.equal([...memo.query(url)], [...parseGoQuery(parseGoUrl(url).rawQuery)], url);
  }
  const again = 'https://h1.example/p1?a=1';
  assert.ok(memo.parse(again) === memo.parse(again), 'a URL asked for twice in a row is parsed once');
});

test('recent parses: at most `size` are kept, the oldest added going first', () => {
  const memo = new RecentUrlParses(3);
  const first = memo.parse('https://a.example/');
  memo.parse('https://b.example/');
  memo.parse('https://c.example/');
  assert.ok(memo.parse('https://a.example/') === first, 'still kept with three parses');
  memo.parse('https://d.example/');
  assert.ok(memo.parse('https://a.example/') !== first, 'a fourth URL pushed out the first one added');
  assert.throws(() => new RecentUrlParses(0), /positive integer/);
});

test('recent parses: a URL that does not parse throws every time and is not remembered', () => {
  const memo = new RecentUrlParses(2);
  for (let i = 0; i < 3; i++) assert.throws(() => memo.parse('http://[::1'), (e: unknown) => e instanceof GoUrlError);
  assert.throws(() => memo.query('http://[::1'), (e: unknown) => e instanceof GoUrlError);
  assert.is(memo.parse('https://ok.example/').host, 'ok.example');
});

test.run();
