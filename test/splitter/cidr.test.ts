import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ipInCidr } from '../../src/splitter/expressions/cidr.js';

test('IPv4 ranges', () => {
  assert.ok(ipInCidr('10.0.0.1', '10.0.0.0/8'));
  assert.ok(ipInCidr('10.255.255.255', '10.0.0.0/8'));
  assert.not.ok(ipInCidr('11.0.0.0', '10.0.0.0/8'));
  assert.ok(ipInCidr('192.168.1.1', '192.168.1.1/32'));
  assert.not.ok(ipInCidr('192.168.1.2', '192.168.1.1/32'));
  assert.ok(ipInCidr('1.2.3.4', '0.0.0.0/0'));
  // The network is masked: host bits in the written range do not matter.
  assert.ok(ipInCidr('10.9.9.9', '10.1.2.3/8'));
  assert.ok(ipInCidr('100.64.0.0', '100.64.0.0/10'));
  assert.ok(ipInCidr('100.127.255.255', '100.64.0.0/10'));
  assert.not.ok(ipInCidr('100.128.0.0', '100.64.0.0/10'));
  assert.ok(ipInCidr('10.0.0.1', '10.0.0.0/08'));
});

test('IPv6 ranges', () => {
  assert.ok(ipInCidr('2001:db8::1', '2001:db8::/32'));
  assert.ok(ipInCidr('2001:DB8:0:0:0:0:0:1', '2001:db8::/32'));
  assert.not.ok(ipInCidr('2001:db9::', '2001:db8::/32'));
  assert.ok(ipInCidr('::1', '::1/128'));
  assert.ok(ipInCidr('fe80::1:2', 'fe80::/10'));
  assert.ok(ipInCidr('::', '::/0'));
  assert.ok(ipInCidr('1:2:3:4:5:6:7:8', '1:2:3:4::/64'));
  assert.ok(ipInCidr('::ffff:1.2.3.4', '::ffff:0:0/96'));
});

test('IPv4-mapped addresses match IPv4 ranges and the reverse, as in Go', () => {
  assert.ok(ipInCidr('::ffff:10.1.2.3', '10.0.0.0/8'));
  assert.ok(ipInCidr('10.1.2.3', '::ffff:10.0.0.0/104'));
  assert.not.ok(ipInCidr('10.1.2.3', '2001:db8::/32'));
  assert.not.ok(ipInCidr('2001:db8::1', '10.0.0.0/8'));
  // Go compares an IPv4(-mapped) address only with IPv4 networks, so even ::/0 does not hold it.
  assert.not.ok(ipInCidr('::ffff:10.1.2.3', '::/0'));
});

test('anything that does not parse gives false', () => {
  const bad: [string, string][] = [
    ['', '10.0.0.0/8'],
    ['10.0.0.1', ''],
    ['10.0.0.1', '10.0.0.0'],
    ['10.0.0.1', '10.0.0.0/33'],
    ['10.0.0.1', '10.0.0.0/-1'],
    ['10.0.0.1', '10.0.0.0/8/8'],
    ['10.0.0.1', '10.0.0/8'],
    ['10.0.0.1', '10.0.0.256/8'],
    ['010.0.0.1', '10.0.0.0/8'],
    ['10.0.0.01', '10.0.0.0/8'],
    ['10.0.0.1 ', '10.0.0.0/8'],
    ['10.0.0.1', ' 10.0.0.0/8'],
    ['10.0.0.1', '10.0.0.0/ 8'],
    ['2001:db8::1', '2001:db8::/129'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['fe80::1', 'fe80::%eth0/10'],
    ['1::2::3', '::/0'],
    ['1:2:3:4:5:6:7:8:9', '::/0'],
    ['1:2:3:4:5:6:7::8', '::/0'],
    ['12345::', '::/0'],
    ['1:', '::/0'],
    [':1', '::/0'],
    ['g::', '::/0'],
    ['::1.2.3', '::/0'],
    ['localhost', '127.0.0.0/8'],
  ];
  for (const [ip, cidr] of bad) assert.not.ok(ipInCidr(ip, cidr), `${ip} in ${cidr}`);
});

test('embedded IPv4 in IPv6 text', () => {
  assert.ok(ipInCidr('::1.2.3.4', '::/96'));
  assert.ok(ipInCidr('64:ff9b::192.0.2.33', '64:ff9b::/96'));
  assert.not.ok(ipInCidr('1:2:3:4:5:6:7:1.2.3.4', '::/0'));
});

test.run();
