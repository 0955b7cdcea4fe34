import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basicTrafficSourceDetector } from '../../columns/attribution/basic-detector.js';
import { parseReferrerList, type ReferrerLists } from '../../columns/attribution/referrer-list-files.js';
import { ReferrerList } from '../../columns/attribution/referrer-list.js';
import { createTrafficSourceDetector } from '../../columns/attribution/traffic-source-detector.js';
import { readAttributionInput } from '../../columns/attribution/attribution-input.js';
import { firstEvent, LANDING, smt, type FirstEventSpec } from './helpers.js';

const EMPTY = new ReferrerList([]);

/** Lists written inline; the ones not given are empty. */
function lists(yaml: Partial<Record<keyof ReferrerLists, string>>): ReferrerLists {
  const read = (kind: keyof ReferrerLists): ReferrerList => {
    const text = yaml[kind];
    return text === undefined ? EMPTY : parseReferrerList(text, kind, { withTermParams: kind === 'searchEngines' });
  };
  return {
    searchEngines: read('searchEngines'),
    socials: read('socials'),
    aiAssistants: read('aiAssistants'),
    videoSites: read('videoSites'),
    emailProviders: read('emailProviders'),
    referralApps: read('referralApps'),
  };
}

function smtWith(given: ReferrerLists, spec: FirstEventSpec): [string, string, string] {
  const { source, medium, term } = createTrafficSourceDetector(given).detect(firstEvent(spec));
  return [source, medium, term];
}

test('click ids: each platform, checked in order, names case-sensitive', () => {
  const click = (query: string) => smt({ page: `${LANDING}?${query}`, referrer: 'https://www.youtube.com/' });
  assert.equal(click('gclid=1'), ['google', 'cpc', '']);
  assert.equal(click('gbraid=1'), ['google', 'cpc', '']);
  assert.equal(click('wbraid=1'), ['google', 'cpc', '']);
  assert.equal(click('msclkid=1'), ['bing', 'cpc', '']);
  assert.equal(click('fbclid=1'), ['facebook', 'cpc', '']);
  assert.equal(click('twclid=1'), ['twitter', 'cpc', '']);
  assert.equal(click('li_fat_id=1'), ['linkedin', 'cpc', '']);
  assert.equal(click('ttclid=1'), ['tiktok', 'cpc', '']);
  assert.equal(click('ScCid=1'), ['snapchat', 'cpc', '']);
  assert.equal(click('irclickid=1'), ['impact', 'affiliate', '']);
  assert.equal(click('gclsrc=aw.ds'), ['google', 'cpc', '']);
  assert.equal(click('gclsrc=3p.ds'), ['google', 'display', '']);
  assert.equal(click('msclkid=1&gclid=2'), ['google', 'cpc', ''], 'gclid is checked before msclkid');
  // Not click ids for attribution: the referrer decides.
  for (const query of ['gclid=', 'GCLID=1', 'sccid=1', 'dclid=1', 'srsltid=1', 'gclsrc=ds']) {
    assert.equal(click(query), ['youtube', 'video', ''], query);
  }
});

test('each referrer list gives its medium and the entry name as source', () => {
  const all = lists({
    videoSites: '- {name: Tube Site, hosts: [tube.example]}',
    emailProviders: '- {name: Post Box, hosts: [postbox.example]}',
    referralApps: '- {name: Browser, hosts: [org.browser.app]}',
    socials: '- {name: Friends, hosts: [friends.example]}',
    aiAssistants: '- {name: Bot, hosts: [bot.example]}',
    searchEngines: '- {name: Finder, hosts: [finder.example], term_params: [q, query]}',
  });
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://tube.example/v/1' }), ['tube-site', 'video', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://postbox.example/' }), ['post-box', 'email', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'android-app://org.browser.app/' }), ['browser', 'referral', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://m.friends.example/' }), ['friends', 'social', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://bot.example/c/1' }), ['bot', 'ai', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://finder.example/?query=B&q=A' }), ['finder', 'organic', 'a']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://finder.example/?q=&query=B' }), ['finder', 'organic', 'b'], 'an empty value is skipped');
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://finder.example/?q=1&q=2' }), ['finder', 'organic', '1'], 'first value of a parameter');
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://finder.example/' }), ['finder', 'organic', '']);
  assert.equal(smtWith(all, { page: LANDING, referrer: 'https://elsewhere.example/' }), ['elsewhere.example', 'referral', '']);
});

test('order: video, email, referral apps, mail heuristic, social, AI, search, referral', () => {
  const chain: [keyof ReferrerLists, string][] = [
    ['videoSites', 'video'],
    ['emailProviders', 'email'],
    ['referralApps', 'referral'],
    ['socials', 'social'],
    ['aiAssistants', 'ai'],
    ['searchEngines', 'organic'],
  ];
  // The same host in every list from position i on: the list earliest in the chain wins.
  for (let i = 0; i < chain.length; i++) {
    const yaml: Partial<Record<keyof ReferrerLists, string>> = {};
    for (const [kind] of chain.slice(i)) yaml[kind] = `- {name: ${kind}, hosts: [shared.example]}`;
    const [kind, medium] = chain[i]!;
    // Email yields to search engines on a shared host, so it is tested without them below.
    if (kind === 'emailProviders') delete yaml.searchEngines;
    assert.equal(smtWith(lists(yaml), { page: LANDING, referrer: 'https://shared.example/' }), [kind.toLowerCase(), medium, ''], kind);
  }
  assert.equal(smtWith(lists({}), { page: LANDING, referrer: 'https://shared.example/' }), ['shared.example', 'referral', '']);
});

test('order: the mail heuristic comes after referral apps and before social networks', () => {
  const given = lists({ referralApps: '- {name: Mail App, hosts: [mail.app.example]}', socials: '- {name: Friends, hosts: [friends.example]}' });
  assert.equal(smtWith(given, { page: LANDING, referrer: 'https://mail.app.example/' }), ['mail-app', 'referral', '']);
  assert.equal(smtWith(given, { page: LANDING, referrer: 'https://friends.example/share?u=gmail.com' }), ['friends.example', 'email', '']);
  assert.equal(smtWith(given, { page: LANDING, referrer: 'https://friends.example/share' }), ['friends', 'social', '']);
});

test('order with the shipped lists: AI and video before search and social', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://gemini.google.com/app' }), ['gemini', 'ai', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://m.youtube.com/watch?v=1' }), ['youtube', 'video', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://www.google.de/url?q=x' }), ['google', 'organic', 'x']);
});

test('§4.7 fix: a host both email and search engines claim goes to the narrower pattern, a tie to search', () => {
  const given = (email: string, search: string) =>
    lists({ emailProviders: `- {name: Portal Mail, hosts: [${email}]}`, searchEngines: `- {name: Portal, hosts: [${search}], term_params: [text]}` });
  const ref = 'https://yandex.ru/search/?text=shoes';
  assert.equal(smtWith(given('yandex.ru', 'yandex.ru'), { page: LANDING, referrer: ref }), ['portal', 'organic', 'shoes']);
  assert.equal(smtWith(given('yandex.ru', 'yandex.*'), { page: LANDING, referrer: ref }), ['portal', 'organic', 'shoes']);
  assert.equal(smtWith(given('yahoo.com', 'search.yahoo.com'), { page: LANDING, referrer: 'https://search.yahoo.com/' }), ['portal', 'organic', '']);
  assert.equal(smtWith(given('mail.yandex.ru', 'yandex.ru'), { page: LANDING, referrer: 'https://mail.yandex.ru/' }), ['portal-mail', 'email', '']);
  assert.equal(smtWith(given('yahoo.com', 'search.yahoo.com'), { page: LANDING, referrer: 'https://mail.yahoo.com/' }), ['portal-mail', 'email', '']);
});

test('§4.7 fix with the shipped lists', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://search.yahoo.com/search?p=shoes' }), ['yahoo', 'organic', 'shoes']);
  assert.equal(smt({ page: LANDING, referrer: 'https://yandex.ru/search/?text=shoes' }), ['yandex', 'organic', 'shoes']);
  assert.equal(smt({ page: LANDING, referrer: 'https://suche.web.de/web?q=shoes' }), ['web.de-suche', 'organic', 'shoes']);
  assert.equal(smt({ page: LANDING, referrer: 'https://web.de/' }), ['web.de', 'email', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://mail.google.com/mail/u/0/' }), ['gmail', 'email', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://mail.yahoo.com/d/folders/1' }), ['yahoo-mail', 'email', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://mail.yandex.ru/' }), ['yandex-mail', 'email', '']);
});

test('§4.7 fix: the mail heuristic leaves search engine referrers to the search engines', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://www.google.com/search?q=gmail.com' }), ['google', 'organic', 'gmail.com']);
  assert.equal(smt({ page: LANDING, referrer: 'https://go.mail.ru/search?q=shoes' }), ['mail.ru', 'organic', 'shoes']);
  assert.equal(smt({ page: LANDING, referrer: 'https://webmail.example.org/?x=mail.y' }), ['webmail.example.org', 'email', '']);
  // Without search engines (the chain without lists) the heuristic decides alone.
  const basic = basicTrafficSourceDetector().detect(firstEvent({ page: LANDING, referrer: 'https://www.google.com/search?q=gmail.com' }));
  assert.equal(basic, { source: 'google.com', medium: 'email', term: '' });
});

test('mail heuristic: anywhere in the referrer text, source is the host without www', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://www.mail.example.com/path?query=value' }), ['mail.example.com', 'email', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://news.example.net/a/email.html' }), ['news.example.net', 'email', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://news.example.net/a/MAIL.html' }), ['news.example.net', 'referral', ''], 'case-sensitive');
});

test('ignore_referrer drops the referrer entirely; campaign parameters and click ids still count', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://www.google.com/search?q=x', ignoreReferrer: true }), ['direct', 'none', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://www.other-site.com/', ignoreReferrer: true }), ['direct', 'none', '']);
  assert.equal(smt({ page: LANDING, referrer: 'https://www.google.com/search?q=x', ignoreReferrer: false }), ['google', 'organic', 'x']);
  assert.equal(smt({ page: LANDING, referrer: 'https://www.google.com/search?q=x', ignoreReferrer: null }), ['google', 'organic', 'x']);
  assert.equal(smt({ page: `${LANDING}?utm_source=news`, referrer: 'https://www.google.com/', ignoreReferrer: true }), ['news', 'none', '']);
  assert.equal(smt({ page: `${LANDING}?gclid=1`, referrer: 'https://www.google.com/', ignoreReferrer: true }), ['google', 'cpc', '']);
});

test('UTM override: each part on its own, only when non-empty, from the landing URL as sent', () => {
  const google = 'https://www.google.com/search?q=shoes';
  assert.equal(smt({ page: `${LANDING}?utm_source=newsletter`, referrer: google }), ['newsletter', 'organic', 'shoes']);
  assert.equal(smt({ page: `${LANDING}?utm_medium=banner`, referrer: google }), ['google', 'banner', 'shoes']);
  assert.equal(smt({ page: `${LANDING}?utm_term=boots`, referrer: google }), ['google', 'organic', 'boots']);
  assert.equal(smt({ page: `${LANDING}?utm_source=&utm_medium=&utm_term=`, referrer: google }), ['google', 'organic', 'shoes']);
  assert.equal(smt({ page: `${LANDING}?utm_source=a&utm_source=b` }), ['a', 'none', '']);
  assert.equal(smt({ page: `${LANDING}?utm_source=spring&utm_medium=email`, pageLocation: LANDING }), ['spring', 'email', '']);
  assert.equal(smt({ page: `${LANDING}?utm_medium=cpc&fbclid=1` }), ['facebook', 'cpc', '']);
});

test('normalisation of source, medium and term', () => {
  assert.equal(smt({ page: `${LANDING}?utm_source=Google%20Ads&utm_medium=Paid+Search&utm_term=Red%20Shoes` }), ['google-ads', 'paid-search', 'red-shoes']);
  assert.equal(smt({ page: `${LANDING}?utm_source=a%2Fb%5Cc%3Fd%26e%3Df%23g` }), ['abcdefg', 'none', '']);
  assert.equal(smt({ page: `${LANDING}?utm_source=%09News%0A&utm_medium=%C2%85x%C2%85` }), ['news', 'x', '']);
  assert.equal(smt({ page: `${LANDING}?utm_source=%20x%20` }), ['-x-', 'none', ''], 'spaces become dashes before trimming');
  assert.equal(smt({ page: `${LANDING}?utm_source=x%EF%BB%BF` }), ['x\ufeff', 'none', ''], 'a byte order mark is not white space to Go');
  assert.equal(smt({ page: `${LANDING}?utm_source=%CE%9F%CE%94%CE%9F%CE%A3&utm_medium=%C4%B0` }), ['οδοσ', 'i', ''], 'code point by code point, as Go lowers');
  assert.equal(smt({ page: LANDING, referrer: 'https://www.ilse.nl/search?search_for=Blue+Jeans%2FCheap' }), ['ilse-nl', 'organic', 'blue-jeanscheap']);
});

test('generic referral: another host than the landing page, compared without www and case', () => {
  assert.equal(smt({ page: 'https://www.example.com/', referrer: 'https://www.other-site.com/blog/article?id=123' }), ['other-site.com', 'referral', '']);
  assert.equal(smt({ page: 'https://WWW.Example.com/', referrer: 'https://example.com/a' }), ['direct', 'none', '']);
  assert.equal(smt({ page: 'https://example.com/', referrer: 'https://www.EXAMPLE.com:8443/a' }), ['direct', 'none', '']);
  assert.equal(smt({ page: 'https://example.com/', referrer: 'https://Other.Example.com:8443/a' }), ['other.example.com', 'referral', '']);
  assert.equal(smt({ page: 'https://example.com/', referrer: 'https://sub.example.com/' }), ['sub.example.com', 'referral', ''], 'subdomains are other sites');
  assert.equal(smt({ referrer: 'https://www.other-site.com/' }), ['direct', 'none', ''], 'no landing URL, no comparison');
  assert.equal(smt({ page: '/relative/path', referrer: 'https://www.other-site.com/' }), ['direct', 'none', ''], 'a landing URL without host');
});

test('unparsable URLs: a referrer is ignored, a landing page leaves the referrer lists working', () => {
  assert.equal(smt({ page: LANDING, referrer: 'https://exa mple.com/' }), ['direct', 'none', '']);
  assert.equal(smt({ page: LANDING, referrer: 'http://[::1/' }), ['direct', 'none', '']);
  assert.equal(smt({ page: 'https://exa mple.com/?utm_source=x', referrer: 'https://www.google.com/search?q=y' }), ['google', 'organic', 'y']);
});

test('the chain without lists treats list sites as referrals', () => {
  const detect = (spec: FirstEventSpec) => basicTrafficSourceDetector().detect(firstEvent(spec));
  assert.equal(detect({ page: LANDING, referrer: 'https://www.google.com/search?q=x' }), { source: 'google.com', medium: 'referral', term: '' });
  assert.equal(detect({ page: `${LANDING}?gclid=1` }), { source: 'google', medium: 'cpc', term: '' });
});

test('answers kept by landing URL and referrer are the ones classifying afresh gives, also after the table starts over', () => {
  const detector = createTrafficSourceDetector();
  const pages = [LANDING, `${LANDING}?utm_source=News&utm_medium=Email`, `${LANDING}?gclid=abc`, 'https://www.google.com/search?q=x', '', '%zz://bad'];
  const referrers = ['', 'https://www.google.com/search?q=mugs', 'https://l.facebook.com/', 'https://mail.example.org/inbox', 'https://www.example.com/other', '::not a url'];
  const specs: FirstEventSpec[] = [];
  for (const page of pages) {
    for (const referrer of referrers) {
      for (const ignoreReferrer of [true, false, null]) {
        specs.push({ page, referrer, ignoreReferrer });
        specs.push({ page, pageLocation: LANDING, referrer, ignoreReferrer });
      }
    }
  }
  // More distinct landing URLs than the table holds, so it starts over on the way.
  for (let i = 0; i < 5000; i++) specs.push({ page: `${LANDING}?n=${i}`, referrer: referrers[i % referrers.length]! });
  for (let pass = 0; pass < 2; pass++) {
    for (const spec of pass === 0 ? specs : [...specs].reverse()) {
      const event = firstEvent(spec);
      assert.equal({ ...detector.detect(event) }, detector.classify(readAttributionInput(event)), JSON.stringify(spec));
    }
  }
  // Two sessions from the same landing URL and referrer share the answer.
  const spec = { page: `${LANDING}?utm_source=x`, referrer: 'https://www.bing.com/' };
  assert.is(detector.detect(firstEvent(spec)), detector.detect(firstEvent(spec)));
  // An ignored referrer reads as no referrer at all.
  assert.is(detector.detect(firstEvent({ ...spec, ignoreReferrer: true })), detector.detect(firstEvent({ page: spec.page })));
});

test.run();
