import { silentLogger, type Logger } from '../monitoring/logger.js';
import type { Timers } from '../queue/timers.js';
import type { Session } from '../schema/session.js';
import { FileSpool } from '../spools/file-spool.js';
import type { NextBatch, Spool, SpoolFailureStrategy, SpoolFlushHandler } from '../spools/spool.js';
import { decodeSessionFrame, encodeSessionFrame } from './session-frames.js';
import type { SessionWriter } from './session-writer.js';

export interface PersistentSpoolWriterOptions {
  /** Receives the spooled sessions when the spool flushes, one property per call. */
  child: SessionWriter;
  /** The spool folder (the chain uses `<storage.spoolDirectory>/sessionwriter`). */
  directory: string;
  failureStrategy?: SpoolFailureStrategy;
  flushIntervalMs?: number;
  /** Frames per child write. */
  flushBatchSize?: number;
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
export class PersistentSpoolWriter implements SessionWriter {
  readonly spool: Spool;
  private readonly child: SessionWriter;
  private readonly logger: Logger;

  constructor(options: PersistentSpoolWriterOptions) {
    this.child = options.child;
    this.logger = options.logger ?? silentLogger;
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
  }

  /** Resolves once every property's frame is fsynced; rejects if any append failed (the others stay spooled). */
  async write(sessions: Session[]): Promise<void> {
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
    const results = await Promise.allSettled([...byProperty].map(([propertyId, group]) => this.spool.append(propertyId, encodeSessionFrame(group))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** Runs a flush cycle now (tests, and callers that must not wait for the interval). */
  flush(): Promise<void> {
    return this.spool.flush();
  }

  private async deliver(key: string, next: NextBatch): Promise<void> {
    for (let frames = await next(); frames !== null; frames = await next()) {
      const batch: Session[] = [];
      for (const frame of frames) {
        let sessions: Session[];
        try {
          sessions = decodeSessionFrame(frame);
        } catch (err) {
          this.logger.error('skipping a spooled session frame that cannot be decoded', { key, bytes: frame.byteLength, error: errorMessage(err) });
          continue;
        }
        for (const s of sessions) batch.push(s);
      }
      if (batch.length === 0) continue;
      try {
        await this.child.write(batch);
      } catch (err) {
        throw new Error(`child write for key ${JSON.stringify(key)}: ${errorMessage(err)}`, { cause: err });
      }
    }
  }

  close(): Promise<void> {
    return this.spool.close();
  }
}
