/**
 * Clock and one-shot timers behind an interface, so cadence logic (pings, batch timeouts) can
 * be driven by a fake clock in tests instead of real sleeps.
 */
export interface Timers {
  /** Wall-clock time in ms since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; the returned handle goes to `clear`. */
  set(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** Opaque to callers; only the `Timers` that made it can clear it. */
export type TimerHandle = unknown;

/** Node timers, unref'd: background cadence alone must not keep a process alive. */
export const realTimers: Timers = {
  now: () => Date.now(),
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
