import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Session } from '../schema/session.js';
import type { SessionWriter, WriteOptions } from '../sessions/session-writer.js';
import { SECOND_BUCKETS } from './buckets.js';
import { cairnMeter } from './meter.js';

/**
 * Wraps the column-computing writer at the end of the chain: sessions processed, write calls,
 * failed calls, and the time from closed sessions to rows written (columns, split and filter,
 * and the warehouse write together).
 */
export class MeteredSessionWriter implements SessionWriter {
  private readonly processed: Counter;
  private readonly calls: Counter;
  private readonly failures: Counter;
  private readonly duration: Histogram;

  constructor(
    private readonly inner: SessionWriter,
    meter: Meter = cairnMeter(),
  ) {
    this.processed = meter.createCounter('sessions.processed', { description: 'Closed sessions whose rows were computed and written' });
    this.calls = meter.createCounter('sessions.write.calls', { description: 'Calls of the column-computing session writer' });
    this.failures = meter.createCounter('sessions.write.failures', { description: 'Session writes that failed and will be retried' });
    this.duration = meter.createHistogram('sessions.write.duration', {
      description: 'Time to compute the columns of a batch of sessions and write their rows',
      unit: 's',
      advice: { explicitBucketBoundaries: [...SECOND_BUCKETS] },
    });
  }

  async write(sessions: Session[], options?: WriteOptions): Promise<void> {
    const started = performance.now();
    this.calls.add(1);
    try {
      await this.inner.write(sessions, options);
      this.processed.add(sessions.length);
    } catch (err) {
      this.failures.add(1);
      throw err;
    } finally {
      this.duration.record((performance.now() - started) / 1000);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
