/**
 * Which driver serves which property, and the one place drivers are built from configuration
 * and closed. Cairn, like d8a, uses one driver for every property.
 */
import type { Logger } from '../monitoring/logger.js';
import type { Timers } from '../queue/timers.js';
import type { Settings } from '../settings/types.js';
import { ConsoleDriver } from './console/console-driver.js';
import type { Driver } from './driver.js';
import { createFilesDriver } from './files/index.js';
import { createBigQueryDriver } from './bigquery/index.js';
import { createClickHouseDriver } from './clickhouse/index.js';
import { NoopDriver } from './noop/noop-driver.js';

export interface DriverRegistry {
  /** The driver rows of `propertyId` are written with. */
  get(propertyId: string): Driver;
  /** Closes every driver once (the files driver uploads its last segments here). */
  close(): Promise<void>;
}

/** One driver for all properties. */
export class StaticDriverRegistry implements DriverRegistry {
  private closing: Promise<void> | null = null;

  constructor(private readonly driver: Driver) {}

  get(_propertyId: string): Driver {
    return this.driver;
  }

  close(): Promise<void> {
    this.closing ??= this.driver.close();
    return this.closing;
  }
}

/** `warehouse.driver` names something Cairn cannot build. */
export class UnsupportedWarehouseError extends Error {
  override readonly name = 'UnsupportedWarehouseError';
}

export const WAREHOUSE_DRIVERS = ['files', 'console', 'noop', 'clickhouse', 'bigquery'] as const;

export interface CreateDriverOptions {
  /** Console driver output; stdout by default. */
  writeLine?: (line: string) => void;
  /** Files driver flush cycle clock (tests). */
  timers?: Timers;
}

/** Builds the driver `warehouse.driver` names (lower-cased; empty means console, as in d8a). */
export async function createDriver(settings: Settings, logger: Logger, options: CreateDriverOptions = {}): Promise<Driver> {
  const name = settings.warehouse.driver.trim().toLowerCase();
  switch (name) {
    case '':
    case 'console':
      return new ConsoleDriver(options.writeLine === undefined ? {} : { writeLine: options.writeLine });
    case 'noop':
      return new NoopDriver();
    case 'files':
      return createFilesDriver(settings, logger, options.timers === undefined ? {} : { timers: options.timers });
    case 'clickhouse':
      return createClickHouseDriver(settings, logger);
    case 'bigquery':
      return createBigQueryDriver(settings, logger, options.timers === undefined ? {} : { timers: options.timers });
    default:
      throw new UnsupportedWarehouseError(`unsupported warehouse ${JSON.stringify(name)}; choose one of ${WAREHOUSE_DRIVERS.join(', ')}`);
  }
}

export async function createDriverRegistry(settings: Settings, logger: Logger, options: CreateDriverOptions = {}): Promise<DriverRegistry> {
  return new StaticDriverRegistry(await createDriver(settings, logger, options));
}
