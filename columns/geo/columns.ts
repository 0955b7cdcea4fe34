import { isIP } from 'node:net';
import type { EventColumn } from '../../src/schema/column.js';
import type { Event } from '../../src/schema/session.js';
import type { Logger } from '../../src/monitoring/logger.js';
import { BrokenEventError, errorMessage } from '../../src/schema/errors.js';
import type { Settings } from '../../src/settings/types.js';
import { stubGeoColumns } from '../core/device-geo-stubs.js';
import { CoreEvent } from '../core/interfaces.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { alwaysNullEventColumn, eventColumn } from '../generic/simple.js';
import { LruCache } from '../generic/lru-cache.js';
import { GeoDatabase } from './geo-database.js';
import type { GeoLookup, GeoLookupSource } from './geo-lookup.js';
import type { GeoRecord } from './geo-record.js';

/** IPs kept looked up, as in the reference. */
export const GEO_CACHE_ENTRIES = 1024;

/** Null for an address that cannot be parsed: every geo column is then NULL. */
type GeoAnswer = GeoRecord | null;

/**
 * Lookups with a per-event memo (four columns ask for the same event) and a per-IP cache that
 * is emptied whenever the database is swapped.
 */
export class CachingGeoLocator {
  private readonly byEvent = new WeakMap<Event, GeoAnswer>();
  private readonly byIp = new LruCache<string, GeoAnswer>(GEO_CACHE_ENTRIES);
  private readonly warnedIps = new LruCache<string, true>(GEO_CACHE_ENTRIES);

  private cachedFor: GeoLookup | null = null;

  constructor(
    private readonly source: GeoLookupSource,
    private readonly logger: Logger,
  ) {}

  forEvent(event: Event): GeoAnswer {
    const lookup = this.source.current();
    if (lookup === null) return null;
    if (this.byEvent.has(event)) return this.byEvent.get(event) ?? null;
    if (lookup !== this.cachedFor) {
      // A new database file: what the old one said about an address no longer holds.
      this.byIp.clear();
      this.cachedFor = lookup;
    }
    const ip = event.hit.request.ip;
    let answer = this.byIp.get(ip);
    if (answer === undefined) {
      if (isIP(ip) === 0) {
        this.warnInvalid(ip);
        answer = null;
      } else {
        try {
          answer = lookup.lookup(ip);
        } catch (err) {
          throw new BrokenEventError(`failed to look up IP address ${ip}: ${errorMessage(err)}`);
        }
      }
      this.byIp.set(ip, answer);
    }
    this.byEvent.set(event, answer);
    return answer;
  }

  private warnInvalid(ip: string): void {
    if (this.warnedIps.get(ip) !== undefined) return;
    this.warnedIps.set(ip, true);
    this.logger.warn('cannot geolocate a value that is not an IP address; geo columns are NULL', { ip });
  }
}

function geoColumn(iface: DocumentedInterface, locator: CachingGeoLocator, pick: (record: GeoRecord) => string | null): EventColumn {
  return eventColumn(iface, (event) => {
    const record = locator.forEvent(event);
    return record === null ? null : pick(record);
  });
}

/**
 * The six columns implementing `CoreEvent.geo_*` from a lookup source: city, region, country
 * and continent looked up, sub-continent and metro always NULL (no supported database has them).
 */
export function geoColumnsFrom(source: GeoLookupSource, logger: Logger): EventColumn[] {
  const locator = new CachingGeoLocator(source, logger);
  return [
    geoColumn(CoreEvent.geo_continent, locator, (r) => r.continent),
    geoColumn(CoreEvent.geo_country, locator, (r) => r.country),
    geoColumn(CoreEvent.geo_region, locator, (r) => r.region),
    geoColumn(CoreEvent.geo_city, locator, (r) => r.city),
    alwaysNullEventColumn(CoreEvent.geo_sub_continent),
    alwaysNullEventColumn(CoreEvent.geo_metro),
  ];
}

export interface GeoSettings {
  enabled: boolean;
  directory: string;
  refreshIntervalMs: number;
}

/** `dbip.*` keys, checked; defaults are the reference's. */
export function geoSettings(settings: Pick<Settings, 'keys'>): GeoSettings {
  const enabled = settings.keys.get('dbip.enabled') ?? false;
  const directory = settings.keys.get('dbip.destination_directory') ?? './dbip';
  const refresh = settings.keys.get('dbip.refresh_interval') ?? 0;
  if (typeof enabled !== 'boolean') throw new Error('dbip.enabled must be a boolean');
  if (typeof directory !== 'string' || directory === '') throw new Error('dbip.destination_directory must be a non-empty string');
  if (typeof refresh !== 'number') throw new Error('dbip.refresh_interval must be a duration');
  return { enabled, directory, refreshIntervalMs: refresh };
}

/**
 * The geo event columns for the configured `dbip.*` keys: always-NULL stubs while
 * `dbip.enabled` is false (the default), else lookups in the newest `.mmdb` of
 * `dbip.destination_directory`, re-scanned every 30 s. Downloading is not implemented: the
 * file is the operator's to provide.
 */
export function geoColumns(settings: Pick<Settings, 'keys'>, logger: Logger): readonly EventColumn[] {
  const config = geoSettings(settings);
  if (!config.enabled) return stubGeoColumns;
  if (config.refreshIntervalMs > 0) {
    logger.info('downloading the DB-IP database is not available in Cairn; place a DB-IP Lite City or GeoLite2 City .mmdb file in the directory', {
      directory: config.directory,
    });
  }
  return geoColumnsFrom(new GeoDatabase({ directory: config.directory, logger }), logger);
}
