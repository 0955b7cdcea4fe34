import type { Logger } from './logger.js';

/**
 * Logs why requests are rejected without flooding the log: the first rejection of each reason
 * is logged with its message, later ones of that reason are only counted until the window
 * passes, and the next log line says how many were suppressed.
 */
export class RejectionLog {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(reason: string, message: string, status: number): void {
    const t = this.now();
    const w = this.windows.get(reason);
    if (w !== undefined && t < w.until) {
      w.suppressed++;
      return;
    }
    const suppressed = w?.suppressed ?? 0;
    this.windows.set(reason, { until: t + this.windowMs, suppressed: 0 });
    this.logger.warn('request rejected', { reason, status, message, ...(suppressed > 0 ? { suppressed_since_last: suppressed } : {}) });
  }
}
