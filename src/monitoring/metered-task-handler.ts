import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { DropTaskError, type TaskHandler } from '../queue/task.js';
import { MILLISECOND_BUCKETS } from './buckets.js';
import { cairnMeter } from './meter.js';

/**
 * The consumer's side of the queue: tasks handled by outcome (`done`, `dead_lettered` when the
 * handler gives up on a task for good, `failed` when it stays queued for a retry) and how long
 * each took. Tasks the consumer cannot even decode never reach a handler; the dead-letter
 * gauge counts those.
 */
export function meteredTaskHandler(inner: TaskHandler, meter: Meter = cairnMeter()): TaskHandler {
  const handled: Counter = meter.createCounter('worker.consumer.tasks', { description: 'Queue tasks handled by the worker, by outcome' });
  const deadLettered: Counter = meter.createCounter('worker.consumer.tasks_dead_lettered', { description: 'Tasks the worker sent to the dead letters' });
  const duration: Histogram = meter.createHistogram('worker.consumer.task.duration', {
    description: 'Time the worker took to handle one queue task',
    unit: 's',
    advice: { explicitBucketBoundaries: [...MILLISECOND_BUCKETS] },
  });
  const done = { outcome: 'done' };
  const dropped = { outcome: 'dead_lettered' };
  const failed = { outcome: 'failed' };
  return async (task) => {
    const started = performance.now();
    try {
      await inner(task);
      handled.add(1, done);
    } catch (err) {
      if (err instanceof DropTaskError) {
        handled.add(1, dropped);
        deadLettered.add(1, { task_type: task.type });
      } else {
        handled.add(1, failed);
      }
      throw err;
    } finally {
      duration.record((performance.now() - started) / 1000);
    }
  };
}
