import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clientHintsFromHeaders, clientHintsKey, hasClientHints, NO_CLIENT_HINTS, parseBrandList, unquote } from '../../columns/device/client-hints.js';

const headers = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, [v]]));

test('brand lists: quoted names and versions, GREASE brands dropped', () => {
  assert.equal(parseBrandList('"Chromium";v="122", "Not(A:Brand";v="24", "Google Chrome";v="122"'), [
    { brand: 'Chromium', version: '122' },
    { brand: 'Google Chrome', version: '122' },
  ]);
  assert.equal(parseBrandList('" Not A;Brand";v="99", "Microsoft Edge";v="120.0.2210.91"'), [{ brand: 'Microsoft Edge', version: '120.0.2210.91' }]);
  assert.equal(parseBrandList('"Brave"'), [{ brand: 'Brave', version: '' }]);
  assert.equal(parseBrandList(''), []);
  assert.equal(parseBrandList(undefined), []);
});

test('brand lists: commas and semicolons inside quotes do not split', () => {
  assert.equal(parseBrandList('"A, B;C";v="1"'), [{ brand: 'A, B;C', version: '1' }]);
});

test('strings are unquoted and unescaped', () => {
  assert.is(unquote('"Windows"'), 'Windows');
  assert.is(unquote(' "a\\"b" '), 'a"b');
  assert.is(unquote('bare'), 'bare');
});

test('from Go-canonical headers; the full-version list wins over the short one', () => {
  const hints = clientHintsFromHeaders(
    headers({
      'Sec-Ch-Ua': '"Chromium";v="122", "Google Chrome";v="122"',
      'Sec-Ch-Ua-Full-Version-List': '"Chromium";v="122.0.6261.112", "Google Chrome";v="122.0.6261.112"',
      'Sec-Ch-Ua-Full-Version': '"122.0.6261.112"',
      'Sec-Ch-Ua-Mobile': '?1',
      'Sec-Ch-Ua-Platform': '"Android"',
      'Sec-Ch-Ua-Platform-Version': '"14.0.0"',
      'Sec-Ch-Ua-Model': '"Pixel 8"',
    }),
  );
  assert.equal(hints, {
    brands: [
      { brand: 'Chromium', version: '122.0.6261.112' },
      { brand: 'Google Chrome', version: '122.0.6261.112' },
    ],
    fullVersion: '122.0.6261.112',
    mobile: true,
    platform: 'Android',
    platformVersion: '14.0.0',
    model: 'Pixel 8',
  });
  assert.ok(hasClientHints(hints));
});

test('no hint headers: nothing, and an empty cache key part', () => {
  const h = headers({ 'User-Agent': 'x', Accept: '*/*' });
  assert.equal(clientHintsFromHeaders(h), NO_CLIENT_HINTS);
  assert.not.ok(hasClientHints(clientHintsFromHeaders(headers({ 'Sec-Ch-Ua-Mobile': '?0' }))));
  assert.is(clientHintsKey(h), '');
});

test('the cache key tells apart hints that change the answer', () => {
  const a = headers({ 'Sec-Ch-Ua-Platform': '"Windows"', 'Sec-Ch-Ua-Platform-Version': '"10.0.0"' });
  const b = headers({ 'Sec-Ch-Ua-Platform': '"Windows"', 'Sec-Ch-Ua-Platform-Version': '"15.0.0"' });
  const c = headers({ 'Sec-Ch-Ua-Platform': '"Windows"', 'Sec-Ch-Ua-Model': '"15.0.0"' });
  assert.is.not(clientHintsKey(a), clientHintsKey(b));
  assert.is.not(clientHintsKey(b), clientHintsKey(c));
});

test.run();
