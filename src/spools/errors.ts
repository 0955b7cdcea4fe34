/** Thrown by `append` when the spool folder would grow beyond its byte limit; callers shed load (503). */
export class SpoolFullError extends Error {
  override readonly name = 'SpoolFullError';
}

/** Thrown by `append` and `flush` once `close` has begun. */
export class SpoolClosedError extends Error {
  override readonly name = 'SpoolClosedError';
  constructor(message = 'spool is closed') {
    super(message);
  }
}

/** Thrown by `append` for a key that cannot name a spool file (empty, too long, malformed text). */
export class SpoolKeyError extends Error {
  override readonly name = 'SpoolKeyError';
}

export interface SpoolKeyFailure {
  key: string;
  error: unknown;
}

/**
 * A flush cycle in which some keys failed and kept their files for the next cycle. The other
 * keys of the cycle were flushed; `failures` names the ones that were not.
 */
export class SpoolFlushError extends Error {
  override readonly name = 'SpoolFlushError';
  constructor(readonly failures: readonly SpoolKeyFailure[]) {
    super(
      `spool flush failed for ${failures.length} key(s): ` +
        failures.map((f) => `${JSON.stringify(f.key)}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; '),
    );
  }
}
