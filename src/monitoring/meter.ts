import { createNoopMeter, metrics, type Meter } from '@opentelemetry/api';

/** Instrumentation scope of every Cairn instrument. */
export const METER_NAME = 'cairn';

const NoopMeterClass = createNoopMeter().constructor;

/**
 * Cairn's meter from the global provider: the SDK provider `MetricsPipeline` registers, a
 * provider an embedding process registered itself, or the API's no-op one. Instruments must be
 * created after the provider is registered; the no-op meter's instruments never start recording.
 */
export function cairnMeter(): Meter {
  return metrics.getMeter(METER_NAME);
}

/** Whether measurements go anywhere (decorators are skipped entirely when they would not). */
export function metricsAreRecorded(): boolean {
  return !(cairnMeter() instanceof NoopMeterClass);
}
