import { buildPropertySchemas } from '../../columns/column-sets.js';
import { createTrafficSourceDetector } from '../../columns/attribution/traffic-source-detector.js';
import { deviceColumns } from '../../columns/device/index.js';
import { geoColumns } from '../../columns/geo/index.js';
import { createCurrencyConverter } from '../../columns/currency/index.js';
import type { Logger } from '../monitoring/logger.js';
import { ProtoSessionEngine, SqliteProtoSessionStore, type ProtoSessionCloser, type ProtoSessionStore } from '../protosessions/index.js';
import type { Task } from '../queue/task.js';
import type { PropertySchemaRegistry } from '../schema/property-schema.js';
import { ColumnSessionWriter } from '../sessions/column-writer.js';
import { DirectCloser } from '../sessions/direct-closer.js';
import type { SessionWriter } from '../sessions/session-writer.js';
import { buildSessionWriterChain, type SessionWriterChain } from '../sessions/writer-chain.js';
import { PropertyRegistry } from '../settings/property-registry.js';
import type { Settings } from '../settings/types.js';
import { PropertyModifierRegistry } from '../splitter/index.js';
import type { Driver } from '../warehouse/driver.js';
import { createDriverRegistry, type DriverRegistry } from '../warehouse/registry.js';
import { ensureTables } from '../warehouse/schema-diff.js';
import type { Hit } from '../hits/hit.js';

export interface WorkerOptions {
  /** Create or evolve the tables before writing (`cairn server`, `cairn replay`). */
  migrate: boolean;
  /** Wraps the warehouse driver (counting, monitoring). */
  decorateDriver?: (driver: Driver) => Driver;
  /** Wraps the proto-session state store (monitoring). */
  decorateStore?: (store: ProtoSessionStore) => ProtoSessionStore;
  /** Wraps what closes proto-sessions into the session writer chain (monitoring). */
  decorateCloser?: (closer: ProtoSessionCloser) => ProtoSessionCloser;
  /** Wraps the column-computing session writer at the end of the chain (monitoring). */
  decorateSessionWriter?: (writer: SessionWriter) => SessionWriter;
}

/**
 * The worker: proto-sessions closed on hit time, then the session writer chain of the delivery
 * mode, the columns, the split and filter, and the warehouse. Everything that can fail on bad
 * configuration (filter expressions, column dependencies, the warehouse) fails in `start`.
 */
export class Worker {
  private constructor(
    readonly engine: ProtoSessionEngine,
    private readonly chain: SessionWriterChain,
    private readonly drivers: DriverRegistry,
    readonly schemas: PropertySchemaRegistry,
    private readonly logger: Logger,
    private readonly resources: { close(): void }[] = [],
  ) {}

  static async start(settings: Settings, logger: Logger, options: WorkerOptions): Promise<Worker> {
    const properties = new PropertyRegistry(settings.properties);
    const modifiers = new PropertyModifierRegistry(settings.properties, logger);
    const deviceGeoColumns = {
      event: [...geoColumns(settings, logger), ...deviceColumns(String(settings.keys.get('device_detector.provider') ?? 'dd2'))],
      sessionScoped: [],
      session: [],
    };
    const currencyConverter = createCurrencyConverter(settings, logger);
    const schemas = buildPropertySchemas(settings.properties, { trafficSource: createTrafficSourceDetector(), deviceGeoColumns, currencyConverter });
    const drivers = await createDriverRegistry(settings, logger);
    const decorated = new Map<Driver, Driver>();
    const decorate = (d: Driver): Driver => {
      if (options.decorateDriver === undefined) return d;
      let wrapped = decorated.get(d);
      if (wrapped === undefined) {
        wrapped = options.decorateDriver(d);
        decorated.set(d, wrapped);
      }
      return wrapped;
    };
    try {
      if (options.migrate) {
        for (const p of settings.properties) {
          const driver = decorate(drivers.get(p.id));
          const tables = schemas.forProperty(p.id).tables.map((t) => ({ name: t.table, schema: t.schema }));
          const report = await ensureTables(driver, tables, logger);
          for (const r of report) {
            if (r.created) logger.info('created table', { property_id: p.id, table: r.table });
            for (const c of r.addedColumns) logger.info('added column', { property_id: p.id, table: r.table, column: c });
          }
        }
      }
      const columnWriter = new ColumnSessionWriter({ schemas, modifiers, driver: decorate(drivers.get('')), logger });
      const terminal = options.decorateSessionWriter?.(columnWriter) ?? columnWriter;
      const chain = buildSessionWriterChain({ settings, terminal, logger });
      const store = SqliteProtoSessionStore.open(settings.storage.boltDirectory);
      const closer = new DirectCloser(chain.head, logger);
      const engine = new ProtoSessionEngine({
        store: options.decorateStore?.(store) ?? store,
        properties,
        closer: options.decorateCloser?.(closer) ?? closer,
        logger,
        skipCatchUp: settings.keys.get('startup.skip_catch_up') === true,
      });
      return new Worker(engine, chain, drivers, schemas, logger, [currencyConverter]);
    } catch (err) {
      await drivers.close().catch(() => undefined);
      throw err;
    }
  }

  /** The queue consumer's handler. */
  handleTask(task: Task): Promise<void> {
    return this.engine.handleTask(task);
  }

  handleHits(hits: readonly Hit[]): Promise<unknown> {
    return this.engine.handleHits(hits);
  }

  /** Starts the timing wheel (closing due sessions every second). */
  run(): void {
    this.engine.start();
  }

  /**
   * Stops the wheel, then drains front to back: in-memory buffers into the spool, the spool
   * into the warehouse, then the drivers (the files driver uploads its last segments).
   */
  async stop(): Promise<void> {
    let failure: unknown;
    await this.engine.stop().catch((err: unknown) => (failure ??= err));
    await this.engine.close().catch((err: unknown) => (failure ??= err));
    await this.chain.close().catch((err: unknown) => (failure ??= err));
    await this.drivers.close().catch((err: unknown) => (failure ??= err));
    for (const r of this.resources) r.close();
    if (failure !== undefined) {
      this.logger.error('the worker did not drain cleanly', { error: failure });
      throw failure;
    }
  }
}
