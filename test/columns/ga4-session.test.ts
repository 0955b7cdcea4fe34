import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dl, gtagSession, GTAG_BASE } from './gtag.js';

// A first visit (sct=1) whose tracker has not flagged engagement yet (seg=0).
const FRESH = `${GTAG_BASE.replace('sct=2', 'sct=1').replace('seg=1', 'seg=0')}&${dl('https://shop.example/')}`;
const hit = (en: string, extra = '') => ({ query: `${FRESH}&en=${en}${extra}` });

test('engagement: the seg flag, two page views, two screen views or one purchase', () => {
  const engaged = (requests: { query: string }[]) => gtagSession(requests).values['session_is_engaged'];
  assert.is(engaged([hit('page_view'), hit('scroll')]), false);
  assert.is(engaged([hit('page_view'), hit('page_view')]), true);
  assert.is(engaged([hit('screen_view'), hit('screen_view')]), true);
  assert.is(engaged([hit('page_view'), hit('screen_view')]), false);
  assert.is(engaged([hit('purchase')]), true);
  assert.is(engaged([hit('page_view'), { query: `${FRESH.replace('seg=0', 'seg=1')}&en=user_engagement` }]), true);
  assert.is(engaged([{ query: `${FRESH.replace('seg=0', 'seg=x')}&en=page_view` }]), false);
});

test('returning user: any event with a session number of 2 or more', () => {
  assert.is(gtagSession([hit('page_view'), hit('scroll')]).values['session_returning_user'], false);
  assert.is(gtagSession([hit('page_view'), { query: `${FRESH.replace('sct=1', 'sct=3')}&en=scroll` }]).values['session_returning_user'], true);
  assert.is(gtagSession([{ query: `${FRESH.replace('sct=1', 'sct=2.0')}&en=page_view` }]).values['session_returning_user'], false);
});

test('abandoned cart: an add_to_cart not followed by a purchase', () => {
  const cart = (names: string[]) => gtagSession(names.map((n) => hit(n))).values['session_abandoned_cart'];
  assert.is(cart(['page_view']), false);
  assert.is(cart(['add_to_cart']), true);
  assert.is(cart(['add_to_cart', 'purchase']), false);
  assert.is(cart(['add_to_cart', 'purchase', 'add_to_cart']), true);
  assert.is(cart(['purchase', 'page_view', 'add_to_cart', 'add_to_cart', 'purchase']), false);
});

test('GA4 counters: forms, file downloads and outbound clicks with their unique keys', () => {
  const s = gtagSession([
    hit('form_start', '&ep.form_id=newsletter'),
    hit('form_submit', '&ep.form_id=newsletter'),
    hit('form_submit', '&ep.form_id=newsletter'),
    hit('file_download', '&ep.link_url=https%3A%2F%2Fshop.example%2Fmenu.pdf&ep.file_extension=pdf'),
    hit('file_download', '&ep.link_url=https%3A%2F%2Fshop.example%2Fmenu.pdf'),
    hit('click', '&ep.link_url=https%3A%2F%2Fpartner.example%2F&ep.outbound=true'),
  ]);
  assert.equal(
    [
      s.values['session_total_form_interactions'],
      s.values['session_unique_form_interactions'],
      s.values['session_total_file_downloads'],
      s.values['session_unique_file_downloads'],
      s.values['session_total_outbound_clicks'],
      s.values['session_unique_outbound_clicks'],
    ],
    [3, 2, 2, 1, 1, 1],
  );
  assert.is(s.events[3]!.values['params_file_extension'], 'pdf');
});

test.run();
