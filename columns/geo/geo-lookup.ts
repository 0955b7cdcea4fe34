import { Reader, type CityResponse } from 'maxmind';
import { EMPTY_GEO_RECORD, geoRecordFromMmdb, type GeoRecord } from './geo-record.js';

/** Looks up where an IP address is. `ip` is a valid IPv4 or IPv6 address (callers check). */
export interface GeoLookup {
  lookup(ip: string): GeoRecord;
}

/** Where the geo columns get their lookup from; null while geolocation is off or has no database. */
export interface GeoLookupSource {
  current(): GeoLookup | null;
}

/** A city database in MaxMind DB format (DB-IP Lite City or GeoLite2 City), held in memory. */
export class MmdbGeoLookup implements GeoLookup {
  // Typed as the city shape for the library's sake only: records are checked field by field.
  private readonly reader: Reader<CityResponse>;

  /** Throws when `database` is not an MMDB file. */
  constructor(database: Buffer) {
    this.reader = new Reader<CityResponse>(database);
  }

  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  get buildTime(): Date {
    return this.reader.metadata.buildEpoch;
  }

  lookup(ip: string): GeoRecord {
    const raw: unknown = this.reader.get(ip);
    return raw === null || raw === undefined ? EMPTY_GEO_RECORD : geoRecordFromMmdb(raw);
  }
}

/** The same place for every address: for tests and for the conformance harness's `geo:static` stub. */
export class StaticGeoLookup implements GeoLookup, GeoLookupSource {
  constructor(private readonly record: GeoRecord) {}

  lookup(): GeoRecord {
    return this.record;
  }

  current(): GeoLookup {
    return this;
  }
}
