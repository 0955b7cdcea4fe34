import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newEvent, type Event } from '../../src/schema/session.js';
import type { EventColumn } from '../../src/schema/column.js';
import { stubDeviceColumns } from '../../columns/core/device-geo-stubs.js';
import { CachingDeviceDetector, deviceColumns, detectedDeviceColumns } from '../../columns/device/columns.js';
import { DeviceDetector, type DeviceInfo } from '../../columns/device/detector.js';
import type { ClientHints } from '../../columns/device/client-hints.js';
import { LruCache } from '../../columns/generic/lru-cache.js';
import { hit } from '../columns/fixtures.js';
import type { Headers } from '../../src/hits/hit.js';
import { sealHeaders } from '../../src/hits/sealed-headers.js';

const DEVICE_FIELDS = [
  'device_category',
  'device_mobile_brand_name',
  'device_mobile_model_name',
  'device_operating_system',
  'device_operating_system_version',
  'device_web_browser',
  'device_web_browser_version',
];

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 11_0 like Mac OS X) AppleWebKit/604.1.38 (KHTML, like Gecko) Version/11.0 Mobile/15A372 Safari/604.1';
const LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36';

function eventWith(headers: Record<string, string>): Event {
  return newEvent(hit({ headers }));
}

function write(columns: readonly EventColumn[], event: Event): Record<string, unknown> {
  for (const c of columns) c.write(event);
  return Object.fromEntries(DEVICE_FIELDS.map((f) => [f, event.values[f]]));
}

test('dd2 provider: seven columns implementing the seven detected device interfaces', () => {
  const columns = deviceColumns('dd2');
  assert.equal(columns.map((c) => c.implements.field.name), DEVICE_FIELDS);
  assert.equal(
    columns.map((c) => c.implements.id),
    stubDeviceColumns.map((c) => c.implements.id),
  );
  assert.ok(columns.every((c) => c.dependsOn.length === 0));
});

test('stub provider: the always-NULL columns', () => {
  assert.is(deviceColumns('stub'), stubDeviceColumns);
  assert.equal(write(deviceColumns('stub'), eventWith({ 'User-Agent': IPHONE })), Object.fromEntries(DEVICE_FIELDS.map((f) => [f, null])));
});

test('an unknown provider is refused', () => {
  assert.throws(() => deviceColumns('matomo'), /device_detector\.provider/);
});

test('the reference test hits, row by row (conformance case ga4-device-detection-dd2)', () => {
  const columns = deviceColumns('dd2');
  assert.is(write(columns, eventWith({ 'User-Agent': LINUX_CHROME }))['device_category'], 'desktop');
  assert.equal(write(columns, eventWith({ 'User-Agent': IPHONE })), {
    device_category: 'smartphone',
    device_mobile_brand_name: 'Apple',
    device_mobile_model_name: 'iPhone',
    device_operating_system: 'iOS',
    device_operating_system_version: '11.0',
    device_web_browser: 'Mobile Safari',
    device_web_browser_version: '11.0',
  });
  assert.is(write(columns, eventWith({ 'User-Agent': '2ip bot' }))['device_category'], 'bot');
  assert.equal(write(columns, eventWith({})), Object.fromEntries(DEVICE_FIELDS.map((f) => [f, null])));
});

test('client-hint headers are read under their Go-canonical names', () => {
  const columns = deviceColumns('dd2');
  const values = write(
    columns,
    eventWith({
      'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Sec-Ch-Ua': '"Not_A Brand";v="8", "Chromium";v="120", "Microsoft Edge";v="120"',
      'Sec-Ch-Ua-Full-Version-List': '"Not_A Brand";v="8.0.0.0", "Chromium";v="120.0.6099.130", "Microsoft Edge";v="120.0.2210.91"',
      'Sec-Ch-Ua-Platform': '"Windows"',
      'Sec-Ch-Ua-Platform-Version': '"15.0.0"',
    }),
  );
  assert.equal([values['device_operating_system_version'], values['device_web_browser'], values['device_web_browser_version']], ['11', 'Microsoft Edge', '120.0.2210.91']);
});

class CountingDetector extends DeviceDetector {
  calls = 0;
  override detect(userAgent: string, hints: ClientHints): DeviceInfo {
    this.calls++;
    return super.detect(userAgent, hints);
  }
}

test('parsed once per UA + hints: across the columns of an event and across events', () => {
  const counting = new CountingDetector();
  const columns = detectedDeviceColumns(new CachingDeviceDetector(counting));
  for (let i = 0; i < 10; i++) write(columns, eventWith({ 'User-Agent': IPHONE }));
  assert.is(counting.calls, 1);
  write(columns, eventWith({ 'User-Agent': LINUX_CHROME }));
  write(columns, eventWith({ 'User-Agent': IPHONE, 'Sec-Ch-Ua-Model': '"X"' }));
  assert.is(counting.calls, 3);
});

test('events sharing a sealed header map are detected once for the map, whatever the UA cache holds', () => {
  const counting = new CountingDetector();
  const columns = detectedDeviceColumns(new CachingDeviceDetector(counting, 1));
  const sealedEvent = (headers: Headers): Event => {
    const h = hit({});
    h.request.headers = headers;
    return newEvent(h);
  };
  const iphone = sealHeaders(new Map([['User-Agent', [IPHONE]]]));
  const linux = sealHeaders(new Map([['User-Agent', [LINUX_CHROME]]]));
  assert.is(write(columns, sealedEvent(iphone))['device_category'], 'smartphone');
  write(columns, sealedEvent(linux)); // pushes the iPhone UA out of the one-entry UA cache
  assert.is(counting.calls, 2);
  assert.is(write(columns, sealedEvent(iphone))['device_category'], 'smartphone');
  assert.is(counting.calls, 2, 'the sealed map remembered its answer');
  // A plain map can change, so it is only remembered per event.
  write(columns, eventWith({ 'User-Agent': IPHONE }));
  assert.is(counting.calls, 3);
});

test('the parse cache is bounded: the least recently used entry goes first', () => {
  const counting = new CountingDetector();
  const columns = detectedDeviceColumns(new CachingDeviceDetector(counting, 2));
  const ua = (n: number) => ({ 'User-Agent': `Mozilla/5.0 (X11; Linux x86_64) Chrome/${n}.0 Safari/537.36` });
  write(columns, eventWith(ua(1)));
  write(columns, eventWith(ua(2)));
  write(columns, eventWith(ua(1))); // 1 is now the most recent
  write(columns, eventWith(ua(3))); // evicts 2
  assert.is(counting.calls, 3);
  write(columns, eventWith(ua(1)));
  assert.is(counting.calls, 3);
  write(columns, eventWith(ua(2)));
  assert.is(counting.calls, 4);
});

test('LRU cache basics', () => {
  const cache = new LruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.is(cache.get('a'), 1);
  cache.set('c', 3);
  assert.is(cache.get('b'), undefined);
  assert.is(cache.size, 2);
  cache.clear();
  assert.is(cache.size, 0);
  assert.throws(() => new LruCache(0), /positive/);
});

test.run();
