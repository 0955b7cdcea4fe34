import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columnCatalogue } from '../../columns/catalogue.js';
import { consentFlag } from '../../protocols/ga4/columns/event-columns.js';
import { gtagSession, GTAG_BASE } from './gtag.js';

// gtag sends a consent update as its own hit when the visitor answers the banner.
const consentUpdate = (gcs: string) => ({ query: `${GTAG_BASE.replace('gcs=G111', `gcs=${gcs}`)}&en=user_engagement&gcu=1&gcd=13q3q3q2q5l1&npa=1&dma=1&dma_cps=-` });

test('gcs=G100 (consent update, both denied) and G111 (both granted)', () => {
  const s = gtagSession([consentUpdate('G100'), consentUpdate('G111'), consentUpdate('G110'), consentUpdate('G101')]);
  assert.equal(
    s.events.map((e) => [e.values['privacy_ads_storage'], e.values['privacy_analytics_storage']]),
    [
      [false, false],
      [true, true],
      [true, false],
      [false, true],
    ],
  );
});

test('absent, empty, short or odd gcs gives null; 2 and 3 characters do not crash', () => {
  const s = gtagSession([
    { query: `${GTAG_BASE.replace('&gcs=G111', '')}&en=page_view` },
    consentUpdate(''),
    consentUpdate('G1'),
    consentUpdate('G10'),
    consentUpdate(encodeURIComponent('💩💩')),
    consentUpdate('G1x1'),
  ]);
  assert.equal(
    s.events.map((e) => [e.values['privacy_ads_storage'], e.values['privacy_analytics_storage']]),
    [
      [null, null],
      [null, null],
      [null, null],
      [false, null],
      [null, null],
      [null, true],
    ],
  );
  assert.ok(s.events.every((e) => e.brokenReason === null));
});

test('consent flags read bytes: a multi-byte character never matches a word', () => {
  // 'é' takes bytes 1 and 2, so byte 2 is half a character and byte 3 is the '1'.
  assert.is(consentFlag('Gé1', 2), null);
  assert.is(consentFlag('Gé1', 3), true);
  assert.is(consentFlag('G1T0', 2), true);
  assert.is(consentFlag('G1 0', 2), null);
  assert.is(consentFlag(null, 2), null);
});

test('gcd, npa and dma stay raw: no column reads them', () => {
  const names = new Set(columnCatalogue('ga4').map((e) => e.name));
  for (const n of ['gcd', 'npa', 'dma', 'privacy_gcd', 'privacy_npa', 'privacy_dma', 'params_gcd']) assert.not.ok(names.has(n), n);
  const s = gtagSession([consentUpdate('G100')]);
  assert.is(s.events[0]!.values['params'] instanceof Array, true);
  assert.equal(s.events[0]!.values['params'], []);
});

test.run();
