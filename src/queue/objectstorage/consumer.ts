import { ConsumerRun } from '../consumer-run.js';
import { errorMessage } from '../interruptible-sleep.js';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import { deserializeTask } from '../message-format.js';
import { DropTaskError, type Consumer, type Task, type TaskHandler } from '../task.js';
import type { ObjectBucket } from './bucket.js';
import { REASON_SUFFIX, compareTaskKeys, deadLetterKey, listingPrefix, taskKeyTime } from './task-keys.js';

export interface ObjectStorageConsumerOptions {
  /** `queue.object_storage.prefix`. */
  prefix: string;
  logger?: Logger;
  /** `queue.object_storage.min_interval`: the pause after an empty listing, and where it restarts. */
  minIntervalMs?: number;
  /** `queue.object_storage.max_interval`. */
  maxIntervalMs?: number;
  /** `queue.object_storage.interval_exp_factor`. */
  intervalFactor?: number;
  /** `queue.object_storage.max_items_to_read_at_once`; a listing reads twice as many keys. */
  maxItems?: number;
  /** `queue.max_attempts`: failed handler calls after which a task goes to the dead letters. */
  maxAttempts?: number;
  /** First wait after a failed task; doubles per failure of the same task up to the max. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Objects downloaded ahead of the one being handled. */
  prefetch?: number;
}

interface Listed {
  key: string;
  time: bigint;
}

/** How a batch ended: `processed` tasks are gone from the queue; `retryInMs` asks for a pause. */
interface BatchOutcome {
  processed: number;
  retryInMs?: number;
}


/**
 * Reads the object-storage queue in key-timestamp order, one task at a time, deleting each task
 * as soon as its handler resolved.
 *
 * Against the reference, on purpose: a task is deleted right after it succeeds rather than when
 * the whole batch did (so one failure does not re-deliver a thousand finished tasks); an object
 * that does not deserialize, or that the handler drops, goes to `<prefix>/dead-letter/` with a
 * `.reason` object beside it instead of blocking the queue; a task whose handler fails is retried
 * with growing pauses, holding back later tasks to keep the order, and after `maxAttempts`
 * failures it is dead-lettered too. Attempts are counted in memory: a restart starts again.
 * Listing stops at the first `/` after the prefix, so dead letters and other prefixes nested
 * below are never listed.
 */
export class ObjectStorageConsumer implements Consumer {
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly intervalFactor: number;
  private readonly maxItems: number;
  private readonly maxAttempts: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly prefetch: number;
  private readonly attempts = new Map<string, number>();
  private readonly reportedForeign = new Set<string>();
  private interval: number;
  private readonly run = new ConsumerRun();

  constructor(
    private readonly bucket: ObjectBucket,
    options: ObjectStorageConsumerOptions,
  ) {
    this.prefix = options.prefix;
    this.logger = options.logger ?? silentLogger;
    this.minIntervalMs = options.minIntervalMs ?? 5_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 60_000;
    this.intervalFactor = options.intervalFactor ?? 1.5;
    this.maxItems = options.maxItems ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.retryInitialMs = options.retryInitialMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.prefetch = options.prefetch ?? 8;
    if (!(this.minIntervalMs > 0) || !(this.intervalFactor >= 1) || !(this.maxIntervalMs >= this.minIntervalMs)) {
      throw new RangeError('object-storage polling needs min_interval > 0, interval_exp_factor >= 1 and max_interval >= min_interval');
    }
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1) throw new RangeError(`max_items_to_read_at_once must be a positive integer, got ${this.maxItems}`);
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError(`max_attempts must be a positive integer, got ${this.maxAttempts}`);
    this.interval = this.minIntervalMs;
  }

  consume(handler: TaskHandler): Promise<void> {
    return this.run.start(() => this.loop(handler));
  }

  /** See `ConsumerRun.stop`; the bucket's connections are closed after the run ends. */
  async stop(): Promise<void> {
    await this.run.stop();
    this.bucket.close();
  }

  private async loop(handler: TaskHandler): Promise<void> {
    while (!this.run.stopping) {
      const outcome = await this.processNextBatch(handler);
      if (outcome.retryInMs !== undefined) {
        await this.run.sleep(outcome.retryInMs);
      } else if (outcome.processed > 0) {
        this.interval = this.minIntervalMs;
      } else {
        await this.run.sleep(this.interval);
        this.interval = Math.min(this.interval * this.intervalFactor, this.maxIntervalMs);
      }
    }
  }

  /** The oldest `maxItems` task keys, from a listing of at most twice as many. */
  private async listBatch(): Promise<Listed[]> {
    const keys = await this.bucket.list(listingPrefix(this.prefix), 2 * this.maxItems);
    const listed: Listed[] = [];
    for (const key of keys) {
      const time = taskKeyTime(key);
      if (time === undefined) {
        if (!this.reportedForeign.has(key) && this.reportedForeign.size < 10_000) {
          this.reportedForeign.add(key);
          this.logger.warn('skipping an object in the queue prefix whose key is not a task key', { key });
        }
        continue;
      }
      listed.push({ key, time });
    }
    return listed.sort(compareTaskKeys).slice(0, this.maxItems);
  }

  private async processNextBatch(handler: TaskHandler): Promise<BatchOutcome> {
    let batch: Listed[];
    try {
      batch = await this.listBatch();
    } catch (err) {
      this.logger.error('cannot list the object-storage queue', { bucket: this.bucket.describe(), error: errorMessage(err) });
      return { processed: 0 };
    }
    // Downloads run a few objects ahead of the handler; their failures surface in order.
    const downloads: Promise<Uint8Array | undefined>[] = [];
    const download = (i: number): Promise<Uint8Array | undefined> => {
      while (downloads.length <= Math.min(i + this.prefetch, batch.length - 1)) {
        const p = this.bucket.get((batch[downloads.length] as Listed).key);
        p.catch(() => undefined); // observed when its turn comes
        downloads.push(p);
      }
      return downloads[i] as Promise<Uint8Array | undefined>;
    };
    let processed = 0;
    for (let i = 0; i < batch.length && !this.run.stopping; i++) {
      const { key } = batch[i] as Listed;
      let data: Uint8Array | undefined;
      try {
        data = await download(i);
      } catch (err) {
        this.logger.error('cannot read a task object; the queue waits for it', { key, error: errorMessage(err) });
        return { processed, retryInMs: this.minIntervalMs };
      }
      if (data === undefined) continue; // deleted since the listing
      const outcome = await this.processOne(key, data, handler);
      if (outcome === 'done') {
        processed++;
        continue;
      }
      return { processed, retryInMs: outcome };
    }
    return { processed };
  }

  /** 'done' when the task left the queue, else the pause before it is tried again. */
  private async processOne(key: string, data: Uint8Array, handler: TaskHandler): Promise<'done' | number> {
    let task: Task;
    try {
      task = deserializeTask(data);
    } catch (err) {
      return this.deadLetter(key, data, `cannot deserialize task: ${errorMessage(err)}`);
    }
    try {
      await handler(task);
    } catch (err) {
      if (err instanceof DropTaskError) return this.deadLetter(key, data, `handler dropped task: ${errorMessage(err)}`);
      const attempts = (this.attempts.get(key) ?? 0) + 1;
      if (attempts >= this.maxAttempts) {
        return this.deadLetter(key, data, `handler failed ${attempts} times; last error: ${errorMessage(err)}`);
      }
      this.attempts.set(key, attempts);
      const delay = Math.min(this.retryInitialMs * 2 ** (attempts - 1), this.retryMaxMs);
      this.logger.warn('task failed; it stays queued and holds back later tasks', { key, attempt: attempts, max_attempts: this.maxAttempts, retry_in_ms: delay, error: errorMessage(err) });
      return delay;
    }
    this.attempts.delete(key);
    try {
      await this.bucket.delete(key);
    } catch (err) {
      // Handed out again after the pause; handlers are idempotent by hit id.
      this.logger.error('cannot delete a processed task object', { key, error: errorMessage(err) });
      return this.minIntervalMs;
    }
    return 'done';
  }

  private async deadLetter(key: string, data: Uint8Array, reason: string): Promise<'done' | number> {
    const target = deadLetterKey(this.prefix, key);
    try {
      // Reason first: if we stop in between, the task is simply dead-lettered again.
      await this.bucket.put(target + REASON_SUFFIX, new TextEncoder().encode(`${new Date().toISOString()} ${reason}\n`));
      await this.bucket.put(target, data);
      await this.bucket.delete(key);
    } catch (err) {
      this.logger.error('cannot move a task to the dead letters', { key, reason, error: errorMessage(err) });
      return this.minIntervalMs;
    }
    this.attempts.delete(key);
    this.logger.error('task moved to dead letters', { key, reason, dead_letter: target });
    return 'done';
  }
}
