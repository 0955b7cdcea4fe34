import type { Counter, Meter } from '@opentelemetry/api';
import type { Publisher, Task } from '../queue/task.js';
import { cairnMeter } from './meter.js';

/** Counts tasks and body bytes that reached the queue, by task type (the reference's publisher metrics). */
export class MeteredPublisher implements Publisher {
  private readonly tasks: Counter;
  private readonly bytes: Counter;

  constructor(
    private readonly inner: Publisher,
    meter: Meter = cairnMeter(),
  ) {
    this.tasks = meter.createCounter('worker.publisher.tasks_published', { description: 'Tasks published to the queue, by task type' });
    this.bytes = meter.createCounter('worker.publisher.bytes_published', { description: 'Task body bytes published to the queue, by task type', unit: 'By' });
  }

  async publish(task: Task): Promise<void> {
    await this.inner.publish(task);
    const attributes = { task_type: task.type };
    this.tasks.add(1, attributes);
    this.bytes.add(task.body.byteLength, attributes);
  }

  ready(): Promise<boolean> {
    return this.inner.ready();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
