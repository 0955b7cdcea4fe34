/** A metric reader the test pulls from, and lookups over what it collected. */
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';

export class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}

  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) out.set(m.descriptor.name, m);
    return out;
  }
}

/** Registers a provider with a pull reader as the process-wide one, as an embedding program would. */
export function globalPullReader(): PullReader {
  const reader = new PullReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return reader;
}

function matches(attributes: Record<string, unknown>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => attributes[k] === v);
}

/** Sum of a counter's or gauge's points whose attributes include `wanted`; undefined when the metric is absent. */
export function valueOf(all: Map<string, MetricData>, name: string, wanted: Record<string, string> = {}): number | undefined {
  const m = all.get(name);
  if (m === undefined) return undefined;
  if (m.dataPointType === DataPointType.HISTOGRAM || m.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) {
    throw new Error(`${name} is a histogram; use histogramOf`);
  }
  let total = 0;
  for (const p of m.dataPoints) if (matches(p.attributes, wanted)) total += p.value as number;
  return total;
}

/** Count and sum of a histogram's points whose attributes include `wanted`. */
export function histogramOf(all: Map<string, MetricData>, name: string, wanted: Record<string, string> = {}): { count: number; sum: number } | undefined {
  const m = all.get(name);
  if (m === undefined || m.dataPointType !== DataPointType.HISTOGRAM) return undefined;
  let count = 0;
  let sum = 0;
  for (const p of m.dataPoints) {
    if (!matches(p.attributes, wanted)) continue;
    const h = p.value as Histogram;
    count += h.count;
    sum += h.sum ?? 0;
  }
  return { count, sum };
}
