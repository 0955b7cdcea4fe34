/**
 * The vocabulary of the device columns. The reference fills them from Matomo's device
 * detector, whose names differ from ua-parser-js's (`Mac` vs `Mac OS`, `smartphone` vs
 * `mobile`, `Microsoft Edge` vs `Edge`…). These tables translate ua-parser's answers into the
 * reference's words; a name missing from a table passes through unchanged.
 *
 * Written for Cairn from the two libraries' published name lists; not a copy of either.
 */

/** The device categories the columns may hold (the reference's type names, plus `bot`). */
export type DeviceCategory =
  | 'desktop'
  | 'smartphone'
  | 'tablet'
  | 'feature phone'
  | 'console'
  | 'tv'
  | 'car browser'
  | 'smart display'
  | 'camera'
  | 'portable media player'
  | 'phablet'
  | 'smart speaker'
  | 'wearable'
  | 'peripheral'
  | 'bot';

/** ua-parser `device.type` → category. `embedded` is resolved per vendor below. */
export const CATEGORY_BY_DEVICE_TYPE: Readonly<Record<string, DeviceCategory>> = {
  mobile: 'smartphone',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  xr: 'wearable',
};

/** Embedded devices ua-parser knows, by vendor (and model when the vendor makes several kinds). */
export const EMBEDDED_CATEGORY: readonly { vendor: string; model?: RegExp; category: DeviceCategory }[] = [
  { vendor: 'Tesla', category: 'car browser' },
  { vendor: 'Amazon', model: /echo|aeobc/i, category: 'smart speaker' },
  { vendor: 'Apple', model: /homepod/i, category: 'smart speaker' },
];

/**
 * ua-parser browser name → the reference's client name. Some names depend on the platform
 * (Chrome on Android is `Chrome Mobile`); those are in `PLATFORM_BROWSER_NAMES`.
 */
export const BROWSER_NAMES: Readonly<Record<string, string>> = {
  Edge: 'Microsoft Edge',
  IE: 'Internet Explorer',
  IEMobile: 'IE Mobile',
  'Chrome WebView': 'Chrome Webview',
  'Chrome Headless': 'Headless Chrome',
  'Mobile Chrome': 'Chrome Mobile',
  'Mobile Firefox': 'Firefox Mobile',
  'Samsung Internet': 'Samsung Browser',
  UCBrowser: 'UC Browser',
  Yandex: 'Yandex Browser',
  DuckDuckGo: 'DuckDuckGo Privacy Browser',
  Whale: 'Whale Browser',
  Silk: 'Mobile Silk',
  'Opera Coast': 'Coast',
  QQBrowser: 'QQ Browser',
  QQBrowserLite: 'QQ Browser Lite',
  'Sogou Mobile': 'Sogou Mobile Browser',
  Baidu: 'Baidu Browser',
  Instagram: 'Instagram App',
  GSA: 'Google Search App',
  'Android Browser': 'Android Browser',
  Iceweasel: 'Iceweasel',
  PaleMoon: 'Pale Moon',
};

/** Browser names that change with the platform: `[ua-parser name, platform] → name`. */
export const PLATFORM_BROWSER_NAMES: readonly { browser: string; platform: 'android-mobile' | 'android' | 'ios'; name: string }[] = [
  { browser: 'Chrome', platform: 'ios', name: 'Chrome Mobile iOS' },
  { browser: 'Chrome', platform: 'android-mobile', name: 'Chrome Mobile' },
  { browser: 'Firefox', platform: 'ios', name: 'Firefox Mobile iOS' },
  { browser: 'Firefox', platform: 'android', name: 'Firefox Mobile' },
  { browser: 'Opera', platform: 'android', name: 'Opera Mobile' },
];

/**
 * Browsers that exist only on phones and tablets: a desktop OS with one of these is not
 * inferred to be a desktop (the reference's rule).
 */
export const MOBILE_ONLY_BROWSERS: ReadonlySet<string> = new Set([
  'Mobile Safari',
  'Chrome Mobile',
  'Chrome Mobile iOS',
  'Firefox Mobile',
  'Firefox Mobile iOS',
  'Firefox Focus',
  'Opera Mobile',
  'Opera Mini',
  'Opera Touch',
  'Samsung Browser',
  'DuckDuckGo Privacy Browser',
  'Huawei Browser',
  'Oculus Browser',
  'Coast',
  'UC Browser Mini',
]);

/** Client-hint brand → client name. Generic Chromium brands are weaker than a specific one. */
export const HINT_BRAND_NAMES: Readonly<Record<string, string>> = {
  'Google Chrome': 'Chrome',
  Chromium: 'Chromium',
  'Microsoft Edge': 'Microsoft Edge',
  Brave: 'Brave',
  'Brave Browser': 'Brave',
  Opera: 'Opera',
  'Opera GX': 'Opera GX',
  Yandex: 'Yandex Browser',
  YaBrowser: 'Yandex Browser',
  'Samsung Internet': 'Samsung Browser',
  DuckDuckGo: 'DuckDuckGo Privacy Browser',
  Vivaldi: 'Vivaldi',
  Whale: 'Whale Browser',
  HeadlessChrome: 'Headless Chrome',
  'Android WebView': 'Chrome Webview',
  'Avast Secure Browser': 'Avast Secure Browser',
  'AVG Secure Browser': 'AVG Secure Browser',
  'Coc Coc': 'Coc Coc',
};

/** Brands that only say "some Chromium": a more specific brand in the same list wins over them. */
export const GENERIC_HINT_BRANDS: ReadonlySet<string> = new Set(['Chromium', 'Google Chrome']);

/** Client names built on Chromium that the UA string names more precisely than the hints do. */
export const CHROMIUM_FAMILY_NAMES: ReadonlySet<string> = new Set([
  'Chrome',
  'Chromium',
  'Chrome Mobile',
  'Chrome Mobile iOS',
  'Chrome Webview',
  'Headless Chrome',
]);

/** ua-parser OS name → the reference's OS name. */
export const OS_NAMES: Readonly<Record<string, string>> = {
  'Mac OS': 'Mac',
  macOS: 'Mac',
  Linux: 'GNU/Linux',
  'Chromium OS': 'Chrome OS',
  Arch: 'Arch Linux',
  RedHat: 'Red Hat',
  'Red Hat': 'Red Hat',
  openSUSE: 'SUSE',
  Sailfish: 'Sailfish OS',
  BlackBerry: 'BlackBerry OS',
  RIM: 'BlackBerry OS',
  'RIM Tablet OS': 'BlackBerry Tablet OS',
  Symbian: 'Symbian OS',
  'Android-x86': 'Android',
  Windows: 'Windows',
};

/** Client-hint platform (`Sec-CH-UA-Platform`) → OS name. */
export const HINT_PLATFORM_NAMES: Readonly<Record<string, string>> = {
  Windows: 'Windows',
  macOS: 'Mac',
  Linux: 'GNU/Linux',
  Android: 'Android',
  'Chrome OS': 'Chrome OS',
  'Chromium OS': 'Chrome OS',
  iOS: 'iOS',
  Fuchsia: 'Fuchsia',
};

/**
 * Systems a `Linux` platform hint may stand for: when the UA names one of these, it is the
 * more precise answer (Chrome OS reports itself as Linux in some hints).
 */
export const LINUX_SYSTEMS: ReadonlySet<string> = new Set([
  'GNU/Linux',
  'Ubuntu',
  'Kubuntu',
  'Xubuntu',
  'Lubuntu',
  'Debian',
  'Fedora',
  'Mint',
  'Arch Linux',
  'CentOS',
  'Gentoo',
  'Slackware',
  'SUSE',
  'Red Hat',
  'Mandriva',
  'Mageia',
  'Deepin',
  'Chrome OS',
]);

/** The OS families the reference treats as desktop-only; a device running one is a desktop unless told otherwise. */
export const DESKTOP_OS_NAMES: ReadonlySet<string> = new Set([
  ...LINUX_SYSTEMS,
  'Windows',
  'Mac',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'DragonFly',
  'Solaris',
  'AIX',
  'HP-UX',
  'BeOS',
  'Haiku',
  'AmigaOS',
  'OS/2',
]);

/** Operating systems whose devices are all Apple's (the brand is implied). */
export const APPLE_OS_NAMES: ReadonlySet<string> = new Set(['iOS', 'iPadOS', 'tvOS', 'watchOS', 'Mac']);

/** ua-parser vendor → brand; vendors not listed pass through. `Generic` is no brand at all. */
export const BRAND_NAMES: Readonly<Record<string, string | null>> = {
  Generic: null,
  TECNO: 'Tecno Mobile',
};

/**
 * Models that are placeholders rather than models: frozen Android UAs say `K`, web views
 * say `wv`, and Macs say only `Macintosh`. The reference leaves these empty.
 */
export const PLACEHOLDER_MODELS: ReadonlySet<string> = new Set(['K', 'wv', 'Macintosh']);
