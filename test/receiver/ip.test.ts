import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clientIpResolverFor } from '../../src/receiver/client-ip.js';
import { headersFromRecord } from '../../src/receiver/headers.js';
import { formatIpv6, maskIp, parseIpv6 } from '../../src/receiver/ip-masking.js';

const h = headersFromRecord;

test('no trusted proxies: the peer address, forwarding headers ignored', () => {
  const r = clientIpResolverFor([]);
  assert.is(r.resolve('10.0.0.9', h({ 'X-Real-IP': '1.2.3.4', 'X-Forwarded-For': '5.6.7.8' })), '10.0.0.9');
  assert.is(r.resolve('::ffff:10.0.0.9', h({})), '10.0.0.9');
});

test('trust all: header precedence and leftmost non-empty X-Forwarded-For', () => {
  const r = clientIpResolverFor(['0.0.0.0/0', '::/0']);
  assert.is(r.resolve('10.0.0.9', h({ 'X-Real-IP': '1.1.1.1', 'X-Client-IP': '2.2.2.2', 'CF-Connecting-IP': '3.3.3.3', 'True-Client-IP': '4.4.4.4', 'X-Forwarded-For': '5.5.5.5' })), '1.1.1.1');
  assert.is(r.resolve('10.0.0.9', h({ 'X-Client-IP': '2.2.2.2', 'CF-Connecting-IP': '3.3.3.3' })), '2.2.2.2');
  assert.is(r.resolve('10.0.0.9', h({ 'CF-Connecting-IP': '3.3.3.3', 'True-Client-IP': '4.4.4.4' })), '3.3.3.3');
  assert.is(r.resolve('10.0.0.9', h({ 'True-Client-IP': '4.4.4.4', 'X-Forwarded-For': '5.5.5.5' })), '4.4.4.4');
  assert.is(r.resolve('10.0.0.9', h({ 'X-Forwarded-For': '  9.10.11.12  ,10.11.12.13' })), '9.10.11.12');
  assert.is(r.resolve('10.0.0.9', h({ 'X-Forwarded-For': ',,  ,10.11.12.13' })), '10.11.12.13');
  assert.is(r.resolve('10.0.0.9', h({ 'X-Forwarded-For': '' })), '10.0.0.9');
  assert.is(r.resolve('10.0.0.9', h({ 'X-Real-IP': '' , 'X-Client-IP': 'not-an-ip' })), 'not-an-ip');
});

test('trust by CIDR: only listed peers may forward', () => {
  const r = clientIpResolverFor(['127.0.0.0/8', '::1']);
  assert.is(r.resolve('127.0.0.1', h({ 'X-Real-IP': '203.0.113.50' })), '203.0.113.50');
  assert.is(r.resolve('::1', h({ 'X-Forwarded-For': '198.51.100.10, 10.0.0.1' })), '198.51.100.10');
  assert.is(r.resolve('192.0.2.1', h({ 'X-Real-IP': '203.0.113.50' })), '192.0.2.1');
});

test('an invalid trusted proxy entry is refused', () => {
  assert.throws(() => clientIpResolverFor(['10.0.0.0/33']), /invalid trusted proxy CIDR: 10\.0\.0\.0\/33/);
  assert.throws(() => clientIpResolverFor(['proxy.local']), /proxy\.local/);
});

test('masking levels for IPv4 and IPv6', () => {
  assert.is(maskIp('192.168.100.123', 0), '192.168.100.123');
  assert.is(maskIp('192.168.1.123', 1), '192.168.1.0');
  assert.is(maskIp('192.168.100.123', 2), '192.168.0.0');
  assert.is(maskIp('192.168.100.123', 3), '192.0.0.0');
  assert.is(maskIp('192.168.100.123', 4), '0.0.0.0');
  assert.is(maskIp('2001:db8:abcd:1234::1', 1), '2001:db8:abcd::');
  assert.is(maskIp('1050:5678:9012:3456:789a:bcde:f012:3456', 2), '1050:5678::');
  assert.is(maskIp('1050:5678:9012:3456:789a:bcde:f012:3456', 3), '1050::');
  assert.is(maskIp('2001:db8::1', 4), '::');
});

test('IPv4-mapped IPv6 counts as IPv6; zones are dropped', () => {
  assert.is(maskIp('::ffff:1.2.3.4', 1), '::');
  assert.is(maskIp('fe80::1%eth0', 1), 'fe80::');
});

test('text that is not an address is left unmasked', () => {
  for (const s of ['not-an-ip', '1.2.3.4:8080', ' 1.2.3.4', '01.2.3.4', '1.2.3', '[::1]', '1:2:3:4:5:6:7:8:9', '', ':::', '1::2::3']) {
    assert.is(maskIp(s, 2), s, s);
  }
});

test('IPv6 text is canonical (RFC 5952)', () => {
  assert.is(formatIpv6(parseIpv6('2001:0DB8:0000:0000:0001:0000:0000:0001')!), '2001:db8::1:0:0:1');
  assert.is(formatIpv6(parseIpv6('1:0:2:3:4:5:6:7')!), '1:0:2:3:4:5:6:7');
  assert.is(formatIpv6(parseIpv6('::')!), '::');
  assert.is(formatIpv6(parseIpv6('::ffff:10.1.2.3')!), '::ffff:10.1.2.3');
  assert.is(formatIpv6(parseIpv6('64:ff9b::192.0.2.33')!), '64:ff9b::c000:221');
});

test.run();
