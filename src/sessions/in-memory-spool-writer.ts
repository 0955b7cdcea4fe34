import { silentLogger, type Logger } from '../monitoring/logger.js';
import { realTimers, type TimerHandle, type Timers } from '../queue/timers.js';
import type { Session } from '../schema/session.js';
import { encodeSessionEntry } from './session-frames.js';
import { takesEntries, type SessionEntryWriter, type SessionWriter } from './session-writer.js';

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

/**
 * A session as the buffer holds it. When the child takes frame entries, the session is encoded
 * as it arrives and only its bytes are held: a closed session's objects then die young, where
 * held until the next flush they outlived the young generation, were copied into the old one
 * and were freed only by a full collection.
 */
interface Held {
  propertyId: string;
  events: number;
  session: Session | null;
  entry: Uint8Array | null;
}

interface PropertyBuffer {
  held: Held[];
  events: number;
  /** When the first of the buffered sessions arrived; kept across failed flushes. */
  createdAt: number;
}

interface BlockedWrite {
  held: Held[];
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
  /** The child, when it takes sessions as frame entries. */
  private readonly entryChild: SessionEntryWriter | null;
  private readonly maxSessionsPerProperty: number;
  private readonly maxAgeMs: number;
  private readonly sweepIntervalMs: number;
  private readonly maxBufferedSessions: number;
  private readonly maxBufferedEvents: number;
  private readonly writeQueueCapacity: number;
  private readonly logger: Logger;
  private readonly timers: Timers;

  private readonly buffers = new Map<string, PropertyBuffer>();
  private queue: Held[][] = [];
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
    this.entryChild = takesEntries(options.child) ? options.child : null;
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
    const held = sessions.map((s) => this.hold(s));
    if (this.queue.length < this.writeQueueCapacity) {
      this.queue.push(held);
    } else {
      await new Promise<void>((admit) => {
        this.blocked.push({ held, admit });
        this.startDrain();
      });
      return;
    }
    this.startDrain();
  }

  private hold(session: Session): Held {
    const encode = this.entryChild !== null && session.propertyId !== '';
    return {
      propertyId: session.propertyId,
      events: session.events.length,
      session: encode ? null : session,
      entry: encode ? encodeSessionEntry(session) : null,
    };
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
  private takeWrite(): Held[] | null {
    const next = this.queue.shift();
    if (next === undefined) {
      // Queue capacity 0: a blocked write is handed over directly.
      const direct = this.blocked.shift();
      if (direct === undefined) return null;
      direct.admit();
      return direct.held;
    }
    while (this.queue.length < this.writeQueueCapacity && this.blocked.length > 0) {
      const b = this.blocked.shift() as BlockedWrite;
      this.queue.push(b.held);
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
        const held = this.takeWrite();
        if (held === null) break;
        this.take(held);
        if (this.maxSessionsPerProperty > 0) await this.flushBuffers((b) => b.held.length >= this.maxSessionsPerProperty);
      }
    } catch (err) {
      this.logger.error('in-memory session spool failed unexpectedly', { error: errorMessage(err) });
    } finally {
      this.draining = null;
    }
  }

  /** Adds one write's sessions to the property buffers, within the caps. */
  private take(write: readonly Held[]): void {
    let noProperty = 0;
    const dropped = new Map<string, number>();
    for (const item of write) {
      if (item.propertyId === '') {
        noProperty += 1;
        continue;
      }
      const events = item.events;
      const overSessions = this.maxBufferedSessions > 0 && this.totalSessions >= this.maxBufferedSessions;
      const overEvents = this.maxBufferedEvents > 0 && this.totalEvents + events > this.maxBufferedEvents;
      if (overSessions || overEvents) {
        dropped.set(item.propertyId, (dropped.get(item.propertyId) ?? 0) + 1);
        continue;
      }
      let buffer = this.buffers.get(item.propertyId);
      if (buffer === undefined) {
        buffer = { held: [], events: 0, createdAt: this.timers.now() };
        this.buffers.set(item.propertyId, buffer);
      }
      buffer.held.push(item);
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
        await this.writeHeld(propertyId, buffer.held);
      } catch (err) {
        this.logger.error('failed to flush buffered sessions; keeping them for the next sweep', {
          propertyId,
          sessions: buffer.held.length,
          error: errorMessage(err),
        });
        continue;
      }
      this.buffers.delete(propertyId);
      this.totalSessions -= buffer.held.length;
      this.totalEvents -= buffer.events;
    }
  }

  /** A buffer holds one form only: the child's kind is fixed, and sessions without a property are never buffered. */
  private writeHeld(propertyId: string, held: readonly Held[]): Promise<void> {
    if (this.entryChild !== null) return this.entryChild.writeEntries(propertyId, held.map((h) => h.entry!));
    return this.child.write(held.map((h) => h.session!));
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
        this.logger.error('sessions lost at shutdown: the final flush failed', { propertyId, sessions: buffer.held.length });
      }
      this.buffers.clear();
      this.totalSessions = 0;
      this.totalEvents = 0;
    }
  }
}
