import type { Hit } from '../../hits/hit.js';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { HitsSink } from '../../queue/hits-task.js';
import { realTimers, type TimerHandle, type Timers } from '../../queue/timers.js';
import type { HitStorage } from '../hit-storage.js';
import type { BatchingBackend } from './backend.js';

export interface BatchingStorageOptions {
  backend: BatchingBackend;
  /** Receives each flushed batch; one call is one queue task (see `hitsTaskSink`). */
  sink: HitsSink;
  /** Hits pushed since the last flush that trigger a flush (default 5000). */
  batchSize?: number;
  /** Longest time between flushes (default 1000 ms). */
  timeoutMs?: number;
  logger?: Logger;
  timers?: Timers;
}

type FlushReason = 'size' | 'timeout' | 'startup' | 'close' | 'manual';

function ignore(): void {}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Groups pushed hits into queue tasks: a flush happens when `batchSize` hits arrived since the
 * last one, or `timeoutMs` after the last one, whichever comes first.
 *
 * Differences from the reference, on purpose:
 * - a flush that fails never fails a push: the push's hits are already staged, and answering 500
 *   would only make clients send them again (duplicates). The hits are retried at the next tick;
 * - flushes never overlap: a flush asked for while one runs is done right after it, once;
 * - the timer fires exactly `timeoutMs` after the last flush rather than on a fixed ticker,
 *   so an idle receiver flushes every timeout and not every one to two timeouts;
 * - a flush is started at construction, so hits a file backend staged before a restart go out
 *   right away, ahead of new ones.
 */
export class BatchingStorage implements HitStorage {
  private readonly backend: BatchingBackend;
  private readonly sink: HitsSink;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private pending = 0;
  private lastFlush: number;
  private timer: TimerHandle | undefined;
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private readonly appending = new Set<Promise<void>>();
  private closing: Promise<void> | null = null;

  constructor(options: BatchingStorageOptions) {
    this.backend = options.backend;
    this.sink = options.sink;
    this.batchSize = options.batchSize ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
    this.timers = options.timers ?? realTimers;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${this.timeoutMs}`);
    this.lastFlush = this.timers.now();
    void this.requestFlush('startup');
    this.arm(this.timeoutMs);
  }

  async push(hits: Hit[]): Promise<void> {
    if (this.closing !== null) throw new Error('batching storage is closed');
    if (hits.length === 0) return;
    const appended = this.backend.append(hits);
    this.appending.add(appended);
    try {
      await appended;
    } finally {
      this.appending.delete(appended);
    }
    this.pending += hits.length;
    // Waiting for the flush gives back-pressure when the queue is slow; its outcome is not ours.
    if (this.pending >= this.batchSize) await this.requestFlush('size');
  }

  /**
   * `push` without promises when the backend stages in memory: the hits are staged before this
   * returns, and only a flush that is due makes the caller wait (back-pressure, as in `push`).
   */
  stage(hits: Hit[]): Promise<void> | undefined {
    const backend = this.backend;
    if (this.closing !== null || hits.length === 0 || backend.appendNow === undefined) return this.push(hits);
    backend.appendNow(hits);
    this.pending += hits.length;
    if (this.pending >= this.batchSize) return this.requestFlush('size').then(ignore);
    return undefined;
  }

  /** Flushes now (after any flush under way) and resolves to whether it succeeded. */
  flushNow(): Promise<boolean> {
    return this.requestFlush('manual');
  }

  /**
   * Starts a flush, or, when one is running, schedules a single follow-up that every caller
   * in the meantime shares. Never rejects: failures are logged and the hits stay staged.
   */
  private requestFlush(reason: FlushReason): Promise<boolean> {
    if (this.running === null) {
      const run = this.runFlush(reason);
      this.running = run;
      void run.then(() => {
        if (this.running === run) this.running = null;
      });
      return run;
    }
    if (this.queued === null) {
      const next = this.running.then(() => {
        this.queued = null;
        return this.requestFlush(reason);
      });
      this.queued = next;
    }
    return this.queued;
  }

  private async runFlush(reason: FlushReason): Promise<boolean> {
    // Counted as a flush even if it fails, so a failing queue is retried once per tick rather
    // than on every push.
    this.lastFlush = this.timers.now();
    this.pending = 0;
    try {
      const n = await this.backend.flush(this.sink);
      if (n > 0) this.logger.debug('flushed hits to the queue', { hits: n, reason });
      return true;
    } catch (err) {
      this.logger.warn('flushing hits to the queue failed; they stay staged and are retried', { reason, error: message(err) });
      return false;
    }
  }

  private arm(delay: number): void {
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.closing !== null) return;
    let failed = false;
    if (this.timers.now() - this.lastFlush >= this.timeoutMs) failed = !(await this.requestFlush('timeout'));
    if (this.closing !== null) return;
    const untilDue = this.lastFlush + this.timeoutMs - this.timers.now();
    this.arm(failed ? this.timeoutMs : Math.max(untilDue, 1));
  }

  /** Stops the timer, waits for pushes under way, flushes what is staged, closes the backend. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer !== undefined) this.timers.clear(this.timer);
      this.timer = undefined;
      await Promise.allSettled([...this.appending]);
      if (!(await this.requestFlush('close'))) {
        this.logger.error('final flush failed while closing; staged hits were not published', {});
      }
      await this.backend.close();
    })();
    return this.closing;
  }
}
