/**
 * The worker's proto-session engine: intake of hit batches and the timing wheel that closes
 * proto-sessions, behind one serial executor (DESIGN decision 3). Time is hit time (decision 2):
 * the clock is the latest server-received time of a stored hit or ping timestamp seen, never
 * the wall clock, so a replay closes sessions exactly as live traffic does.
 */
import type { Hit } from '../hits/hit.js';
import { silentLogger, type Logger } from '../monitoring/logger.js';
import { decodeHitsTask, pingTime } from '../queue/hits-task.js';
import type { Task } from '../queue/task.js';
import { bucketOf, lastClosableBucket } from './buckets.js';
import { commitClosedRun, protoSessionsOf, readBucketRunToClose } from './bucket-closing.js';
import type { ProtoSessionCloser } from './closer.js';
import { ingestBatch, type IntakeReport, type PropertySettingsLookup } from './intake.js';
import { SerialExecutor } from './serial-executor.js';
import { SqliteProtoSessionStore, type SqliteProtoSessionStoreOptions } from './sqlite-store.js';
import type { ProtoSessionStore } from './store.js';

export interface ProtoSessionEngineOptions {
  store: ProtoSessionStore;
  properties: PropertySettingsLookup;
  closer: ProtoSessionCloser;
  logger?: Logger;
  /** `startup.skip_catch_up`: on the first tick, move the cursor to now instead of closing the backlog. */
  skipCatchUp?: boolean;
  /** How often the running engine looks for due buckets (default 1 s). */
  tickIntervalMs?: number;
  /** After a failed close, how long `closeDue` waits before trying the bucket again (default 1 s). */
  retryBackoffMs?: number;
  /** Wall clock, used only for the retry back-off and the periodic intake log. */
  wallClock?: () => number;
  /**
   * When several buckets are due at once (a catch-up, a replay's drain), consecutive ones are
   * closed as one step until it holds this many hits (default 5,000).
   */
  maxHitsPerClose?: number;
}

export interface OpenProtoSessionEngineOptions extends Omit<ProtoSessionEngineOptions, 'store'> {
  /** `storage.bolt_directory`; the state file is `cairn-state.db` inside it. */
  stateDirectory: string;
  storeOptions?: SqliteProtoSessionStoreOptions;
}

export interface CloseReport {
  buckets: number;
  protoSessions: number;
  hits: number;
  /** The closer's error when a bucket failed; the bucket is left as it was. */
  failure?: unknown;
  /** True when nothing was tried because a recent failure is still backing off. */
  backingOff?: boolean;
}

export class EngineClosedError extends Error {
  override readonly name = 'EngineClosedError';
  constructor() {
    super('the proto-session engine is closed');
  }
}

type StepOutcome = 'closed' | 'idle' | 'failed';

const INTAKE_LOG_INTERVAL_MS = 60_000;

/**
 * A tenth of the in-memory session spool's event cap, so one close never fills it, and about
 * a quarter of a second of closing: intake waits no longer than that behind a catch-up.
 */
const DEFAULT_MAX_HITS_PER_CLOSE = 5_000;

export class ProtoSessionEngine {
  private readonly store: ProtoSessionStore;
  private readonly properties: PropertySettingsLookup;
  private readonly closer: ProtoSessionCloser;
  private readonly logger: Logger;
  private readonly skipCatchUp: boolean;
  private readonly tickIntervalMs: number;
  private readonly retryBackoffMs: number;
  private readonly wallClock: () => number;
  private readonly maxHitsPerClose: number;
  private readonly executor = new SerialExecutor();

  /** Hit-time clock in ms; 0 until the first hit or ping after start. */
  private clockMs = 0;
  private firstSeenMs: number | undefined;
  /** Whether the skip-catch-up decision has been taken for this run. */
  private catchUpDecided = false;
  private retryNotBefore = 0;

  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private tickInFlight: Promise<void> | undefined;
  private hitsSinceLog = 0;
  private lastIntakeLog: number;

  static open(options: OpenProtoSessionEngineOptions): ProtoSessionEngine {
    const { stateDirectory, storeOptions, ...rest } = options;
    return new ProtoSessionEngine({ ...rest, store: SqliteProtoSessionStore.open(stateDirectory, storeOptions) });
  }

  constructor(options: ProtoSessionEngineOptions) {
    this.store = options.store;
    this.properties = options.properties;
    this.closer = options.closer;
    this.logger = options.logger ?? silentLogger;
    this.skipCatchUp = options.skipCatchUp ?? false;
    this.tickIntervalMs = options.tickIntervalMs ?? 1000;
    this.retryBackoffMs = options.retryBackoffMs ?? 1000;
    this.wallClock = options.wallClock ?? Date.now;
    this.maxHitsPerClose = Math.max(1, options.maxHitsPerClose ?? DEFAULT_MAX_HITS_PER_CLOSE);
    this.lastIntakeLog = this.wallClock();
  }

  // ---- intake -------------------------------------------------------------------------------

  /**
   * The `process-hits` task handler. A ping moves the clock; a batch goes through intake. A
   * body that does not decode rejects with the `DropTaskError` of `decodeHitsTask` (dead
   * letter); any other rejection means nothing was stored and the task should be retried.
   */
  async handleTask(task: Task): Promise<void> {
    const ping = pingTime(task);
    if (ping !== undefined) {
      await this.advanceTime(ping);
      return;
    }
    await this.handleHits(decodeHitsTask(task));
  }

  /**
   * Stores one batch of hits (one transaction) and moves the clock to its latest kept hit.
   * Resolves once the batch is on disk, so the caller may acknowledge it; the wait is outside
   * the serial steps, so the next batch is taken in while the disk catches up.
   */
  async handleHits(hits: readonly Hit[]): Promise<IntakeReport> {
    const report = await this.step(() => {
      const report = ingestBatch(
        { store: this.store, properties: this.properties, logger: this.logger, currentBucket: bucketOf(this.clockMs) },
        hits,
      );
      if (report.lastHitTimeMs !== undefined) this.observe(report.lastHitTimeMs);
      this.hitsSinceLog += report.received;
      return report;
    });
    await this.store.sync();
    return report;
  }

  /** Moves the hit-time clock forward (pings, replay); an earlier time changes nothing. */
  advanceTime(timeMs: number): Promise<void> {
    if (!Number.isFinite(timeMs)) return Promise.reject(new RangeError(`time must be a finite number of ms, got ${timeMs}`));
    return this.step(() => this.observe(timeMs));
  }

  private observe(timeMs: number): void {
    if (this.firstSeenMs === undefined) this.firstSeenMs = timeMs;
    if (timeMs > this.clockMs) this.clockMs = timeMs;
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * Closes, in bucket order, every bucket that is due at the current hit-time clock: bucket b
   * once bucket(now) ≥ b + 2. Consecutive due buckets are closed together up to
   * `maxHitsPerClose` hits; each such run is its own serial step, so intake may run between two
   * runs of a long catch-up but never inside one. A closer failure is logged, leaves the run
   * untouched and is reported in `failure`; calls within the back-off after it do nothing
   * (`backingOff`).
   */
  closeDue(): Promise<CloseReport> {
    return this.closeDueWhile(() => true);
  }

  /**
   * Closes every open proto-session whatever the clock says, in bucket order (replay's final
   * drain). Rejects with the closer's error if a bucket fails; what is not closed stays stored.
   */
  async closeAll(): Promise<CloseReport> {
    const report: CloseReport = { buckets: 0, protoSessions: 0, hits: 0 };
    for (;;) {
      const outcome = await this.step(async () => {
        const bucket = this.store.nextDueBucket(-Infinity);
        if (bucket === undefined) return 'idle';
        try {
          // The cursor stays: buckets past it are empty now and cost nothing to pass over.
          await this.closeRun(bucket, Number.MAX_SAFE_INTEGER, false, report);
        } catch (err) {
          this.logger.error('closing a proto-session bucket failed during the final drain', { bucket, error: err });
          throw err;
        }
        return 'closed';
      });
      if (outcome === 'idle') return report;
      await yieldToEventLoop();
    }
  }

  private async closeDueWhile(keepGoing: () => boolean): Promise<CloseReport> {
    const report: CloseReport = { buckets: 0, protoSessions: 0, hits: 0 };
    if (this.wallClock() < this.retryNotBefore) {
      report.backingOff = true;
      return report;
    }
    while (keepGoing()) {
      const outcome: StepOutcome = await this.step(() => this.closeNextDueBucket(report));
      if (outcome !== 'closed') break;
      // Let sockets and timers run between buckets of a catch-up.
      await yieldToEventLoop();
    }
    return report;
  }

  /** One timing-wheel step: find the next due bucket at or after the cursor and close it with the due buckets after it. */
  private async closeNextDueBucket(report: CloseReport): Promise<StepOutcome> {
    if (this.clockMs === 0 || this.firstSeenMs === undefined) return 'idle';
    const currentBucket = bucketOf(this.clockMs);
    let cursor = this.store.cursor();
    if (cursor === undefined) {
      // First run on this state file. Start at the first time seen, or earlier if hits are
      // already due before it (a first batch spanning more than the timeout), so nothing
      // stored is ever behind the cursor. There is no backlog to skip on a fresh file.
      const earliestDue = this.store.nextDueBucket(-Infinity);
      cursor = Math.min(bucketOf(this.firstSeenMs), earliestDue ?? Number.POSITIVE_INFINITY);
      this.store.setCursor(cursor);
      this.catchUpDecided = true;
    } else if (!this.catchUpDecided) {
      this.catchUpDecided = true;
      if (this.skipCatchUp && cursor < currentBucket) {
        this.logger.info('skipping proto-session catch-up on startup', { from_bucket: cursor, to_bucket: currentBucket });
        this.store.setCursor(currentBucket);
        cursor = currentBucket;
      }
    }

    const lastClosable = lastClosableBucket(this.clockMs);
    const next = this.store.nextDueBucket(cursor);
    if (next === undefined || next > lastClosable) {
      // Buckets up to lastClosable are empty: passing them is all closing them would do.
      if (cursor < lastClosable + 1) this.store.setCursor(lastClosable + 1);
      return 'idle';
    }
    try {
      await this.closeRun(next, lastClosable, true, report);
      return 'closed';
    } catch (err) {
      this.retryNotBefore = this.wallClock() + this.retryBackoffMs;
      report.failure = err;
      this.logger.error('closing a proto-session bucket failed; it will be retried', {
        bucket: next,
        retry_in_ms: this.retryBackoffMs,
        error: err,
      });
      return 'failed';
    }
  }

  /**
   * Reads bucket `first` and the due buckets after it (up to `lastBucket` and the hit limit),
   * hands them to the closer in one call and, only once the closer has resolved, deletes what
   * was read and (with `moveCursor`) moves the cursor past the run in one transaction. If the
   * closer rejects, nothing changes and the error propagates.
   */
  private async closeRun(first: number, lastBucket: number, moveCursor: boolean, report: CloseReport): Promise<void> {
    // Hits of a batch whose commit is not on disk yet could otherwise reach the session spool,
    // and after a power cut come back through the queue, not yet acknowledged, to be closed twice.
    await this.store.sync();
    const run = readBucketRunToClose(this.store, first, { lastBucket, maxHits: this.maxHitsPerClose }, this.logger);
    const protoSessions = protoSessionsOf(run);
    if (protoSessions.length > 0) await this.closer.close(protoSessions, run.closeId);
    commitClosedRun(this.store, run, moveCursor ? run.last + 1 : undefined);
    // A close is done once it is on disk: one lost to a power cut would be closed again.
    await this.store.sync();
    report.buckets += run.buckets.length;
    report.protoSessions += protoSessions.length;
    report.hits += run.hitCount;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Starts the timer that closes due buckets every tick. */
  start(): void {
    if (this.closed) throw new EngineClosedError();
    if (this.running) return;
    this.running = true;
    // A tick still finishing from before a stop() reschedules itself.
    if (this.timer === undefined && this.tickInFlight === undefined) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tickInFlight = this.tick().finally(() => {
        this.tickInFlight = undefined;
        if (this.running && this.timer === undefined) this.schedule();
      });
    }, this.tickIntervalMs);
    // The consumer and the HTTP server keep the process alive; the wheel alone should not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.closeDueWhile(() => this.running);
    } catch (err) {
      // Only storage errors get here (closer failures are handled per bucket).
      this.logger.error('proto-session timing wheel tick failed', { error: err });
    }
    const now = this.wallClock();
    if (now - this.lastIntakeLog >= INTAKE_LOG_INTERVAL_MS) {
      if (this.hitsSinceLog > 0) this.logger.info('worker received incoming hits', { hits: this.hitsSinceLog });
      this.hitsSinceLog = 0;
      this.lastIntakeLog = now;
    }
  }

  /** Stops the timer and waits for the step in hand (and any already queued) to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.tickInFlight;
    await this.executor.idle();
  }

  /** Stops, then closes the state file. Every later call rejects with `EngineClosedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    this.store.close();
  }

  private step<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new EngineClosedError());
    return this.executor.run(() => {
      if (this.closed) throw new EngineClosedError();
      return fn();
    });
  }

  // ---- observation --------------------------------------------------------------------------

  /** The hit-time clock in ms since the epoch; 0 until a hit or ping was seen since start. */
  now(): number {
    return this.clockMs;
  }

  /** Proto-sessions stored and not yet closed (a count query; not for hot paths). */
  openProtoSessions(): number {
    return this.closed ? 0 : this.store.openCount();
  }

  /** Hit-time clock minus the first hit time of the oldest open proto-session; null when there is none or no time yet. */
  oldestOpenProtoSessionAgeMs(): number | null {
    if (this.closed || this.clockMs === 0) return null;
    const oldest = this.store.oldestFirstHitMs();
    return oldest === undefined ? null : Math.max(0, this.clockMs - oldest);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
