import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../src/schema/errors.js';

/**
 * One exchange-rate snapshot as the reference stores it, `rates-<timestamp>.json` in
 * `currency.destination_directory`:
 * `{"created_at": "2025-06-01T00:00:00Z", "rates": {"eur": {"usd": 1.08, …}, …}}`.
 * `rates[base][quote]` is how many `quote` one `base` buys. Codes are kept trimmed and
 * lower-cased.
 */
export interface RatesSnapshot {
  createdAt: Date;
  rates: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export class InvalidRatesSnapshotError extends Error {
  override readonly name = 'InvalidRatesSnapshotError';
}

// RFC 3339, as Go's time.Time reads it from JSON; its zero time counts as missing.
const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normaliseCode(code: string): string {
  return code.trim().toLowerCase();
}

/**
 * Parses a snapshot file's text. Like the reference, a snapshot without a creation time or
 * without any rates is unusable, and a rate that is not a number makes the whole file
 * unusable; empty codes are dropped.
 */
export function parseRatesSnapshot(text: string): RatesSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidRatesSnapshotError(`not JSON: ${errorMessage(err)}`);
  }
  if (!isRecord(raw)) throw new InvalidRatesSnapshotError('not a JSON object');
  const createdAtText = raw['created_at'];
  if (typeof createdAtText !== 'string' || !RFC3339.test(createdAtText)) throw new InvalidRatesSnapshotError('created_at is missing or not an RFC 3339 time');
  const createdAt = new Date(createdAtText);
  if (Number.isNaN(createdAt.getTime()) || createdAt.getTime() === ZERO_TIME) throw new InvalidRatesSnapshotError('created_at is not a valid time');
  const rawRates = raw['rates'];
  if (rawRates === undefined || rawRates === null) throw new InvalidRatesSnapshotError('rates are empty');
  if (!isRecord(rawRates)) throw new InvalidRatesSnapshotError('rates is not an object');
  const rates = new Map<string, Map<string, number>>();
  for (const [base, quotes] of Object.entries(rawRates)) {
    if (quotes === null) continue;
    if (!isRecord(quotes)) throw new InvalidRatesSnapshotError(`rates.${base} is not an object`);
    const normalised = new Map<string, number>();
    for (const [quote, rate] of Object.entries(quotes)) {
      // Go decodes a JSON null into a float as 0; any other non-number fails the whole file.
      if (rate !== null && typeof rate !== 'number') throw new InvalidRatesSnapshotError(`rates.${base}.${quote} is not a number`);
      const code = normaliseCode(quote);
      if (code !== '') normalised.set(code, rate ?? 0);
    }
    const baseCode = normaliseCode(base);
    if (baseCode !== '' && normalised.size > 0) rates.set(baseCode, normalised);
  }
  if (rates.size === 0) throw new InvalidRatesSnapshotError('rates are empty');
  return { createdAt, rates };
}

export interface LoadedSnapshot {
  path: string;
  snapshot: RatesSnapshot;
}

/**
 * The newest usable snapshot of `directory`: `*.json` files by name, last first (the names
 * embed their creation time), skipping files that do not parse. Null when none is usable or
 * the directory does not exist. `onSkip` hears about each unusable file.
 */
export function latestRatesSnapshot(directory: string, onSkip: (path: string, reason: string) => void = () => undefined): LoadedSnapshot | null {
  let names: string[];
  try {
    names = readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  for (let i = names.length - 1; i >= 0; i--) {
    const path = join(directory, names[i] as string);
    try {
      return { path, snapshot: parseRatesSnapshot(readFileSync(path, 'utf8')) };
    } catch (err) {
      onSkip(path, errorMessage(err));
    }
  }
  return null;
}
