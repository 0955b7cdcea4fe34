import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../src/monitoring/logger.js';
import { errorMessage } from '../../src/schema/errors.js';
import { newestMmdbFile } from './database-file.js';
import { MmdbGeoLookup, type GeoLookup, type GeoLookupSource } from './geo-lookup.js';

/** How often the directory is looked at for a newer file, as the reference does. */
export const GEO_RESCAN_INTERVAL_MS = 30_000;

export interface GeoDatabaseOptions {
  directory: string;
  logger: Logger;
  /** 0 turns the re-scan off (tests); the default is `GEO_RESCAN_INTERVAL_MS`. */
  rescanIntervalMs?: number;
}

interface LoadedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The city database in use: the newest `.mmdb` of a directory, loaded at start and swapped
 * for a newer one when it appears (checked every 30 s, on a timer that never keeps the
 * process alive). Until a file is there, `current()` is null and the geo columns are NULL.
 */
export class GeoDatabase implements GeoLookupSource {
  private lookup: GeoLookup | null = null;
  private loaded: LoadedFile | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rescanning = false;

  constructor(private readonly options: GeoDatabaseOptions) {
    this.loadSync();
    const interval = options.rescanIntervalMs ?? GEO_RESCAN_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.rescan(), interval);
      this.timer.unref();
    }
  }

  current(): GeoLookup | null {
    return this.lookup;
  }

  /** The file in use, or null. */
  get path(): string | null {
    return this.loaded?.path ?? null;
  }

  /** Looks for a newer file now; resolves once it is loaded (or found unchanged). */
  async rescan(): Promise<void> {
    if (this.rescanning) return;
    this.rescanning = true;
    try {
      const next = this.newestFile();
      if (next === null || this.isLoaded(next)) return;
      this.swap(next, new MmdbGeoLookup(await readFile(next.path)));
    } catch (err) {
      this.options.logger.warn('could not load the geolocation database; keeping the previous one', { directory: this.options.directory, error: errorMessage(err) });
    } finally {
      this.rescanning = false;
    }
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private loadSync(): void {
    try {
      const next = this.newestFile();
      if (next === null) {
        this.options.logger.warn('geolocation is enabled but there is no .mmdb file yet; geo columns stay NULL until one appears', {
          directory: this.options.directory,
        });
        return;
      }
      this.swap(next, new MmdbGeoLookup(readFileSync(next.path)));
    } catch (err) {
      this.options.logger.error('could not load the geolocation database; geo columns stay NULL until a readable file appears', {
        directory: this.options.directory,
        error: errorMessage(err),
      });
    }
  }

  private newestFile(): LoadedFile | null {
    const path = newestMmdbFile(this.options.directory);
    if (path === null) return null;
    const stat = statSync(path);
    return { path, size: stat.size, mtimeMs: stat.mtimeMs };
  }

  private isLoaded(file: LoadedFile): boolean {
    const loaded = this.loaded;
    return loaded !== null && loaded.path === file.path && loaded.size === file.size && loaded.mtimeMs === file.mtimeMs;
  }

  private swap(file: LoadedFile, lookup: MmdbGeoLookup): void {
    this.lookup = lookup;
    this.loaded = file;
    this.options.logger.info('geolocation database loaded', { path: file.path, type: lookup.databaseType, built: lookup.buildTime.toISOString() });
  }
}
