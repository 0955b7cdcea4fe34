import type { Hit } from '../hits/hit.js';

/**
 * Where the receiver hands accepted hits. `push` resolves once the hits are as safe as the
 * delivery mode promises (in memory, or fsynced to disk); only then does the client get 204.
 */
export interface HitStorage {
  push(hits: Hit[]): Promise<void>;
  /**
   * The same as `push`, for storage that can often finish at once: returns undefined when the
   * hits are already as safe as promised, a promise otherwise. May throw instead of rejecting.
   * Optional; callers use `push` when it is absent.
   */
  stage?(hits: Hit[]): Promise<void> | undefined;
  /** Flushes what is staged and releases resources. */
  close(): Promise<void>;
}

/** Thrown when storage cannot take more hits right now (answered with 503, not 500). */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
}
