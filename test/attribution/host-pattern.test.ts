import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostPattern, HostPatternError } from '../../columns/attribution/host-pattern.js';

const p = (text: string) => HostPattern.parse(text);

test('a plain pattern matches its host and subdomains, nothing else', () => {
  const pattern = p('example.com');
  for (const host of ['example.com', 'www.example.com', 'a.b.example.com']) assert.ok(pattern.matches(host), host);
  for (const host of ['', 'example.co', 'notexample.com', 'example.com.evil.net', 'com', 'xexample.com']) assert.not.ok(pattern.matches(host), host);
});

test('Android package names are plain patterns', () => {
  assert.ok(p('com.whatsapp').matches('com.whatsapp'));
  // Package names grow to the right, hosts to the left: a longer package name is another app.
  assert.not.ok(p('com.whatsapp').matches('com.whatsapp.w4b'));
  assert.not.ok(p('com.whatsapp').matches('com.whatsappx'));
});

test('`name.*` matches any one-label ending and country second levels, with subdomains', () => {
  const google = p('google.*');
  for (const host of ['google.com', 'google.de', 'google.gr', 'www.google.co.uk', 'google.com.br', 'news.google.co.jp', 'google.ne.jp']) {
    assert.ok(google.matches(host), host);
  }
  for (const host of ['google', 'google.evil.net', 'google.com.evil', 'google.co.uk.evil.net', 'notgoogle.com', 'googlex.de', 'google.com.evil.zz']) {
    assert.not.ok(google.matches(host), host);
  }
  assert.ok(p('search.yahoo.*').matches('uk.search.yahoo.com'));
  assert.not.ok(p('search.yahoo.*').matches('yahoo.com'));
});

test('specificity counts labels, `*` as one', () => {
  assert.is(p('google.*').specificity, 2);
  assert.is(p('yandex.ru').specificity, 2);
  assert.is(p('mail.google.com').specificity, 3);
  assert.is(p('mail.yandex.*').specificity, 3);
});

test('covers: every host of the other pattern is matched', () => {
  assert.ok(p('google.*').covers(p('images.google.com')));
  assert.ok(p('google.*').covers(p('news.google.*')));
  assert.ok(p('seznam.cz').covers(p('videa.seznam.cz')));
  assert.ok(p('seznam.cz').covers(p('seznam.cz')));
  assert.not.ok(p('videa.seznam.cz').covers(p('seznam.cz')));
  assert.not.ok(p('google.com').covers(p('google.*')));
  assert.not.ok(p('yahoo.com').covers(p('search.yahoo.*')));
});

test('malformed patterns are refused with a reason', () => {
  const reasons: [string, RegExp][] = [
    ['', /empty/],
    ['Google.com', /lower case/],
    ['https://google.com', /bare host/],
    ['google.com/search', /bare host/],
    ['google.com:443', /bare host/],
    ['google com', /bare host/],
    ['*.google.com', /only as its last label/],
    ['google.*.com', /only as its last label/],
    ['google..com', /invalid label ""/],
    ['-google.com', /invalid label/],
    ['google.{}', /invalid label/],
    ['com', /two labels/],
    ['*', /two labels/],
  ];
  for (const [text, reason] of reasons) {
    assert.throws(() => p(text), (err: unknown) => err instanceof HostPatternError && reason.test(err.message), text);
  }
});

test.run();
