/**
 * Publishers that inject ping tasks while no real task is being published. The worker's clock
 * only moves with the hits it sees (DESIGN decision 2), so without pings an idle site would
 * never have its sessions closed.
 */
import { silentLogger, type Logger } from '../monitoring/logger.js';
import { createPingTask, isPing } from './hits-task.js';
import type { Publisher, Task } from './task.js';
import { realTimers, type TimerHandle, type Timers } from './timers.js';

export interface PingingOptions {
  timers?: Timers;
  logger?: Logger;
  /** Builds the ping for a given wall-clock time (default: `createPingTask`). */
  createPing?: (now: Date) => Task;
  /**
   * After a failed publish, how long the queue must answer `ready()` before pings resume
   * (default five first intervals, at least 10 s): time for every receiver to publish the hits
   * it kept meanwhile, before any ping moves the worker's clock past them.
   */
  recoveryGraceMs?: number;
}

/**
 * Shared mechanics: a one-shot timer that re-arms itself with the interval the subclass asks
 * for, and the idle rule (no ping and no real publish within the interval just waited).
 */
abstract class IdlePingingPublisher implements Publisher {
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly createPing: (now: Date) => Task;
  private lastRealPublish = Number.NEGATIVE_INFINITY;
  private lastPing = Number.NEGATIVE_INFINITY;
  /** The last real publish failed: hits are waiting to be published again. */
  private realPublishFailing = false;
  /** A publish failed; pings wait until the queue has been ready for the grace period. */
  private recovering = false;
  private readySince: number | undefined;
  private recoveryGraceMs: number | undefined;
  private timer: TimerHandle | undefined;
  private pinging: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  protected constructor(
    private readonly inner: Publisher,
    options: PingingOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.logger = options.logger ?? silentLogger;
    this.createPing = options.createPing ?? ((now) => createPingTask(now));
    this.recoveryGraceMs = options.recoveryGraceMs;
  }

  /** How long to wait before the next tick. */
  protected abstract interval(): number;
  /** Called after each tick with whether a ping went out. */
  protected abstract afterTick(pinged: boolean): void;
  protected abstract afterRealPublish(): void;

  /** Subclasses call this once their fields are set. */
  protected start(): void {
    this.recoveryGraceMs ??= Math.max(10_000, 5 * this.interval());
    this.arm();
  }

  private arm(): void {
    const waited = this.interval();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.pinging = this.tick(waited);
    }, waited);
  }

  /**
   * Whether the queue has answered `ready()` for the grace period since the last failure. Hits
   * kept by receivers while the queue was away must reach it before a ping does: a ping moves
   * the worker's clock to now, and hits older than the session timeout would then be late.
   */
  private async recovered(now: number): Promise<boolean> {
    if (!this.recovering) return true;
    let ready = false;
    try {
      ready = await this.inner.ready();
    } catch {
      ready = false;
    }
    if (!ready) {
      this.readySince = undefined;
      return false;
    }
    this.readySince ??= now;
    if (now - this.readySince < (this.recoveryGraceMs ?? 0)) return false;
    this.recovering = false;
    this.readySince = undefined;
    return true;
  }

  private failed(): void {
    this.recovering = true;
    this.readySince = undefined;
  }

  private async tick(waited: number): Promise<void> {
    if (this.closing !== null) return;
    const now = this.timers.now();
    // While real publishes fail, the hits behind them wait in the receiver's staging; a ping
    // getting through first would make them late (see `recovered`).
    const idle = !this.realPublishFailing && now - this.lastPing >= waited && now - this.lastRealPublish >= waited && (await this.recovered(now));
    if (idle) {
      this.lastPing = now;
      try {
        await this.inner.publish(this.createPing(new Date(now)));
      } catch (err) {
        this.failed();
        this.logger.warn('cannot publish ping task', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    this.afterTick(idle);
    if (this.closing === null) this.arm();
  }

  async publish(task: Task): Promise<void> {
    const real = !isPing(task);
    try {
      await this.inner.publish(task);
    } catch (err) {
      if (real) this.realPublishFailing = true;
      this.failed();
      throw err;
    }
    if (real) {
      this.realPublishFailing = false;
      // The queue works again; the grace for the other receivers runs from here.
      if (this.recovering) this.readySince ??= this.timers.now();
      this.lastRealPublish = this.timers.now();
      this.afterRealPublish();
    }
  }

  ready(): Promise<boolean> {
    return this.inner.ready();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer !== undefined) this.timers.clear(this.timer);
      this.timer = undefined;
      await this.pinging;
      await this.inner.close();
    })();
    return this.closing;
  }
}

export interface FixedPingingOptions extends PingingOptions {
  intervalMs: number;
}

/**
 * Fixed cadence, for the filesystem queue: every `intervalMs` (the receiver batch timeout in the
 * reference wiring), a ping unless something was published during that interval.
 * Takes the interval either positionally or as `intervalMs` in the options.
 */
export class PingingPublisher extends IdlePingingPublisher {
  private readonly intervalMs: number;

  constructor(inner: Publisher, interval: number | FixedPingingOptions, options: PingingOptions = {}) {
    const opts = typeof interval === 'number' ? options : interval;
    super(inner, opts);
    this.intervalMs = typeof interval === 'number' ? interval : interval.intervalMs;
    if (!(this.intervalMs > 0)) throw new RangeError(`ping interval must be positive, got ${this.intervalMs}`);
    this.start();
  }

  protected interval(): number {
    return this.intervalMs;
  }

  protected afterTick(): void {}

  protected afterRealPublish(): void {}
}

export interface BackoffPingingOptions extends PingingOptions {
  minIntervalMs?: number;
  factor?: number;
  maxIntervalMs?: number;
}

/**
 * Growing cadence, for object storage where every ping costs requests: the wait starts at 5 s
 * and grows ×1.5 per ping up to 5 min; a real publish puts it back to 5 s (the wait already
 * under way is not cut short). Unlike the reference, a tick skipped because of a real publish
 * does not grow the interval, so the first ping after traffic stops comes after 5 s, not 7.5 s.
 */
export class BackoffPingingPublisher extends IdlePingingPublisher {
  private readonly minIntervalMs: number;
  private readonly factor: number;
  private readonly maxIntervalMs: number;
  private current: number;

  constructor(inner: Publisher, options: BackoffPingingOptions = {}) {
    super(inner, options);
    this.minIntervalMs = options.minIntervalMs ?? 5_000;
    this.factor = options.factor ?? 1.5;
    this.maxIntervalMs = options.maxIntervalMs ?? 300_000;
    if (!(this.minIntervalMs > 0) || !(this.factor >= 1) || !(this.maxIntervalMs >= this.minIntervalMs)) {
      throw new RangeError('back-off ping intervals need min > 0, factor >= 1 and max >= min');
    }
    this.current = this.minIntervalMs;
    this.start();
  }

  protected interval(): number {
    return this.current;
  }

  protected afterTick(pinged: boolean): void {
    if (pinged) this.current = Math.min(this.current * this.factor, this.maxIntervalMs);
  }

  protected afterRealPublish(): void {
    this.current = this.minIntervalMs;
  }
}
