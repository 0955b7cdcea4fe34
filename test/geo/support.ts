import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/monitoring/logger.js';
import { buildMmdb, cityRecord } from './mmdb-writer.js';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed when the process exits. */
export function tempDir(prefix = 'cairn-geo-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * The fixture database: London and Paris over IPv4, Berlin over IPv6, and a network whose
 * record names only the country and continent.
 */
export function fixtureDatabase(): Buffer {
  return buildMmdb([
    { cidr: '81.2.69.0/24', record: cityRecord({ city: 'London', region: 'England', country: 'United Kingdom', countryCode: 'GB', continent: 'Europe' }) },
    { cidr: '192.0.2.0/24', record: cityRecord({ city: 'Paris', region: 'Ile-de-France', country: 'France', countryCode: 'FR', continent: 'Europe' }) },
    { cidr: '2a02:8100::/32', record: cityRecord({ city: 'Berlin', region: 'Land Berlin', country: 'Germany', countryCode: 'DE', continent: 'Europe' }) },
    { cidr: '203.0.113.0/24', record: cityRecord({ country: 'Australia', countryCode: 'AU', continent: 'Oceania' }) },
  ]);
}

/** A directory holding the fixture database under `name`. */
export function directoryWithDatabase(name = 'dbip-city-lite-2025-06.mmdb', database: Buffer = fixtureDatabase()): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), database);
  return dir;
}

export interface LoggedLine {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, fields });
    };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
