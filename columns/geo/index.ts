export { geoColumns, geoColumnsFrom, geoSettings, CachingGeoLocator, GEO_CACHE_ENTRIES, type GeoSettings } from './columns.js';
export { GeoDatabase, GEO_RESCAN_INTERVAL_MS, type GeoDatabaseOptions } from './geo-database.js';
export { MmdbGeoLookup, StaticGeoLookup, type GeoLookup, type GeoLookupSource } from './geo-lookup.js';
export { EMPTY_GEO_RECORD, geoRecordFromMmdb, type GeoRecord } from './geo-record.js';
export { newestMmdbFile } from './database-file.js';
