import type { Hit } from '../../hits/hit.js';
import type { HitsSink } from '../../queue/hits-task.js';

/** Where `BatchingStorage` stages hits between flushes. */
export interface BatchingBackend {
  /**
   * Stages hits; resolves once they are as safe as the backend promises (held in memory, or
   * fsynced). Throws `StorageFullError` when the backend's limit would be exceeded.
   */
  append(hits: readonly Hit[]): Promise<void>;
  /**
   * Stages hits at once, for backends whose promise is only to hold them in memory: what
   * `append` does, without a promise. Throws `StorageFullError` the same way. Optional.
   */
  appendNow?(hits: readonly Hit[]): void;
  /**
   * Hands everything staged to `sink` in a single call and forgets it once the sink resolves.
   * When the sink throws, the hits stay staged for the next flush and the error propagates.
   * Resolves to the number of hits handed over; with nothing staged the sink is not called.
   */
  flush(sink: HitsSink): Promise<number>;
  close(): Promise<void>;
}
