import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const YEAR_MONTH = /(\d{4})-(\d{2})/;

/**
 * The database file to use from `directory`: among `*.mmdb` files, the one whose name carries
 * the latest `YYYY-MM` (as DB-IP names its monthly releases, `dbip-city-lite-2025-06.mmdb`),
 * else the lexicographically greatest name. Null when there is none or the directory is missing.
 */
export function newestMmdbFile(directory: string): string | null {
  let names: string[];
  try {
    names = readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.mmdb'))
      .map((entry) => entry.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
  if (names.length === 0) return null;
  const best = pickNewest(names);
  return join(directory, best);
}

/** The newest of non-empty `names` by the rule of `newestMmdbFile`. */
export function pickNewest(names: readonly string[]): string {
  const dated = names
    .map((name) => ({ name, match: YEAR_MONTH.exec(name) }))
    .filter((d): d is { name: string; match: RegExpExecArray } => d.match !== null)
    .map((d) => ({ name: d.name, stamp: Number(d.match[1]) * 100 + Number(d.match[2]) }));
  if (dated.length > 0) {
    // Equal months are ordered by name so that the choice never depends on directory order.
    dated.sort((a, b) => b.stamp - a.stamp || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    return (dated[0] as { name: string }).name;
  }
  return [...names].sort().at(-1) as string;
}
