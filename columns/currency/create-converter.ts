import type { Logger } from '../../src/monitoring/logger.js';
import { errorMessage } from '../../src/schema/errors.js';
import type { Settings } from '../../src/settings/types.js';
import { RatesCurrencyConverter } from './rates-converter.js';
import { latestRatesSnapshot } from './rates-snapshot.js';

export interface CurrencySettings {
  directory: string;
  /** 0: never look again after start (the conformance runner and airgapped mode set this). */
  refreshIntervalMs: number;
}

/** `currency.*` keys, checked; defaults are the reference's. */
export function currencySettings(settings: Pick<Settings, 'keys'>): CurrencySettings {
  const directory = settings.keys.get('currency.destination_directory') ?? './currency';
  const refresh = settings.keys.get('currency.refresh_interval') ?? 0;
  if (typeof directory !== 'string' || directory === '') throw new Error('currency.destination_directory must be a non-empty string');
  if (typeof refresh !== 'number' || refresh < 0) throw new Error('currency.refresh_interval must be a duration');
  return { directory, refreshIntervalMs: refresh };
}

/** A converter plus the re-scan that keeps it on the newest snapshot. */
export class SnapshotDirectoryConverter extends RatesCurrencyConverter {
  private timer: NodeJS.Timeout | null = null;
  private loadedPath: string | null = null;

  constructor(
    private readonly directory: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Loads the newest usable snapshot when it is not the one in use; returns whether rates are loaded. */
  reload(): boolean {
    try {
      const latest = latestRatesSnapshot(this.directory, (path, reason) => this.logger.warn('skipping an unusable exchange-rate snapshot', { path, reason }));
      if (latest !== null && latest.path !== this.loadedPath) {
        this.setSnapshot(latest.snapshot);
        this.loadedPath = latest.path;
        this.logger.info('exchange rates loaded', { path: latest.path, created_at: latest.snapshot.createdAt.toISOString(), bases: latest.snapshot.rates.size });
      }
    } catch (err) {
      this.logger.warn('could not read the exchange-rate directory', { directory: this.directory, error: errorMessage(err) });
    }
    return this.hasRates;
  }

  /** Re-reads the directory every `intervalMs` on a timer that never keeps the process alive. */
  startRescan(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer !== null) return;
    this.timer = setInterval(() => this.reload(), intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * The converter for the `*_in_usd` columns: the newest snapshot of
 * `currency.destination_directory`. Cairn does not download rates (yet): with a refresh
 * interval it says so and re-reads the directory at that interval, so snapshots written by
 * another process are picked up. Without any snapshot every conversion is unavailable.
 */
export function createCurrencyConverter(settings: Pick<Settings, 'keys'>, logger: Logger): SnapshotDirectoryConverter {
  const config = currencySettings(settings);
  const converter = new SnapshotDirectoryConverter(config.directory, logger);
  if (!converter.reload()) {
    logger.warn('no exchange-rate snapshot found; *_in_usd columns are NULL until one appears', { directory: config.directory });
  }
  if (config.refreshIntervalMs > 0) {
    logger.info('downloading exchange rates is not available in Cairn; re-reading the snapshot directory instead', {
      directory: config.directory,
      interval_ms: config.refreshIntervalMs,
    });
    converter.startRescan(config.refreshIntervalMs);
  }
  return converter;
}
