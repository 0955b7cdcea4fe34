import { serializeTask } from '../message-format.js';
import { TASK_ID_HEADER, type Publisher, type Task } from '../task.js';
import type { ObjectBucket } from './bucket.js';
import { TaskKeyClock, taskKey } from './task-keys.js';
import { InFlight } from '../in-flight.js';

export interface ObjectStoragePublisherOptions {
  prefix: string;
  clock?: TaskKeyClock;
  /** Whether `close()` also closes the bucket (false when a consumer shares it). */
  ownsBucket?: boolean;
}

/** Publishes each task as one object; the store's commit of the PUT is the publish. */
export class ObjectStoragePublisher implements Publisher {
  private readonly prefix: string;
  private readonly clock: TaskKeyClock;
  private readonly inFlight = new InFlight();
  private closed = false;

  constructor(
    private readonly bucket: ObjectBucket,
    private readonly options: ObjectStoragePublisherOptions,
  ) {
    this.prefix = options.prefix;
    this.clock = options.clock ?? new TaskKeyClock();
  }

  publish(task: Task): Promise<void> {
    if (this.closed) return Promise.reject(new Error('object-storage publisher is closed'));
    let data: Uint8Array;
    try {
      data = serializeTask(task);
    } catch (err) {
      return Promise.reject(err);
    }
    // The key is taken synchronously so keys follow the order of publish() calls.
    const key = taskKey(this.prefix, this.clock.next(), task.headers[TASK_ID_HEADER]);
    const p = this.bucket.put(key, data);
    return this.inFlight.track(p);
  }

  async ready(): Promise<boolean> {
    return !this.closed && (await this.bucket.reachable());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight.settled();
    if (this.options.ownsBucket !== false) this.bucket.close();
  }
}
