/**
 * Failures a column may raise while writing. Where the failure is recorded depends on the
 * phase that runs the column, not on the class: an event column failing marks the event,
 * a session-scoped or session column failing marks the whole session. Retryable failures
 * (a dependency that is temporarily unavailable) abort the whole write so the caller retries.
 */
export abstract class ColumnWriteError extends Error {
  abstract readonly retryable: boolean;
}

/** The event cannot be written; it is kept in memory for session metrics and dropped from the output. */
export class BrokenEventError extends ColumnWriteError {
  override readonly name = 'BrokenEventError';
  readonly retryable = false;
}

/** The session cannot be written; none of its rows reach the warehouse. */
export class BrokenSessionError extends ColumnWriteError {
  override readonly name = 'BrokenSessionError';
  readonly retryable = false;
}

/** A transient failure: the whole write is rejected and retried later by the caller. */
export class RetryableColumnError extends ColumnWriteError {
  override readonly name = 'RetryableColumnError';
  readonly retryable = true;
}

export function isRetryableColumnError(err: unknown): boolean {
  return err instanceof ColumnWriteError && err.retryable;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
