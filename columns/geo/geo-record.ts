/**
 * The place of an IP address as the geo columns write it. City, country and continent are
 * English names, `""` when the database has none (the reference writes the empty string, not
 * NULL); the region is the first subdivision's English name, or null.
 */
export interface GeoRecord {
  city: string;
  region: string | null;
  country: string;
  continent: string;
}

/**
 * What the reference writes for an address the database does not cover: its lookup decodes
 * nothing into an empty record, so the names come out empty and the region NULL.
 */
export const EMPTY_GEO_RECORD: GeoRecord = Object.freeze({ city: '', region: null, country: '', continent: '' });

function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** `record[section].names.en`, or `""` when any step is missing or not a string. */
function englishName(section: unknown): string {
  const name = member(member(section, 'names'), 'en');
  return typeof name === 'string' ? name : '';
}

/**
 * Reads a GeoIP2-City-shaped MMDB record (DB-IP Lite City and GeoLite2 City share it). The
 * reader's answer is untyped data from a file, so every step is checked.
 */
export function geoRecordFromMmdb(raw: unknown): GeoRecord {
  const subdivisions = member(raw, 'subdivisions');
  const firstSubdivision = Array.isArray(subdivisions) && subdivisions.length > 0 ? (subdivisions[0] as unknown) : undefined;
  const region = firstSubdivision === undefined ? '' : englishName(firstSubdivision);
  return {
    city: englishName(member(raw, 'city')),
    region: region === '' ? null : region,
    country: englishName(member(raw, 'country')),
    continent: englishName(member(raw, 'continent')),
  };
}
