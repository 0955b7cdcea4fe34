import { detectBot, detectLibrary } from './agents.js';
import { hasClientHints, type ClientHints } from './client-hints.js';
import {
  APPLE_OS_NAMES,
  BRAND_NAMES,
  BROWSER_NAMES,
  CATEGORY_BY_DEVICE_TYPE,
  CHROMIUM_FAMILY_NAMES,
  DESKTOP_OS_NAMES,
  EMBEDDED_CATEGORY,
  GENERIC_HINT_BRANDS,
  HINT_BRAND_NAMES,
  HINT_PLATFORM_NAMES,
  LINUX_SYSTEMS,
  MOBILE_ONLY_BROWSERS,
  OS_NAMES,
  PLACEHOLDER_MODELS,
  PLATFORM_BROWSER_NAMES,
  type DeviceCategory,
} from './taxonomy.js';
import { UaParser, type UaParserResult } from './ua-parser.js';

/** The seven device column values of one request; null where nothing was detected. */
export interface DeviceInfo {
  category: DeviceCategory | null;
  brand: string | null;
  model: string | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  browser: string | null;
  browserVersion: string | null;
}

export const UNKNOWN_DEVICE: DeviceInfo = Object.freeze({
  category: null,
  brand: null,
  model: null,
  operatingSystem: null,
  operatingSystemVersion: null,
  browser: null,
  browserVersion: null,
});

function orNull(value: string | undefined | null): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

interface OsResult {
  name: string | null;
  version: string | null;
}

interface ClientResult {
  name: string | null;
  version: string | null;
}

/** Major version number, or NaN when the version does not start with digits. */
function majorOf(version: string | null): number {
  const match = version === null ? null : /^\d+/.exec(version);
  return match === null ? Number.NaN : Number(match[0]);
}

// A Windows release is named (XP, Vista, 8.1…); elsewhere only numeric versions mean something
// (ua-parser reports `i686` or `TV` as versions of some Linux and webOS strings).
function osVersionFromUa(name: string | null, version: string | undefined): string | null {
  if (version === undefined || version === '') return null;
  if (name === 'Windows') return version;
  return /^\d/.test(version) ? version : null;
}

function osFromUserAgent(parsed: UaParserResult): OsResult {
  if (parsed.osName === undefined) return { name: null, version: null };
  let name = OS_NAMES[parsed.osName] ?? parsed.osName;
  const version = osVersionFromUa(name, parsed.osVersion);
  // iPads run iPadOS from release 13 on; their UA still says iOS.
  if (name === 'iOS' && parsed.deviceModel === 'iPad' && majorOf(version) >= 13) name = 'iPadOS';
  return { name, version };
}

/** Windows 11 reports itself as Windows 10 in the UA; the platform version hint tells them apart. */
function windowsVersionFromHint(platformVersion: string): string {
  const major = majorOf(platformVersion);
  if (Number.isNaN(major) || major === 0) return '';
  return major < 11 ? '10' : '11';
}

function osFromHints(hints: ClientHints, fromUa: OsResult): OsResult {
  if (hints.platform === '') return fromUa;
  const hinted = HINT_PLATFORM_NAMES[hints.platform] ?? hints.platform;
  let version = hinted === 'Windows' ? windowsVersionFromHint(hints.platformVersion) : hints.platformVersion;
  // A version whose integer part is 0 (or not a number) says nothing, as in the reference.
  if (!(majorOf(version) > 0)) version = '';
  // Within one family the UA may be more precise (Ubuntu where the hint says Linux).
  const uaName = fromUa.name;
  const sameFamily = uaName !== null && (uaName === hinted || (hinted === 'GNU/Linux' && LINUX_SYSTEMS.has(uaName)));
  if (!sameFamily) return { name: hinted, version: orNull(version) };
  return { name: uaName, version: version === '' ? fromUa.version : version };
}

function platformOf(os: string | null, userAgent: string): 'android-mobile' | 'android' | 'ios' | null {
  if (os === 'iOS' || os === 'iPadOS') return 'ios';
  if (os === 'Android') return /Mobile/.test(userAgent) ? 'android-mobile' : 'android';
  return null;
}

function clientFromUserAgent(parsed: UaParserResult, os: string | null, userAgent: string): ClientResult {
  if (parsed.browserName === undefined) return { name: null, version: null };
  const platform = platformOf(os, userAgent);
  const specific = PLATFORM_BROWSER_NAMES.find(
    (entry) => entry.browser === parsed.browserName && (entry.platform === platform || (entry.platform === 'android' && platform === 'android-mobile')),
  );
  return { name: specific?.name ?? BROWSER_NAMES[parsed.browserName] ?? parsed.browserName, version: orNull(parsed.browserVersion) };
}

/**
 * Chromium browsers freeze their UA version (`120.0.0.0`) and some hide their own name
 * (Brave): the brand list of the hints names the browser and carries its full version.
 */
function clientFromHints(hints: ClientHints, fromUa: ClientResult): ClientResult {
  const known = hints.brands.filter((b) => HINT_BRAND_NAMES[b.brand] !== undefined);
  if (known.length === 0) return fromUa;
  const chosen = known.find((b) => !GENERIC_HINT_BRANDS.has(b.brand)) ?? known.find((b) => b.brand === 'Google Chrome') ?? known[0];
  if (chosen === undefined) return fromUa;
  const hintedName = HINT_BRAND_NAMES[chosen.brand] as string;
  const keepUaName = fromUa.name !== null && GENERIC_HINT_BRANDS.has(chosen.brand) && CHROMIUM_FAMILY_NAMES.has(fromUa.name);
  const name = keepUaName ? fromUa.name : hintedName;
  const version = orNull(chosen.version) ?? orNull(hints.fullVersion) ?? (name === fromUa.name ? fromUa.version : null);
  return { name, version };
}

function brandOf(vendor: string | undefined): string | null {
  if (vendor === undefined) return null;
  const mapped = BRAND_NAMES[vendor];
  return mapped === undefined ? vendor : mapped;
}

function modelOf(model: string | undefined, hints: ClientHints): string | null {
  const fromUa = model === undefined || PLACEHOLDER_MODELS.has(model) ? null : model;
  return fromUa ?? orNull(hints.model);
}

function categoryFromParser(parsed: UaParserResult): DeviceCategory | null {
  if (parsed.deviceType === undefined) return null;
  if (parsed.deviceType === 'embedded') {
    const entry = EMBEDDED_CATEGORY.find((e) => e.vendor === parsed.deviceVendor && (e.model === undefined || e.model.test(parsed.deviceModel ?? '')));
    return entry?.category ?? null;
  }
  return CATEGORY_BY_DEVICE_TYPE[parsed.deviceType] ?? null;
}

const TV_MARKERS = /SmartTV|SMART-TV|Tizen.+ TV |Android TV|Google TV|BRAVIA|Opera TV Store| OMI\/|\(TV;| TV$/i;
const TABLET_MARKERS = /Android(?: [.0-9]+)?; Tablet;|Tablet(?! PC)|-tablet$/i;
const PHONE_MARKERS = /Android(?: [.0-9]+)?; Mobile;|-mobile$/i;

/**
 * Fills the category where ua-parser found no device type, with the reference's fallbacks:
 * TV markers, Android phone/tablet markers, touch Windows 8+, and finally "a desktop OS
 * with a desktop browser is a desktop".
 */
function inferCategory(found: DeviceCategory | null, userAgent: string, os: OsResult, client: ClientResult): DeviceCategory | null {
  if (found !== null) return found;
  if (TV_MARKERS.test(userAgent)) return 'tv';
  if (os.name === 'Android') {
    if (/Chrome\/[.0-9]*/.test(userAgent)) return /Mobile/.test(userAgent) ? 'smartphone' : 'tablet';
    if (TABLET_MARKERS.test(userAgent)) return 'tablet';
    if (PHONE_MARKERS.test(userAgent)) return 'smartphone';
    return null;
  }
  if (os.name === 'Windows' && majorOf(os.version) >= 8 && /Touch/.test(userAgent)) return 'tablet';
  if (os.name !== null && DESKTOP_OS_NAMES.has(os.name) && !(client.name !== null && MOBILE_ONLY_BROWSERS.has(client.name))) return 'desktop';
  return null;
}

/**
 * Detects device, operating system and client from the User-Agent header and the client
 * hints, in the reference's vocabulary. Pure: the same input always gives the same answer.
 */
export class DeviceDetector {
  private readonly parser = new UaParser();

  detect(userAgent: string, hints: ClientHints): DeviceInfo {
    const hinted = hasClientHints(hints);
    // Nothing to read: an empty UA, or one without a single letter, and no hints.
    if (!/[a-z]/i.test(userAgent) && !hinted) return UNKNOWN_DEVICE;

    const bot = detectBot(userAgent);
    if (bot !== null) return { ...UNKNOWN_DEVICE, category: 'bot', brand: bot.name, model: bot.url };

    const library = detectLibrary(userAgent);
    if (library !== null && !hinted) return { ...UNKNOWN_DEVICE, browser: library.name, browserVersion: library.version };

    const parsed = this.parser.parse(userAgent);
    const os = osFromHints(hints, osFromUserAgent(parsed));
    const client = clientFromHints(hints, clientFromUserAgent(parsed, os.name, userAgent));
    let category = categoryFromParser(parsed);
    let brand = brandOf(parsed.deviceVendor);
    let model = modelOf(parsed.deviceModel, hints);

    // An Apple device on a non-Apple system is a forged UA: say nothing about the device.
    if (brand === 'Apple' && (os.name === null || !APPLE_OS_NAMES.has(os.name))) {
      brand = null;
      model = orNull(hints.model);
      category = null;
    }
    if (brand === null && os.name !== null && APPLE_OS_NAMES.has(os.name)) brand = 'Apple';
    category = inferCategory(category, userAgent, os, client);

    return {
      category,
      brand,
      model,
      operatingSystem: os.name,
      operatingSystemVersion: os.version,
      browser: client.name,
      browserVersion: client.version,
    };
  }
}
