import { silentLogger, type Logger } from '../monitoring/logger.js';
import { realTimers, type TimerHandle, type Timers } from '../queue/timers.js';
import type { Session } from '../schema/session.js';
import type { SessionWriter } from './session-writer.js';

export interface InMemorySpoolWriterOptions {
  /** Where buffered sessions go, one property per call. */
  child: SessionWriter;
  /** A property's buffer is flushed once it holds this many sessions; 0 = never by count. */
  maxSessionsPerProperty?: number;
  /** A property's buffer is flushed by the sweep once its first session is this old. */
  maxAgeMs?: number;
  sweepIntervalMs?: number;
  /** Sessions held across all properties; more are dropped with an error log. 0 = no cap. */
  maxBufferedSessions?: number;
  /** Events held across all properties; a session that would exceed it is dropped. 0 = no cap. */
  maxBufferedEvents?: number;
  /** `write` calls accepted but not yet taken into the buffers; beyond it `write` waits. */
  writeQueueCapacity?: number;
  logger?: Logger;
  timers?: Timers;
}

export const IN_MEMORY_SPOOL_DEFAULTS = {
  maxSessionsPerProperty: 100,
  maxAgeMs: 30_000,
  sweepIntervalMs: 5_000,
  maxBufferedSessions: 10_000,
  maxBufferedEvents: 50_000,
  writeQueueCapacity: 1_000,
} as const;

/** Thrown by `write` once `close` has begun. */
export class SessionWriterStoppedError extends Error {
  override readonly name = 'SessionWriterStoppedError';
  constructor() {
    super('writer is stopped');
  }
}

interface PropertyBuffer {
  sessions: Session[];
  events: number;
  /** When the first of the buffered sessions arrived; kept across failed flushes. */
  createdAt: number;
}

interface BlockedWrite {
  sessions: Session[];
  admit: () => void;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Collects sessions per property in memory and passes them on in larger groups, so the closer
 * only waits for an enqueue (best-effort delivery: what is buffered is lost in a crash).
 *
 * `write` resolves once the call is queued; when the queue is full it waits for room, which is
 * how a slow child pushes back on the closer. One drain loop owns the buffers, so intake,
 * count flushes and age sweeps never interleave. A flush that fails keeps its buffer (and its
 * age), so the next sweep tries again.
 *
 * `close` refuses new writes, takes in every write already made, and flushes every buffer once;
 * what still fails then is logged as lost. It does not close the child.
 */
export class InMemorySpoolWriter implements SessionWriter {
  private readonly child: SessionWriter;
  private readonly maxSessionsPerProperty: number;
  private readonly maxAgeMs: number;
  private readonly sweepIntervalMs: number;
  private readonly maxBufferedSessions: number;
  private readonly maxBufferedEvents: number;
  private readonly writeQueueCapacity: number;
  private readonly logger: Logger;
  private readonly timers: Timers;

  private readonly buffers = new Map<string, PropertyBuffer>();
  private queue: Session[][] = [];
  private readonly blocked: BlockedWrite[] = [];
  private draining: Promise<void> | null = null;
  private sweepDue = false;
  private sweepTimer: TimerHandle | null = null;
  private stopped = false;
  private closing: Promise<void> | null = null;
  private totalSessions = 0;
  private totalEvents = 0;

  constructor(options: InMemorySpoolWriterOptions) {
    this.child = options.child;
    this.maxSessionsPerProperty = options.maxSessionsPerProperty ?? IN_MEMORY_SPOOL_DEFAULTS.maxSessionsPerProperty;
    this.maxAgeMs = options.maxAgeMs ?? IN_MEMORY_SPOOL_DEFAULTS.maxAgeMs;
    this.sweepIntervalMs = Math.max(1, options.sweepIntervalMs ?? IN_MEMORY_SPOOL_DEFAULTS.sweepIntervalMs);
    this.maxBufferedSessions = options.maxBufferedSessions ?? IN_MEMORY_SPOOL_DEFAULTS.maxBufferedSessions;
    this.maxBufferedEvents = options.maxBufferedEvents ?? IN_MEMORY_SPOOL_DEFAULTS.maxBufferedEvents;
    this.writeQueueCapacity = Math.max(0, options.writeQueueCapacity ?? IN_MEMORY_SPOOL_DEFAULTS.writeQueueCapacity);
    this.logger = options.logger ?? silentLogger;
    this.timers = options.timers ?? realTimers;
    this.armSweep();
  }

  /** Sessions currently held in the buffers. */
  get bufferedSessions(): number {
    return this.totalSessions;
  }

  get bufferedEvents(): number {
    return this.totalEvents;
  }

  async write(sessions: Session[]): Promise<void> {
    if (sessions.length === 0) return;
    if (this.stopped) throw new SessionWriterStoppedError();
    if (this.queue.length < this.writeQueueCapacity) {
      this.queue.push(sessions);
    } else {
      await new Promise<void>((admit) => {
        this.blocked.push({ sessions, admit });
        this.startDrain();
      });
      return;
    }
    this.startDrain();
  }

  private armSweep(): void {
    this.sweepTimer = this.timers.set(() => {
      this.sweepTimer = null;
      if (this.stopped) return;
      this.sweepDue = true;
      this.startDrain();
      this.armSweep();
    }, this.sweepIntervalMs);
  }

  private startDrain(): void {
    if (this.draining === null) this.draining = this.drain();
  }

  /** The next queued write, letting a blocked one take the freed place. */
  private takeWrite(): Session[] | null {
    const next = this.queue.shift();
    if (next === undefined) {
      // Queue capacity 0: a blocked write is handed over directly.
      const direct = this.blocked.shift();
      if (direct === undefined) return null;
      direct.admit();
      return direct.sessions;
    }
    while (this.queue.length < this.writeQueueCapacity && this.blocked.length > 0) {
      const b = this.blocked.shift() as BlockedWrite;
      this.queue.push(b.sessions);
      b.admit();
    }
    return next;
  }

  private async drain(): Promise<void> {
    // Yield first: with nothing to await the whole body would run inside `startDrain`, and its
    // `finally` would clear `draining` before `startDrain` stores the promise.
    await Promise.resolve();
    // Ends in the same synchronous step as its last check for work, so a write queued after
    // that check starts a new drain rather than being stranded.
    try {
      for (;;) {
        if (this.sweepDue) {
          this.sweepDue = false;
          const now = this.timers.now();
          await this.flushBuffers((b) => now - b.createdAt >= this.maxAgeMs);
          continue;
        }
        const sessions = this.takeWrite();
        if (sessions === null) break;
        this.take(sessions);
        if (this.maxSessionsPerProperty > 0) await this.flushBuffers((b) => b.sessions.length >= this.maxSessionsPerProperty);
      }
    } catch (err) {
      this.logger.error('in-memory session spool failed unexpectedly', { error: errorMessage(err) });
    } finally {
      this.draining = null;
    }
  }

  /** Adds one write's sessions to the property buffers, within the caps. */
  private take(sessions: Session[]): void {
    let noProperty = 0;
    const dropped = new Map<string, number>();
    for (const session of sessions) {
      if (session.propertyId === '') {
        noProperty += 1;
        continue;
      }
      const events = session.events.length;
      const overSessions = this.maxBufferedSessions > 0 && this.totalSessions >= this.maxBufferedSessions;
      const overEvents = this.maxBufferedEvents > 0 && this.totalEvents + events > this.maxBufferedEvents;
      if (overSessions || overEvents) {
        dropped.set(session.propertyId, (dropped.get(session.propertyId) ?? 0) + 1);
        continue;
      }
      let buffer = this.buffers.get(session.propertyId);
      if (buffer === undefined) {
        buffer = { sessions: [], events: 0, createdAt: this.timers.now() };
        this.buffers.set(session.propertyId, buffer);
      }
      buffer.sessions.push(session);
      buffer.events += events;
      this.totalSessions += 1;
      this.totalEvents += events;
    }
    if (noProperty > 0) this.logger.warn('skipping sessions without a property id', { sessions: noProperty });
    for (const [propertyId, count] of dropped) {
      this.logger.error('in-memory session spool is full; dropping sessions', {
        propertyId,
        sessions: count,
        bufferedSessions: this.totalSessions,
        bufferedEvents: this.totalEvents,
        maxBufferedSessions: this.maxBufferedSessions,
        maxBufferedEvents: this.maxBufferedEvents,
      });
    }
  }

  /** Flushes the matching buffers in property-id order; failures keep their buffer. */
  private async flushBuffers(matches: (b: PropertyBuffer) => boolean): Promise<void> {
    const due = [...this.buffers].filter(([, b]) => matches(b)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [propertyId, buffer] of due) {
      try {
        await this.child.write(buffer.sessions);
      } catch (err) {
        this.logger.error('failed to flush buffered sessions; keeping them for the next sweep', {
          propertyId,
          sessions: buffer.sessions.length,
          error: errorMessage(err),
        });
        continue;
      }
      this.buffers.delete(propertyId);
      this.totalSessions -= buffer.sessions.length;
      this.totalEvents -= buffer.events;
    }
  }

  close(): Promise<void> {
    if (this.closing === null) this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer !== null) this.timers.clear(this.sweepTimer);
    this.sweepTimer = null;
    // Every write made before close is taken in, blocked ones included.
    this.startDrain();
    while (this.draining !== null) await this.draining;
    await this.flushBuffers(() => true);
    if (this.buffers.size > 0) {
      for (const [propertyId, buffer] of this.buffers) {
        this.logger.error('sessions lost at shutdown: the final flush failed', { propertyId, sessions: buffer.sessions.length });
      }
      this.buffers.clear();
      this.totalSessions = 0;
      this.totalEvents = 0;
    }
  }
}
