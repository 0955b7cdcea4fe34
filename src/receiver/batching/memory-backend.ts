import type { Hit } from '../../hits/hit.js';
import { HitBatch, type HitsSink } from '../../queue/hits-task.js';
import { EncodedHits } from '../../hits/hit-codec.js';
import { StorageFullError } from '../hit-storage.js';
import type { BatchingBackend } from './backend.js';

export interface MemoryBatchingBackendOptions {
  /**
   * Staged hits (including a batch being flushed) beyond which `append` throws
   * `StorageFullError`, so a queue that keeps refusing writes cannot exhaust memory.
   */
  maxPendingHits?: number;
}

/**
 * Hits held in memory (encoded as they arrive, into a few runs of memory) until flushed: fast,
 * but lost if the process dies.
 */
export class MemoryBatchingBackend implements BatchingBackend {
  private staged = new EncodedHits();
  private flushing = 0;
  private readonly maxPendingHits: number;

  constructor(options: MemoryBatchingBackendOptions = {}) {
    this.maxPendingHits = options.maxPendingHits ?? Number.POSITIVE_INFINITY;
  }

  async append(hits: readonly Hit[]): Promise<void> {
    this.appendNow(hits);
  }

  appendNow(hits: readonly Hit[]): void {
    if (this.staged.length + this.flushing + hits.length > this.maxPendingHits) {
      throw new StorageFullError(`receiver batching holds ${this.staged.length + this.flushing} hits; the limit is ${this.maxPendingHits}`);
    }
    for (let i = 0; i < hits.length; i++) this.staged.append(hits[i]!);
  }

  async flush(sink: HitsSink): Promise<number> {
    if (this.staged.length === 0) return 0;
    // Take the batch out so hits appended during the sink call are not part of it; put it
    // back in front of them if the sink fails.
    const batch = this.staged;
    this.staged = new EncodedHits();
    this.flushing = batch.length;
    try {
      await sink(new HitBatch(batch));
      batch.recycle();
    } catch (err) {
      this.staged = batch.concat(this.staged);
      throw err;
    } finally {
      this.flushing = 0;
    }
    return batch.length;
  }

  /** Hits staged and not yet handed to a sink. */
  get size(): number {
    return this.staged.length;
  }

  async close(): Promise<void> {}
}
