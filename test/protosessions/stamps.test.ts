import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closerShard, fnv1a32 } from '../../src/protosessions/fnv.js';
import {
  canonicalHeaderName,
  isolatedClientId,
  isolatedSessionStamp,
  isolatedUserIdStamp,
  sha256Hex,
} from '../../src/protosessions/stamps.js';
import { utcDate } from '../../src/hits/utc-text.js';
import { sealHeaders } from '../../src/hits/sealed-headers.js';
import { hit, T0 } from './helpers.js';

// Expected digests were computed outside Node: printf '%s' '<input>' | sha256sum

test('isolated client id = sha256(property + "|" + authoritative client id)', () => {
  assert.is(isolatedClientId('shop', 'client-1'), 'c11511f11ee3326b7fc4b42445781b42600b91a1df9f7358dc50b6b389f9db60');
  assert.is(isolatedClientId('blog', 'client-1'), '0fa075e41498da9ef3d51887ed375a13bd9e0afd7a13d9763dba11cd187f2baf');
});

test('isolated user id stamp = sha256(property + "|" + user id)', () => {
  assert.is(isolatedUserIdStamp('shop', 'user-42'), 'bad19ed20823cd9bfc631a6a3e88a352bec967a6381bf779beeadc824ae96626');
});

test('client-provided session stamp: sha256("fss=" + fss + "|" + property), no date', () => {
  const a = hit({ property: 'shop', fss: 'abc123', at: T0 });
  const nextDay = hit({ property: 'shop', fss: 'abc123', at: T0 + 86_400_000, ip: '198.51.100.1', headers: [['User-Agent', ['other']]] });
  assert.is(isolatedSessionStamp(a), '635cfe510efd53fd338fd6317ecb08f2f83c6a1555e3cf245dcea06933cabeed');
  assert.is(isolatedSessionStamp(nextDay), isolatedSessionStamp(a), 'headers, IP and date do not enter');
});

test('computed session stamp: ten headers in order (first values, missing ones empty), IP, property, UTC date', () => {
  const h = hit({
    property: 'shop',
    ip: '203.0.113.0',
    at: T0,
    headers: [
      // Deliberately out of formula order, with a repeated header and mixed name case.
      ['User-Agent', ['Mozilla/5.0 Test']],
      ['Sec-Ch-Ua-Platform', ['"Linux"']],
      ['accept', ['text/html']],
      ['Accept-Language', ['pl-PL', 'en-US']],
      ['Accept-Encoding', ['gzip, br']],
      ['Sec-Ch-Ua', ['"Chromium";v="124"']],
      ['Sec-Ch-Ua-Mobile', ['?0']],
      ['X-Unrelated', ['ignored']],
    ],
  });
  // text/html|gzip, br|pl-PL|Mozilla/5.0 Test|"Chromium";v="124"|?0|"Linux"||||203.0.113.0|shop|2026-01-15
  assert.is(isolatedSessionStamp(h), 'a0ec27aba6abbcc61036ca08fb311c1020a93092f8ab097ae83c47da7ec88f61');
});

test('computed session stamp with no headers keeps every separator; an empty fss does not count', () => {
  const h = hit({ property: 'shop', ip: '', at: T0 + 3_600_000, headers: [], fss: '' });
  // |||||||||||shop|2026-01-15
  assert.is(isolatedSessionStamp(h), '3534196e7162e2818309a216a84655bf4f111247671eef635b024a7c37020116');
});

test('hits sharing a sealed header map get the stamps of their own address, property and day', () => {
  const headers: [string, string[]][] = [['User-Agent', ['Mozilla/5.0 Test']], ['Accept-Language', ['pl-PL']]];
  const sealed = sealHeaders(new Map(headers));
  const cases = [
    { property: 'shop', ip: '203.0.113.0', at: T0 },
    { property: 'shop', ip: '198.51.100.0', at: T0 },
    { property: 'blog', ip: '203.0.113.0', at: T0 },
    { property: 'shop', ip: '203.0.113.0', at: T0 + 86_400_000 },
    { property: 'shop', ip: '203.0.113.0', at: T0 - 86_400_000 },
  ];
  const stamps = new Set<string>();
  for (let round = 0; round < 2; round++) {
    for (const c of cases) {
      const withSealed = hit({ ...c, headers });
      withSealed.request.headers = sealed;
      const stamp = isolatedSessionStamp(withSealed);
      assert.is(stamp, isolatedSessionStamp(hit({ ...c, headers })), JSON.stringify(c));
      stamps.add(stamp);
    }
  }
  assert.is(stamps.size, cases.length);
});

test('the computed stamp changes with the UTC day, not the local one', () => {
  const lastMs = hit({ at: Date.UTC(2026, 0, 15, 23, 59, 59, 999), headers: [] });
  const firstMs = hit({ at: Date.UTC(2026, 0, 16, 0, 0, 0, 0), headers: [] });
  assert.is.not(isolatedSessionStamp(lastMs), isolatedSessionStamp(firstMs));
  assert.is(utcDate(Date.UTC(2026, 0, 15, 23, 59, 59, 999)), '2026-01-15');
  assert.is(utcDate(Date.UTC(2026, 0, 16)), '2026-01-16');
  assert.is(utcDate(Date.UTC(2026, 0, 15, 12)), '2026-01-15', 'an earlier day again after a later one');
  assert.is(utcDate(Date.UTC(1969, 11, 31, 23)), '1969-12-31');
});

test('sha256Hex is lowercase hex of the UTF-8 bytes', () => {
  assert.is(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(sha256Hex('é'), sha256Hex('\u00e9'));
  assert.match(sha256Hex('x'), /^[0-9a-f]{64}$/);
});

test('canonical header names follow Go: every dash-separated word capitalised', () => {
  assert.is(canonicalHeaderName('sec-ch-ua-platform-version'), 'Sec-Ch-Ua-Platform-Version');
  assert.is(canonicalHeaderName('Sec-CH-UA'), 'Sec-Ch-Ua');
  assert.is(canonicalHeaderName('user-agent'), 'User-Agent');
});

test('FNV-1a 32-bit: published test vectors and the shard of an isolated id', () => {
  assert.is(fnv1a32(''), 0x811c9dc5);
  assert.is(fnv1a32('a'), 0xe40c292c);
  assert.is(fnv1a32('foobar'), 0xbf9cf968);
  assert.is(fnv1a32(new TextEncoder().encode('foobar')), 0xbf9cf968);
  for (const id of ['a', 'foobar', isolatedClientId('shop', 'client-1')]) assert.is(closerShard(id), fnv1a32(id) % 10);
  assert.is(closerShard('foobar'), 0xbf9cf968 % 10);
  // Strings are hashed by their UTF-8 bytes, ASCII or not.
  for (const text of ['é', 'zażółć', 'a\u0080b', '😀', 'x'.repeat(70) + 'ü', sha256Hex('shop|c')]) {
    assert.is(fnv1a32(text), fnv1a32(new TextEncoder().encode(text)), text);
  }
});

test('computed session stamps stay right when thousands of inputs pass through the table of recent ones', () => {
  const stampOf = (ip: string, at: number): string => isolatedSessionStamp(hit({ property: 'shop', ip, at, headers: [['User-Agent', ['Mozilla/5.0 Test']]] }));
  const direct = (ip: string, at: number): string => sha256Hex(`|||Mozilla/5.0 Test|||||||${ip}|shop|${utcDate(at)}`);
  const first = stampOf('198.51.100.7', T0);
  assert.is(first, direct('198.51.100.7', T0));
  // More inputs than the table holds, then the first ones again, asked twice each.
  for (let i = 0; i < 5000; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
    const at = T0 + (i % 3) * 86_400_000;
    const stamp = stampOf(ip, at);
    if (i % 500 === 0) assert.is(stamp, direct(ip, at), `input ${i}`);
    assert.is(stampOf(ip, at), stamp, `input ${i} asked again`);
  }
  assert.is(stampOf('198.51.100.7', T0), first);
  assert.is.not(stampOf('198.51.100.7', T0 + 86_400_000), first, 'another day, another stamp');
});

test.run();
