import { silentLogger, type Logger } from '../monitoring/logger.js';
import type { Timers } from '../queue/timers.js';
import type { Session } from '../schema/session.js';
import { FileSpool } from '../spools/file-spool.js';
import type { NextBatch, Spool, SpoolFailureStrategy, SpoolFlushHandler } from '../spools/spool.js';
import { recallSpooledFrames } from '../spools/recall.js';
import { decodeSessionEntry, encodeSessionEntry, sessionFrameEntries, sessionFramePieces, sessionFrameWriteId } from './session-frames.js';
import type { SessionEntryWriter, SessionWriter, WriteOptions } from './session-writer.js';

export interface PersistentSpoolWriterOptions {
  /** Receives the spooled sessions when the spool flushes, one property per call. */
  child: SessionWriter;
  /** The spool folder (the chain uses `<storage.spoolDirectory>/sessionwriter`). */
  directory: string;
  failureStrategy?: SpoolFailureStrategy;
  flushIntervalMs?: number;
  /** Frames read from the spool at a time. */
  flushBatchSize?: number;
  /**
   * Events per child write: a write ends with the session that reaches it (default 1,000).
   * Small enough that a write's decoded hits and computed values stay in the young generation.
   */
  maxEventsPerWrite?: number;
  flushBatchMaxBytes?: number;
  maxFailures?: number;
  /** Bytes the spool folder may hold; beyond it `write` rejects with `SpoolFullError`. 0 = no limit. */
  maxTotalBytes?: number;
  logger?: Logger;
  timers?: Timers;
  /** Builds the spool around the writer's flush handler, instead of a `FileSpool` from the options above. */
  spoolFactory?: (handler: SpoolFlushHandler) => Spool;
}

export const PERSISTENT_SPOOL_DEFAULTS = {
  flushIntervalMs: 60_000,
  flushBatchSize: 50,
  maxEventsPerWrite: 1_000,
  flushBatchMaxBytes: 10 * 1024 * 1024,
  maxFailures: 20,
  failureStrategy: 'delete' as SpoolFailureStrategy,
} as const;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Puts sessions in a disk spool (one fsynced frame per property per `write`) and passes them to
 * the child when the spool flushes, so a warehouse outage neither loses acknowledged sessions
 * nor stalls the closer.
 *
 * A frame that cannot be decoded is logged and skipped: it would fail identically on every
 * retry and hold back the whole key until the failure strategy removed good data with it
 * (DESIGN decision 5). A failing child write fails the file, which the spool retries; batches
 * of that file already written are written again then.
 *
 * `close` runs the spool's final flush into the child; it does not close the child.
 */
export class PersistentSpoolWriter implements SessionEntryWriter {
  readonly spool: Spool;
  private readonly child: SessionWriter;
  private readonly logger: Logger;
  private readonly maxEventsPerWrite: number;
  /**
   * Write ids already made durable: those found in the spool files at start (a close that was
   * spooled but not committed before a crash is retried with the same id) and those appended
   * since. Bounded, oldest first out; a retry comes within seconds of the original.
   */
  private readonly spooledWriteIds = new Set<string>();

  constructor(options: PersistentSpoolWriterOptions) {
    this.child = options.child;
    this.logger = options.logger ?? silentLogger;
    this.maxEventsPerWrite = Math.max(1, options.maxEventsPerWrite ?? PERSISTENT_SPOOL_DEFAULTS.maxEventsPerWrite);
    const handler: SpoolFlushHandler = (key, next) => this.deliver(key, next);
    this.spool =
      options.spoolFactory?.(handler) ??
      new FileSpool({
        directory: options.directory,
        handler,
        failureStrategy: options.failureStrategy ?? PERSISTENT_SPOOL_DEFAULTS.failureStrategy,
        flushIntervalMs: options.flushIntervalMs ?? PERSISTENT_SPOOL_DEFAULTS.flushIntervalMs,
        flushBatchSize: options.flushBatchSize ?? PERSISTENT_SPOOL_DEFAULTS.flushBatchSize,
        flushBatchMaxBytes: options.flushBatchMaxBytes ?? PERSISTENT_SPOOL_DEFAULTS.flushBatchMaxBytes,
        maxFailures: options.maxFailures ?? PERSISTENT_SPOOL_DEFAULTS.maxFailures,
        maxTotalBytes: options.maxTotalBytes ?? 0,
        flushOnClose: true,
        logger: this.logger,
        ...(options.timers !== undefined ? { timers: options.timers } : {}),
      });
    if (options.spoolFactory === undefined) this.recallWriteIds(options.directory);
  }

  private recallWriteIds(directory: string): void {
    recallSpooledFrames(directory, (frame) => {
      const id = sessionFrameWriteId(frame);
      if (id !== null) this.remember(id);
    });
  }

  private remember(id: string): void {
    this.spooledWriteIds.add(id);
    if (this.spooledWriteIds.size > 100_000) {
      const oldest = this.spooledWriteIds.values().next().value;
      if (oldest !== undefined) this.spooledWriteIds.delete(oldest);
    }
  }

  /** Resolves once every property's frame is fsynced; rejects if any append failed (the others stay spooled). */
  async write(sessions: Session[], options: WriteOptions = {}): Promise<void> {
    const byProperty = new Map<string, Session[]>();
    let noProperty = 0;
    for (const session of sessions) {
      if (session.propertyId === '') {
        noProperty += 1;
        continue;
      }
      let group = byProperty.get(session.propertyId);
      if (group === undefined) {
        group = [];
        byProperty.set(session.propertyId, group);
      }
      group.push(session);
    }
    if (noProperty > 0) this.logger.warn('skipping sessions without a property id', { sessions: noProperty });
    // Different properties go to different files, so their fsyncs can run side by side.
    const results = await Promise.allSettled(
      [...byProperty].map(async ([propertyId, group]) => {
        const id = options.writeId === undefined ? null : `${options.writeId}|${propertyId}`;
        if (id !== null && this.spooledWriteIds.has(id)) {
          this.logger.debug('sessions already spooled under this write id; not spooling them again', { write_id: id });
          return;
        }
        await this.appendFrame(propertyId, group.map(encodeSessionEntry), id);
        if (id !== null) this.remember(id);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** One property's sessions, already encoded as frame entries, as one fsynced frame. */
  async writeEntries(propertyId: string, entries: readonly Uint8Array[]): Promise<void> {
    if (entries.length === 0) return;
    if (propertyId === '') {
      this.logger.warn('skipping sessions without a property id', { sessions: entries.length });
      return;
    }
    await this.appendFrame(propertyId, entries, null);
  }

  /** The entries are fresh memory of their own: appended as pieces, they are not copied again. */
  private appendFrame(propertyId: string, entries: readonly Uint8Array[], writeId: string | null): Promise<void> {
    return this.spool.append(propertyId, sessionFramePieces(entries, writeId));
  }

  /** Runs a flush cycle now (tests, and callers that must not wait for the interval). */
  flush(): Promise<void> {
    return this.spool.flush();
  }

  private async deliver(key: string, next: NextBatch): Promise<void> {
    for (let frames = await next(); frames !== null; frames = await next()) {
      // Sessions are decoded as the writes need them: a batch of 50 frames from catch-up closes
      // can hold a quarter of a million events, and holding them decoded made the column
      // computation mostly garbage collection (a frame alone can hold thousands of sessions).
      let batch: Session[] = [];
      let events = 0;
      for (const frame of frames) {
        let entries: Uint8Array[];
        try {
          entries = sessionFrameEntries(frame);
        } catch (err) {
          this.logger.error('skipping a spooled session frame that cannot be decoded', { key, bytes: frame.byteLength, error: errorMessage(err) });
          continue;
        }
        for (let i = 0; i < entries.length; i++) {
          let session: Session;
          try {
            session = decodeSessionEntry(entries[i]!, i);
          } catch (err) {
            // Only this session is unreadable; the frame's other sessions are still written.
            this.logger.error('skipping a spooled session that cannot be decoded', { key, bytes: entries[i]!.byteLength, error: errorMessage(err) });
            continue;
          }
          batch.push(session);
          events += session.events.length;
          if (events >= this.maxEventsPerWrite) {
            await this.writeChild(key, batch);
            batch = [];
            events = 0;
          }
        }
      }
      if (batch.length > 0) await this.writeChild(key, batch);
    }
  }

  private async writeChild(key: string, batch: Session[]): Promise<void> {
    try {
      await this.child.write(batch);
    } catch (err) {
      throw new Error(`child write for key ${JSON.stringify(key)}: ${errorMessage(err)}`, { cause: err });
    }
  }

  close(): Promise<void> {
    return this.spool.close();
  }
}
