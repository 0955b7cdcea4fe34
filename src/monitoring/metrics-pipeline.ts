import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag, DiagLogLevel, metrics, type DiagLogger } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { Logger } from './logger.js';

export interface OtlpExportOptions {
  /** `monitoring.otel_endpoint`: `host:port` as d8a takes it, or a full `http(s)://` URL. */
  endpoint: string;
  intervalMs: number;
  /** Plain-text gRPC instead of TLS (for an endpoint given without a scheme). */
  insecure: boolean;
}

export interface MetricsPipelineOptions {
  /** Push to an OTLP/gRPC collector (`monitoring.enabled`). */
  otlp?: OtlpExportOptions;
  /** Keep a Prometheus reader for `/metrics` on the monitoring port. */
  prometheus: boolean;
  serviceVersion: string;
  logger: Logger;
  /** Extra readers (tests). */
  readers?: MetricReader[];
}

/**
 * The collector URL for the gRPC exporter, which chooses plain text for `http://` and TLS
 * for `https://`: `insecure` forces plain text whatever scheme was written, and a bare
 * `host:port` (d8a's form) gets TLS unless `insecure` is set.
 */
export function otlpUrl(endpoint: string, insecure: boolean): string {
  const e = endpoint.trim();
  const bare = e.replace(/^https?:\/\//i, '');
  if (insecure) return `http://${bare}`;
  return bare === e ? `https://${e}` : e;
}

/**
 * The OpenTelemetry SDK side: one MeterProvider with an OTLP push reader and/or a Prometheus
 * pull reader, registered as the global provider so every Cairn instrument reports to it.
 * Nothing is ever sent anywhere that the configuration does not name.
 */
export class MetricsPipeline {
  private constructor(
    private readonly provider: MeterProvider,
    readonly prometheus: PrometheusExporter | null,
    private readonly logger: Logger,
  ) {}

  /**
   * Null when there is nothing to export to. When the process already has a global provider
   * (Cairn embedded in another program), that provider keeps receiving Cairn's metrics and
   * this pipeline's readers are not used.
   */
  static async start(options: MetricsPipelineOptions): Promise<MetricsPipeline | null> {
    const readers: MetricReader[] = [...(options.readers ?? [])];
    const prometheus = options.prometheus ? new PrometheusExporter({ preventServerStart: true }) : null;
    if (prometheus) readers.push(prometheus);
    if (options.otlp) {
      // Loaded only when used: the gRPC stack costs start-up time nobody else should pay.
      const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-grpc');
      const url = otlpUrl(options.otlp.endpoint, options.otlp.insecure);
      const exporter = new OTLPMetricExporter({ url });
      readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.otlp.intervalMs, exportTimeoutMillis: Math.min(30_000, options.otlp.intervalMs) }));
    }
    if (readers.length === 0) return null;
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'cairn', 'service.version': options.serviceVersion }),
      readers,
    });
    diag.setLogger(diagnosticsTo(options.logger), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    if (!metrics.setGlobalMeterProvider(provider)) {
      options.logger.warn('another OpenTelemetry meter provider is already registered in this process; Cairn reports to it instead');
      await provider.shutdown().catch(() => undefined);
      return null;
    }
    return new MetricsPipeline(provider, prometheus, options.logger);
  }

  /** Serves the Prometheus text exposition (only when the Prometheus reader is on). */
  servePrometheus(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.prometheus === null) return false;
    this.prometheus.getMetricsRequestHandler(req, res);
    return true;
  }

  /** Pushes what is pending (the last OTLP export) and releases the global registration. */
  async shutdown(): Promise<void> {
    try {
      await this.provider.shutdown();
    } catch (err) {
      this.logger.warn('the last metrics export failed', { error: err });
    } finally {
      metrics.disable();
      diag.disable();
    }
  }
}

/**
 * The SDK reports failed exports through its diagnostics logger; they reach Cairn's log as
 * warnings, each distinct message at most once a minute (a collector that is down fails every
 * export interval).
 */
function diagnosticsTo(logger: Logger, now: () => number = Date.now): DiagLogger {
  const lastLogged = new Map<string, number>();
  const warn = (raw: string, ...args: unknown[]): void => {
    const message = diagnosticText(raw);
    const t = now();
    const last = lastLogged.get(message);
    if (last !== undefined && t - last < 60_000) return;
    if (lastLogged.size > 100) lastLogged.clear();
    lastLogged.set(message, t);
    const detail = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    logger.warn('metrics export problem', { message, ...(detail ? { detail: detail.slice(0, 500) } : {}) });
  };
  const ignore = (): void => undefined;
  return { error: warn, warn, info: ignore, debug: ignore, verbose: ignore };
}

/** The SDK's error handler passes errors as JSON with a stack; the first line of their message is what an operator needs. */
function diagnosticText(raw: string): string {
  let text = raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') text = parsed.message;
    else if (typeof parsed === 'object' && parsed !== null && 'stack' in parsed && typeof parsed.stack === 'string') text = parsed.stack;
  } catch {
    // plain text already
  }
  return (text.split('\n')[0] ?? text).replace(/^Error: /, '').slice(0, 500);
}
