/**
 * The few object-store operations the queue needs, behind an interface so the consumer can be
 * tested against a store that fails on purpose, and so S3 and GCS (through its S3-compatible
 * XML API) share one code path.
 */
export interface ObjectBucket {
  /** Stores an object; resolves once the store has committed it. */
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Keys directly under `prefix` (which ends in `/`, or is empty), in the store's order
   * (lexicographic for S3), at most `limit`. Keys in deeper "folders" are not listed.
   */
  list(prefix: string, limit: number): Promise<string[]>;
  /** The object's bytes, or undefined when it does not exist (any more). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Whether the bucket answers at all (used by `/readyz`). */
  reachable(): Promise<boolean>;
  /** A short description for logs, without credentials. */
  describe(): string;
  close(): void;
}
