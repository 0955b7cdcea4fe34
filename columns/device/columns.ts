import type { EventColumn } from '../../src/schema/column.js';
import type { Event } from '../../src/schema/session.js';
import { firstHeader, type Headers } from '../../src/hits/hit.js';
import { isSealed, SealedHeadersMemo } from '../../src/hits/sealed-headers.js';
import { stubDeviceColumns } from '../core/device-geo-stubs.js';
import { CoreEvent } from '../core/interfaces.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { eventColumn } from '../generic/simple.js';
import { clientHintsFromHeaders, clientHintsKey } from './client-hints.js';
import { DeviceDetector, type DeviceInfo } from './detector.js';
import { LruCache } from '../generic/lru-cache.js';

/** The values of `device_detector.provider`: `dd2` detects, `stub` keeps the columns null. */
export type DeviceDetectorProvider = 'dd2' | 'stub';

/** Distinct UA + hint combinations kept parsed; a session repeats one, a site sees a few thousand. */
export const DEVICE_CACHE_ENTRIES = 10_000;

/**
 * Detection with three caches: per header map when the map is sealed (the hits of one client
 * share one, see sealed-headers.ts), per event otherwise (the seven columns of one event ask
 * seven times), and per UA + hints across events and clients. Results are pure functions of
 * their key, so entries never go stale and need no expiry.
 */
export class CachingDeviceDetector {
  private readonly byHeaders = new SealedHeadersMemo<DeviceInfo>();
  private readonly byEvent = new WeakMap<Event, DeviceInfo>();
  private readonly byAgent: LruCache<string, DeviceInfo>;

  constructor(
    private readonly detector: DeviceDetector = new DeviceDetector(),
    capacity: number = DEVICE_CACHE_ENTRIES,
  ) {
    this.byAgent = new LruCache(capacity);
  }

  forEvent(event: Event): DeviceInfo {
    const headers = event.hit.request.headers;
    if (isSealed(headers)) return this.byHeaders.get(headers, this.detect);
    let info = this.byEvent.get(event);
    if (info === undefined) {
      info = this.detect(headers);
      this.byEvent.set(event, info);
    }
    return info;
  }

  private readonly detect = (headers: Headers): DeviceInfo => {
    const userAgent = firstHeader(headers, 'User-Agent') ?? '';
    const key = `${userAgent}\u0000${clientHintsKey(headers)}`;
    let info = this.byAgent.get(key);
    if (info === undefined) {
      info = this.detector.detect(userAgent, clientHintsFromHeaders(headers));
      this.byAgent.set(key, info);
    }
    return info;
  };
}

function deviceColumn(iface: DocumentedInterface, detector: CachingDeviceDetector, pick: (info: DeviceInfo) => string | null): EventColumn {
  return eventColumn(iface, (event) => pick(detector.forEvent(event)));
}

/** The seven detected device columns, sharing one detector and its caches. */
export function detectedDeviceColumns(detector: CachingDeviceDetector = new CachingDeviceDetector()): EventColumn[] {
  return [
    deviceColumn(CoreEvent.device_category, detector, (d) => d.category),
    deviceColumn(CoreEvent.device_mobile_brand_name, detector, (d) => d.brand),
    deviceColumn(CoreEvent.device_mobile_model_name, detector, (d) => d.model),
    deviceColumn(CoreEvent.device_operating_system, detector, (d) => d.operatingSystem),
    deviceColumn(CoreEvent.device_operating_system_version, detector, (d) => d.operatingSystemVersion),
    deviceColumn(CoreEvent.device_web_browser, detector, (d) => d.browser),
    deviceColumn(CoreEvent.device_web_browser_version, detector, (d) => d.browserVersion),
  ];
}

export function isDeviceDetectorProvider(value: unknown): value is DeviceDetectorProvider {
  return value === 'dd2' || value === 'stub';
}

/**
 * The event columns implementing `CoreEvent.device_*` (language and screen resolution are
 * protocol columns) for the configured provider: pass `settings.keys.get('device_detector.provider')`.
 */
export function deviceColumns(provider: unknown = 'dd2'): readonly EventColumn[] {
  if (!isDeviceDetectorProvider(provider)) throw new Error(`device_detector.provider must be "dd2" or "stub", got ${JSON.stringify(provider)}`);
  return provider === 'stub' ? stubDeviceColumns : detectedDeviceColumns();
}
