import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_CLIENT_HINTS, type ClientHints } from '../../columns/device/client-hints.js';
import { DeviceDetector, UNKNOWN_DEVICE, type DeviceInfo } from '../../columns/device/detector.js';

const detector = new DeviceDetector();
const detect = (ua: string, hints: Partial<ClientHints> = {}): DeviceInfo => detector.detect(ua, { ...NO_CLIENT_HINTS, ...hints });

const UA = {
  linuxChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 11_0 like Mac OS X) AppleWebKit/604.1.38 (KHTML, like Gecko) Version/11.0 Mobile/15A372 Safari/604.1',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  windowsEdge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  galaxyPhone: 'Mozilla/5.0 (Linux; Android 13; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  galaxyTab: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  frozenAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  ipadOld: 'Mozilla/5.0 (iPad; CPU OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1',
  samsungTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
  lgTv: 'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager',
  playstation: 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
  iphoneChrome: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
  androidFirefox: 'Mozilla/5.0 (Android 13; Mobile; rv:120.0) Gecko/120.0 Firefox/120.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  touchWindows: 'Mozilla/5.0 (Windows NT 6.3; Win64; x64; Trident/7.0; Touch; rv:11.0) like Gecko',
  fakeIphoneOnLinux: 'Mozilla/5.0 (X11; Linux x86_64; iPhone) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
};

test('desktop: a desktop OS with a desktop browser', () => {
  assert.equal(detect(UA.linuxChrome), {
    category: 'desktop',
    brand: null,
    model: null,
    operatingSystem: 'GNU/Linux',
    operatingSystemVersion: null,
    browser: 'Chrome',
    browserVersion: '141.0.0.0',
  });
  assert.equal(detect(UA.macSafari), {
    category: 'desktop',
    brand: 'Apple',
    model: null,
    operatingSystem: 'Mac',
    operatingSystemVersion: '10.15.7',
    browser: 'Safari',
    browserVersion: '17.1',
  });
  const edge = detect(UA.windowsEdge);
  assert.equal([edge.category, edge.operatingSystem, edge.operatingSystemVersion, edge.browser], ['desktop', 'Windows', '10', 'Microsoft Edge']);
});

test('smartphone: the iPhone of the reference test', () => {
  assert.equal(detect(UA.iphone), {
    category: 'smartphone',
    brand: 'Apple',
    model: 'iPhone',
    operatingSystem: 'iOS',
    operatingSystemVersion: '11.0',
    browser: 'Mobile Safari',
    browserVersion: '11.0',
  });
});

test('smartphone: Android phones and their mobile browser names', () => {
  assert.equal(detect(UA.galaxyPhone), {
    category: 'smartphone',
    brand: 'Samsung',
    model: 'SM-G991B',
    operatingSystem: 'Android',
    operatingSystemVersion: '13',
    browser: 'Chrome Mobile',
    browserVersion: '120.0.0.0',
  });
  const firefox = detect(UA.androidFirefox);
  assert.equal([firefox.category, firefox.browser], ['smartphone', 'Firefox Mobile']);
  assert.is(detect(UA.iphoneChrome).browser, 'Chrome Mobile iOS');
});

test('smartphone: a frozen Android UA has no model (the `K` placeholder)', () => {
  const frozen = detect(UA.frozenAndroid);
  assert.equal([frozen.category, frozen.brand, frozen.model], ['smartphone', null, null]);
});

test('tablet: Android without "Mobile", iPads, and touch Windows 8+', () => {
  const tab = detect(UA.galaxyTab);
  assert.equal([tab.category, tab.brand, tab.model, tab.browser], ['tablet', 'Samsung', 'SM-X700', 'Chrome']);
  assert.equal(detect(UA.ipad), {
    category: 'tablet',
    brand: 'Apple',
    model: 'iPad',
    operatingSystem: 'iPadOS',
    operatingSystemVersion: '16.6',
    browser: 'Mobile Safari',
    browserVersion: '16.6',
  });
  assert.is(detect(UA.ipadOld).operatingSystem, 'iOS');
  const touch = detect(UA.touchWindows);
  assert.equal([touch.category, touch.operatingSystemVersion, touch.browser], ['tablet', '8.1', 'Internet Explorer']);
});

test('smart TV: category `tv`, as the reference names it', () => {
  const samsung = detect(UA.samsungTv);
  assert.equal([samsung.category, samsung.brand, samsung.operatingSystem, samsung.browser], ['tv', 'Samsung', 'Tizen', 'Samsung Browser']);
  const lg = detect(UA.lgTv);
  assert.equal([lg.category, lg.operatingSystem, lg.operatingSystemVersion], ['tv', 'webOS', null]);
});

test('console', () => {
  const ps = detect(UA.playstation);
  assert.equal([ps.category, ps.brand, ps.model], ['console', 'Sony', 'PlayStation 5']);
});

test('bot: category `bot`, the bot name as brand, its URL as model, nothing else', () => {
  assert.equal(detect('2ip bot'), { ...UNKNOWN_DEVICE, category: 'bot', brand: 'Generic Bot' });
  assert.equal(detect(UA.googlebot), { ...UNKNOWN_DEVICE, category: 'bot', brand: 'Googlebot', model: 'http://www.google.com/bot.html' });
  const crawler = detect('Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)');
  assert.equal([crawler.category, crawler.brand], ['bot', 'aHrefs Bot']);
});

test('not a bot: a phone brand that merely contains the letters', () => {
  const cubot = detect('Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36');
  assert.is(cubot.category, 'smartphone');
});

test('empty or letterless UA without hints: every column NULL', () => {
  assert.equal(detect(''), UNKNOWN_DEVICE);
  assert.equal(detect('   '), UNKNOWN_DEVICE);
  assert.equal(detect('1234/5.6'), UNKNOWN_DEVICE);
});

test('HTTP libraries: the client only', () => {
  assert.equal(detect('curl/8.4.0'), { ...UNKNOWN_DEVICE, browser: 'curl', browserVersion: '8.4.0' });
  assert.equal(detect('python-requests/2.31.0'), { ...UNKNOWN_DEVICE, browser: 'Python Requests', browserVersion: '2.31.0' });
});

test('a forged Apple device on a non-Apple system says nothing about the device', () => {
  const forged = detect(UA.fakeIphoneOnLinux);
  assert.is(forged.brand, null);
  assert.is(forged.model, null);
  assert.is(forged.operatingSystem, 'GNU/Linux');
});

test('client hints: Windows 11 is told apart by the platform version', () => {
  const hints = { platform: 'Windows', platformVersion: '15.0.0' };
  assert.is(detect(UA.windowsChrome, hints).operatingSystemVersion, '11');
  assert.is(detect(UA.windowsChrome, { platform: 'Windows', platformVersion: '10.0.0' }).operatingSystemVersion, '10');
  // Version 0 means Windows 7/8/8.1, which the hints cannot tell apart: the UA decides.
  assert.is(detect(UA.windowsChrome, { platform: 'Windows', platformVersion: '0.3.0' }).operatingSystemVersion, '10');
});

test('client hints: full browser version, hidden brands, model of frozen Android UAs', () => {
  const brands = [
    { brand: 'Chromium', version: '120.0.6099.130' },
    { brand: 'Google Chrome', version: '120.0.6099.130' },
  ];
  const chrome = detect(UA.windowsChrome, { brands, platform: 'Windows', platformVersion: '15.0.0' });
  assert.equal([chrome.browser, chrome.browserVersion, chrome.operatingSystemVersion], ['Chrome', '120.0.6099.130', '11']);

  const brave = detect(UA.windowsChrome, { brands: [{ brand: 'Brave', version: '120.0.0.0' }, { brand: 'Chromium', version: '120.0.0.0' }] });
  assert.is(brave.browser, 'Brave');

  const phone = detect(UA.frozenAndroid, { brands, mobile: true, platform: 'Android', platformVersion: '13.0.0', model: 'Pixel 7' });
  assert.equal([phone.category, phone.model, phone.operatingSystem, phone.operatingSystemVersion, phone.browser, phone.browserVersion], [
    'smartphone',
    'Pixel 7',
    'Android',
    '13.0.0',
    'Chrome Mobile',
    '120.0.6099.130',
  ]);
});

test('client hints: macOS and Linux platforms take the reference names; a more precise UA OS is kept', () => {
  assert.is(detect(UA.macSafari, { platform: 'macOS', platformVersion: '14.2.1' }).operatingSystem, 'Mac');
  assert.is(detect(UA.macSafari, { platform: 'macOS', platformVersion: '14.2.1' }).operatingSystemVersion, '14.2.1');
  assert.is(detect(UA.linuxChrome, { platform: 'Linux' }).operatingSystem, 'GNU/Linux');
  const ubuntu = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
  assert.is(detect(ubuntu, { platform: 'Linux' }).operatingSystem, 'Ubuntu');
});

test('client hints without a UA are still read', () => {
  const info = detect('', { platform: 'Windows', platformVersion: '15.0.0', brands: [{ brand: 'Microsoft Edge', version: '120.0.2210.91' }] });
  assert.equal([info.category, info.operatingSystem, info.operatingSystemVersion, info.browser, info.browserVersion], [
    'desktop',
    'Windows',
    '11',
    'Microsoft Edge',
    '120.0.2210.91',
  ]);
});

test.run();
