/**
 * What went wrong in a call to BigQuery, read from whatever the client threw: the HTTP status
 * (404 "not found" and 409 "already exists", as the reference maps them) and whether trying
 * again later can help. Transient failures (rate limits, 5xx, backend errors, lost connections,
 * time-outs) are retried with back-off; anything else is reported.
 */

/** One entry of a BigQuery error's `errors` list (or of a job's `status.errors`). */
export interface BigQueryErrorDetail {
  reason: string;
  message: string;
}

export interface ClassifiedError {
  /** HTTP status, when the API answered. */
  status: number | undefined;
  reasons: string[];
  message: string;
  transient: boolean;
}

/**
 * Error reasons worth retrying: BigQuery's documented transient ones, plus `quotaExceeded`,
 * which for load jobs means "too many jobs on this table today" and passes with time.
 */
const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'rateLimitExceeded', 'jobBackendError', 'jobInternalError', 'timeout', 'quotaExceeded']);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** An error the driver raises itself for a call that took too long. */
export class BigQueryTimeoutError extends Error {
  override readonly name = 'BigQueryTimeoutError';
}

/** A load job that BigQuery ran and that failed; `transient` when a new attempt may succeed. */
export class BigQueryJobError extends Error {
  override readonly name = 'BigQueryJobError';
  constructor(
    readonly jobId: string,
    readonly details: readonly BigQueryErrorDetail[],
    readonly transient: boolean,
  ) {
    super(`load job ${jobId} failed: ${details.map((d) => `${d.reason}: ${d.message}`).join('; ') || 'no reason given'}`);
  }
}

/** Rows that insertAll refused. */
export class BigQueryInsertError extends Error {
  override readonly name = 'BigQueryInsertError';
  constructor(
    readonly table: string,
    readonly rowErrors: readonly { index: number; errors: readonly BigQueryErrorDetail[] }[],
  ) {
    const first = rowErrors.slice(0, 3).map((r) => `row ${r.index}: ${r.errors.map((e) => `${e.reason}: ${e.message}`).join(', ')}`);
    super(`BigQuery refused ${rowErrors.length} row(s) of ${table}: ${first.join('; ')}${rowErrors.length > 3 ? '; …' : ''}`);
  }
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

/** The `errors` list of an API error or a job status, validated. */
export function errorDetails(list: unknown): BigQueryErrorDetail[] {
  if (!Array.isArray(list)) return [];
  return list.map((e) => ({ reason: String(field(e, 'reason') ?? ''), message: String(field(e, 'message') ?? '') }));
}

export function classify(err: unknown): ClassifiedError {
  if (err instanceof BigQueryTimeoutError) return { status: undefined, reasons: ['timeout'], message: err.message, transient: true };
  if (err instanceof BigQueryJobError) return { status: undefined, reasons: err.details.map((d) => d.reason), message: err.message, transient: err.transient };
  const code = field(err, 'code');
  const status = typeof code === 'number' ? code : undefined;
  const reasons = errorDetails(field(err, 'errors')).map((d) => d.reason).filter((r) => r !== '');
  const message = err instanceof Error ? err.message : String(err);
  let transient = false;
  if (status !== undefined) {
    transient = TRANSIENT_STATUS.has(status) || reasons.some((r) => TRANSIENT_REASONS.has(r));
  } else if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    transient = true;
  } else if (err instanceof Error) {
    // Connection failures surface from the HTTP layer with the errno in the message or cause.
    const cause = field(err, 'cause');
    const causeCode = field(cause, 'code');
    transient =
      (typeof causeCode === 'string' && NETWORK_CODES.has(causeCode)) ||
      /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|network|aborted/i.test(message);
  }
  return { status, reasons, message, transient };
}

export function isNotFound(err: unknown): boolean {
  return classify(err).status === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return classify(err).status === 409;
}

export function isTransient(err: unknown): boolean {
  return classify(err).transient;
}

/** Whether a failed job's reasons say a new attempt may succeed. */
export function isTransientJobFailure(details: readonly BigQueryErrorDetail[]): boolean {
  return details.length > 0 && details.some((d) => TRANSIENT_REASONS.has(d.reason));
}
