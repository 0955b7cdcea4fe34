import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shippedReferrerLists, type ReferrerLists } from '../../columns/attribution/referrer-list-files.js';
import { normaliseAttributionValue } from '../../columns/attribution/normalise.js';
import { LANDING, smt } from './helpers.js';

const MEDIUM: Record<keyof ReferrerLists, string> = {
  searchEngines: 'organic',
  socials: 'social',
  aiAssistants: 'ai',
  videoSites: 'video',
  emailProviders: 'email',
  referralApps: 'referral',
};

/** A referrer URL for a host pattern; an Android package name reads the same as a host. */
function referrerFor(pattern: string): string {
  return `https://${pattern.endsWith('.*') ? pattern.slice(0, -1) + 'com' : pattern}/`;
}

test('every listed host reaches its own entry through the whole chain', () => {
  const lists = shippedReferrerLists();
  for (const kind of Object.keys(MEDIUM) as (keyof ReferrerLists)[]) {
    for (const entry of lists[kind].entries) {
      for (const host of entry.hosts) {
        const referrer = referrerFor(host.text);
        assert.equal(smt({ page: LANDING, referrer }).slice(0, 2), [normaliseAttributionValue(entry.name), MEDIUM[kind]], `${kind}: ${referrer}`);
      }
    }
  }
});

test('popular sites', () => {
  const cases: [string, string, string, string][] = [
    ['https://www.google.co.uk/', 'google', 'organic', ''],
    ['https://www.google.com.br/search?q=sapatos', 'google', 'organic', 'sapatos'],
    ['android-app://com.google.android.googlequicksearchbox/', 'google', 'organic', ''],
    ['android-app://com.whatsapp.w4b/', 'whatsapp', 'social', ''],
    ['android-app://org.telegram.messenger.web/', 'telegram', 'social', ''],
    ['https://www.bing.com/search?q=shoes', 'bing', 'organic', 'shoes'],
    ['https://duckduckgo.com/?q=shoes', 'duckduckgo', 'organic', 'shoes'],
    ['https://yandex.com.tr/search/?text=ayakkab%C4%B1', 'yandex', 'organic', 'ayakkabı'],
    ['https://search.naver.com/search.naver?query=x', 'naver', 'organic', 'x'],
    ['https://search.seznam.cz/?q=boty', 'seznam', 'organic', 'boty'],
    ['https://www.ecosia.org/search?q=x', 'ecosia', 'organic', 'x'],
    ['https://www.qwant.com/?q=x', 'qwant', 'organic', 'x'],
    ['https://search.brave.com/search?q=x', 'brave', 'organic', 'x'],
    ['https://www.startpage.com/do/search?query=x', 'startpage', 'organic', 'x'],
    ['https://l.facebook.com/l.php?u=x', 'facebook', 'social', ''],
    ['https://lm.facebook.com/', 'facebook', 'social', ''],
    ['https://l.instagram.com/', 'instagram', 'social', ''],
    ['https://t.co/abc', 'twitter', 'social', ''],
    ['https://x.com/someone', 'twitter', 'social', ''],
    ['https://out.reddit.com/', 'reddit', 'social', ''],
    ['https://www.pinterest.co.uk/pin/1', 'pinterest', 'social', ''],
    ['https://www.tiktok.com/@someone', 'tiktok', 'social', ''],
    ['https://news.ycombinator.com/item?id=1', 'hacker-news', 'social', ''],
    ['https://chat.openai.com/', 'chatgpt', 'ai', ''],
    ['https://www.perplexity.ai/search', 'perplexity', 'ai', ''],
    ['https://copilot.microsoft.com/', 'copilot', 'ai', ''],
    ['https://claude.ai/chat/1', 'claude', 'ai', ''],
    ['https://youtu.be/abc', 'youtube', 'video', ''],
    ['https://www.twitch.tv/someone', 'twitch', 'video', ''],
    ['https://outlook.live.com/mail/0/', 'outlook', 'email', ''],
    ['https://mail.yahoo.co.jp/', 'yahoo-mail', 'email', ''],
    ['https://mail.proton.me/u/0/inbox', 'proton-mail', 'email', ''],
  ];
  for (const [referrer, source, medium, term] of cases) assert.equal(smt({ page: LANDING, referrer }), [source, medium, term], referrer);
});

test.run();
