import { readFileSync } from 'node:fs';
import type { ProtoSessionCloser } from '../protosessions/closer.js';
import type { ProtoSessionStore } from '../protosessions/store.js';
import type { Outcome } from '../receiver/hit-pipeline.js';
import type { Publisher, TaskHandler } from '../queue/task.js';
import type { SessionWriter } from '../sessions/session-writer.js';
import type { Settings } from '../settings/types.js';
import type { Driver } from '../warehouse/driver.js';
import { DebugHub } from './debug-hub.js';
import { DebugRowsDriver } from './debug-rows-driver.js';
import type { Logger } from './logger.js';
import { metricsAreRecorded } from './meter.js';
import { MeteredDriver, WriteLedger } from './metered-driver.js';
import { MeteredPublisher } from './metered-publisher.js';
import { MeteredProtoSessionCloser, MeteredProtoSessionStore } from './metered-protosessions.js';
import { MeteredSessionWriter } from './metered-session-writer.js';
import { meteredTaskHandler } from './metered-task-handler.js';
import { MetricsPipeline, type OtlpExportOptions } from './metrics-pipeline.js';
import { MonitoringServer } from './monitoring-server.js';
import { ReceiverMetrics } from './receiver-metrics.js';
import { RejectionLog } from './rejection-log.js';
import { registerStatusGauges, StatusReader, type EngineReadout, type StatusSources } from './status.js';
import { TrafficHistory } from './traffic-history.js';

/** Which long-lived command this process runs; it decides what the status page can show. */
export type ProcessRole = 'server' | 'receiver' | 'worker' | 'replay';

/** The monitoring keys, read from the resolved key map and checked, since they are not in `Settings` proper. */
export interface MonitoringSettings {
  otlp: OtlpExportOptions | null;
  /** 0 = no monitoring port. */
  port: number;
  host: string;
}

export function monitoringSettings(settings: Pick<Settings, 'keys'>): MonitoringSettings {
  const get = <T>(key: string, kind: 'string' | 'number' | 'boolean', fallback: T): T => {
    const v = settings.keys.get(key);
    return typeof v === kind ? (v as T) : fallback;
  };
  const enabled = get('monitoring.enabled', 'boolean', false);
  return {
    otlp: enabled
      ? {
          endpoint: get('monitoring.otel_endpoint', 'string', 'localhost:4317'),
          intervalMs: get('monitoring.otel_export_interval', 'number', 30_000),
          insecure: get('monitoring.otel_insecure', 'boolean', false),
        }
      : null,
    port: get('monitoring.port', 'number', 0),
    host: get('monitoring.host', 'string', '127.0.0.1'),
  };
}

export function cairnVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export interface ReceiverHooks {
  onOutcome: (outcome: Outcome, request: { rawQuery: string }) => void;
  onResponse?: (status: number, startedAt: number) => void;
}

/** The decorators the worker takes (see `WorkerOptions`). */
export interface WorkerDecorators {
  decorateDriver?: (driver: Driver) => Driver;
  decorateStore?: (store: ProtoSessionStore) => ProtoSessionStore;
  decorateCloser?: (closer: ProtoSessionCloser) => ProtoSessionCloser;
  decorateSessionWriter?: (writer: SessionWriter) => SessionWriter;
}

export interface StartMonitoringOptions {
  role: ProcessRole;
  /** Serve the monitoring port when configured (replay does not: it exits when done). */
  serve?: boolean;
}

/**
 * Everything operators see of a running process, wired in one place: the metrics pipeline
 * (OTLP and Prometheus), the decorators that feed it, the rejection log, and the monitoring
 * port with the status page and the debug view. Commands ask it for hooks and decorators;
 * with monitoring off they get the rejection log and nothing else.
 */
export class Monitoring {
  private readonly rejections: RejectionLog;
  private readonly receiverMetrics: ReceiverMetrics | null;
  private readonly sources: StatusSources;
  private readonly writes = new WriteLedger();
  private gaugesRegistered = false;

  private constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
    private readonly pipeline: MetricsPipeline | null,
    /** Whether instruments report anywhere (our pipeline or an embedding process's provider). */
    readonly recording: boolean,
    private readonly traffic: TrafficHistory | null,
    private readonly hub: DebugHub | null,
    private readonly reader: StatusReader,
    private server: MonitoringServer | null,
    role: ProcessRole,
    sources: StatusSources,
  ) {
    this.rejections = new RejectionLog(logger);
    this.receiverMetrics = recording && (role === 'server' || role === 'receiver') ? new ReceiverMetrics() : null;
    this.sources = sources;
  }

  static async start(settings: Settings, logger: Logger, options: StartMonitoringOptions): Promise<Monitoring> {
    const config = monitoringSettings(settings);
    const serve = (options.serve ?? true) && config.port > 0;
    const version = cairnVersion();
    const pipeline = await MetricsPipeline.start({
      ...(config.otlp ? { otlp: config.otlp } : {}),
      prometheus: serve,
      serviceVersion: version,
      logger,
    });
    const recording = metricsAreRecorded();
    const receives = options.role === 'server' || options.role === 'receiver';
    const traffic = serve && receives ? new TrafficHistory() : null;
    const hub = serve && options.role !== 'replay' ? new DebugHub({ retainMs: Math.max(2 * 60 * 60_000, maxSessionTimeoutMs(settings) * 2) }) : null;
    const sources: StatusSources = {
      role: options.role,
      version,
      startedAt: Date.now(),
      ...(traffic ? { traffic } : {}),
      ...(hub ? { hub } : {}),
      ...(settings.queue.backend === 'filesystem' ? { queueDirectory: settings.storage.queueDirectory } : {}),
    };
    const reader = new StatusReader(sources);
    let server: MonitoringServer | null = null;
    if (serve) {
      server = new MonitoringServer({ host: config.host, port: config.port, role: options.role, version, status: reader, hub, metrics: pipeline, logger });
      try {
        const address = await server.listen();
        logger.info('monitoring listening', { host: address.address, port: address.port, status: '/status', metrics: '/metrics' });
      } catch (err) {
        await pipeline?.shutdown();
        throw err;
      }
    }
    if (config.otlp) logger.info('exporting metrics over OTLP/gRPC', { endpoint: config.otlp.endpoint, interval_ms: config.otlp.intervalMs });
    const monitoring = new Monitoring(settings, logger, pipeline, recording, traffic, hub, reader, server, options.role, sources);
    monitoring.registerGauges();
    return monitoring;
  }

  private registerGauges(): void {
    if (!this.recording || this.gaugesRegistered) return;
    this.gaugesRegistered = true;
    registerStatusGauges(this.reader);
  }

  /** For `Receiver.listen`: rejection log, receiver metrics, the chart and the debug view. */
  receiverHooks(): ReceiverHooks {
    const metrics = this.receiverMetrics;
    const traffic = this.traffic;
    const hub = this.hub;
    return {
      onOutcome: (outcome, request) => {
        if (outcome.rejection) {
          this.rejections.record(outcome.rejection.reason, outcome.rejection.message, outcome.status);
          traffic?.recordRejected();
        } else if (outcome.hits.length > 0) {
          traffic?.recordHits(outcome.hits.length);
          hub?.captureHits(outcome.hits);
        }
        metrics?.observeOutcome(outcome, request.rawQuery);
      },
      // Without metrics there is nothing to time: leave the hook out so requests skip the clock read.
      ...(metrics ? { onResponse: (status: number, startedAt: number) => metrics.observeResponse(status, startedAt) } : {}),
    };
  }

  decoratePublisher(publisher: Publisher): Publisher {
    return this.recording ? new MeteredPublisher(publisher) : publisher;
  }

  decorateTaskHandler(handler: TaskHandler): TaskHandler {
    return this.recording ? meteredTaskHandler(handler) : handler;
  }

  workerDecorators(): WorkerDecorators {
    const hub = this.hub;
    const driverName = this.settings.warehouse.driver.trim().toLowerCase() || 'console';
    const decorators: WorkerDecorators = {};
    if (this.recording || this.server !== null) {
      decorators.decorateDriver = (driver) => {
        const measured = new MeteredDriver(driver, driverName, this.writes);
        return hub ? new DebugRowsDriver(measured, hub) : measured;
      };
      this.sources.writes = this.writes;
    }
    if (this.recording) {
      decorators.decorateStore = (store) => new MeteredProtoSessionStore(store);
      decorators.decorateCloser = (closer) => new MeteredProtoSessionCloser(closer);
      decorators.decorateSessionWriter = (writer) => new MeteredSessionWriter(writer);
    }
    return decorators;
  }

  /** Lets the status page and the gauges read the worker's state. */
  attachWorker(engine: EngineReadout): void {
    this.sources.engine = engine;
    this.sources.spoolDirectory = this.settings.storage.spoolDirectory;
  }

  /** Closes the monitoring port and sends the last OTLP export. */
  async stop(): Promise<void> {
    if (this.server !== null) {
      await this.server.close().catch((err: unknown) => this.logger.warn('closing the monitoring port failed', { error: err }));
      this.server = null;
    }
    await this.pipeline?.shutdown();
  }
}

function maxSessionTimeoutMs(settings: Settings): number {
  return settings.properties.reduce((max, p) => Math.max(max, p.sessionTimeoutMs), 0);
}
