import { payloadLength, writeAllAndSync } from './durable-write.js';
import { StartOnce } from './start-once.js';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../monitoring/logger.js';
import { fsyncDirectory, isNotFound } from '../queue/filesystem/fs-util.js';
import { realTimers, type TimerHandle, type Timers } from '../queue/timers.js';
import { SpoolClosedError, SpoolFlushError, SpoolFullError, SpoolKeyError, type SpoolKeyFailure } from './errors.js';
import { encodeFrame, FRAME_HEADER_BYTES, frameHeader, FrameFileReader, MAX_FRAME_PAYLOAD_BYTES } from './frame-reader.js';
import type { Spool, SpoolFailureStrategy, SpoolFlushHandler, SpoolPayload } from './spool.js';
import {
  ACTIVE_SUFFIX,
  activeFileName,
  encodeSpoolKey,
  inflightFileName,
  InflightSequence,
  parseSpoolFileName,
  QUARANTINE_SUFFIX,
} from './spool-files.js';

export interface FileSpoolOptions {
  /** The spool folder; created if missing. One spool per folder. */
  directory: string;
  handler: SpoolFlushHandler;
  /** Consecutive failed flushes of one key after which the failure strategy applies. */
  maxFailures?: number;
  /** Frames per batch handed out by `next()`. */
  flushBatchSize?: number;
  /** Payload bytes per batch (a larger single frame still comes alone). */
  flushBatchMaxBytes?: number;
  /** An active file at least this large is sealed right after the append; 0 = never. */
  maxActiveSize?: number;
  /** Time between flush cycles; 0 = no periodic flush. */
  flushIntervalMs?: number;
  /** Payload bytes appended since the last cycle that start an early one; 0 = off. */
  maxBytesBeforeFlush?: number;
  /** Appends since the last cycle that start an early one; 0 = off. */
  maxAppendsBeforeFlush?: number;
  /** Run one last flush cycle in `close()`. */
  flushOnClose?: boolean;
  /** What happens to a key's files after `maxFailures` consecutive failures. */
  failureStrategy?: SpoolFailureStrategy;
  /** Bytes the spool folder may hold (quarantined files included); 0 = no limit. */
  maxTotalBytes?: number;
  logger?: Logger;
  timers?: Timers;
}

export const FILE_SPOOL_DEFAULTS = {
  maxFailures: 20,
  flushBatchSize: 5,
  flushBatchMaxBytes: 10 * 1024 * 1024,
  maxActiveSize: 0,
  flushIntervalMs: 0,
  maxBytesBeforeFlush: 0,
  maxAppendsBeforeFlush: 0,
  flushOnClose: true,
  failureStrategy: 'delete' as SpoolFailureStrategy,
  maxTotalBytes: 0,
} as const;

/** After a failed cycle started by a threshold (no interval), the next attempt comes this soon. */
const THRESHOLD_RETRY_MS = 10;

interface PendingAppend {
  /** The frame as it is written: one copied buffer, or the length prefix and the caller's pieces. */
  pieces: Uint8Array[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The active file of one key and the appends waiting for it. */
interface ActiveLog {
  key: string;
  path: string;
  handle: FileHandle | null;
  /** Bytes in the active file. */
  size: number;
  queue: PendingAppend[];
  /** The loop writing `queue`, while it runs. */
  writer: Promise<void> | null;
}

interface InflightFile {
  key: string;
  path: string;
  sequence: bigint;
}

/** Runs async sections one after another. */
class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The spool of reference pipeline.md §5 on the local disk.
 *
 * Appends to one key are grouped: whatever queued while the previous write+fsync ran goes out
 * in the next single write+fsync, and each append resolves only once its own bytes are synced.
 * Different keys write to different files and proceed independently.
 *
 * A flush cycle first pauses writing just long enough to seal every active file (rename to an
 * inflight name), then hands the inflight files to the handler while appends go on into fresh
 * active files. Cycles never overlap: `flush()`, the interval timer, thresholds and `close()`
 * all queue behind one another.
 *
 * Unlike the reference, leftover active files found at start-up are sealed at once rather than
 * appended to: the previous process may have died mid-append, and appending after a torn frame
 * would make every later frame unreadable. Their torn tail is then dropped with a warning when
 * they are flushed.
 */
export class FileSpool implements Spool {
  readonly directory: string;
  private readonly handler: SpoolFlushHandler;
  private readonly maxFailures: number;
  private readonly flushBatchSize: number;
  private readonly flushBatchMaxBytes: number;
  private readonly maxActiveSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxBytesBeforeFlush: number;
  private readonly maxAppendsBeforeFlush: number;
  private readonly flushOnClose: boolean;
  private readonly failureStrategy: SpoolFailureStrategy;
  private readonly maxTotalBytes: number;
  private readonly logger: Logger;
  private readonly timers: Timers;

  private readonly sequence = new InflightSequence();
  private readonly logs = new Map<string, ActiveLog>();
  private readonly consecutiveFailures = new Map<string, number>();
  private readonly cycleLock = new SerialLock();
  /** Write rounds in progress; sealing waits for them. */
  private readonly rounds = new Set<Promise<void>>();
  /** Set while active files are being sealed; write rounds wait for it. */
  private sealing: Promise<void> | null = null;

  private readonly startup = new StartOnce(() => this.recover());
  private recovered = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private intervalTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private earlyFlushQueued = false;

  /** Bytes of the spool's files on disk (active, inflight and quarantined). */
  private diskBytes = 0;
  /** Bytes accepted by `append` and not yet written. */
  private reservedBytes = 0;
  /** Payload bytes and appends since the thresholds were last reset. */
  private appendedBytes = 0;
  private appendedCount = 0;

  constructor(options: FileSpoolOptions) {
    this.directory = options.directory;
    this.handler = options.handler;
    this.maxFailures = Math.max(1, options.maxFailures ?? FILE_SPOOL_DEFAULTS.maxFailures);
    this.flushBatchSize = Math.max(1, options.flushBatchSize ?? FILE_SPOOL_DEFAULTS.flushBatchSize);
    this.flushBatchMaxBytes = Math.max(1, options.flushBatchMaxBytes ?? FILE_SPOOL_DEFAULTS.flushBatchMaxBytes);
    this.maxActiveSize = options.maxActiveSize ?? FILE_SPOOL_DEFAULTS.maxActiveSize;
    this.flushIntervalMs = options.flushIntervalMs ?? FILE_SPOOL_DEFAULTS.flushIntervalMs;
    this.maxBytesBeforeFlush = options.maxBytesBeforeFlush ?? FILE_SPOOL_DEFAULTS.maxBytesBeforeFlush;
    this.maxAppendsBeforeFlush = options.maxAppendsBeforeFlush ?? FILE_SPOOL_DEFAULTS.maxAppendsBeforeFlush;
    this.flushOnClose = options.flushOnClose ?? FILE_SPOOL_DEFAULTS.flushOnClose;
    this.failureStrategy = options.failureStrategy ?? FILE_SPOOL_DEFAULTS.failureStrategy;
    this.maxTotalBytes = options.maxTotalBytes ?? FILE_SPOOL_DEFAULTS.maxTotalBytes;
    this.logger = options.logger ?? silentLogger;
    this.timers = options.timers ?? realTimers;
    // Recovery starts now; a failure is logged here and retried by the next append or flush.
    this.ready().catch((err: unknown) => this.logger.error('spool start-up failed', { dir: this.directory, error: errorMessage(err) }));
    this.armInterval();
  }

  /** A spool whose start-up recovery has finished (errors surface here instead of at first use). */
  static async open(options: FileSpoolOptions): Promise<FileSpool> {
    const spool = new FileSpool(options);
    try {
      await spool.ready();
    } catch (err) {
      await spool.close().catch(() => undefined);
      throw err;
    }
    return spool;
  }

  /** Bytes the spool folder holds or is about to hold (what `maxTotalBytes` limits). */
  get totalBytes(): number {
    return this.diskBytes + this.reservedBytes;
  }

  private ready(): Promise<void> {
    return this.startup.run();
  }

  private async recover(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o750 });
    let bytes = 0;
    let changed = false;
    for (const name of await readdir(this.directory)) {
      const parsed = parseSpoolFileName(name);
      if (parsed === null) continue;
      const path = join(this.directory, name);
      const { size } = await stat(path);
      if (parsed.kind === 'inflight') {
        this.sequence.observe(parsed.sequence);
        if (size === 0) {
          await unlink(path);
          changed = true;
          continue;
        }
      }
      bytes += size;
    }
    // Sealed after the scan, so their new names sort after every inflight file already there.
    for (const name of await readdir(this.directory)) {
      const parsed = parseSpoolFileName(name);
      if (parsed === null || parsed.kind !== 'active') continue;
      const path = join(this.directory, name);
      const { size } = await stat(path);
      if (size === 0) {
        await unlink(path);
      } else {
        this.logger.info('sealing a spool file left by the previous run; the next flush sends it', { dir: this.directory, key: parsed.key, bytes: size });
        await rename(path, join(this.directory, inflightFileName(name.slice(0, -ACTIVE_SUFFIX.length), this.sequence.next())));
      }
      changed = true;
    }
    if (changed) await fsyncDirectory(this.directory);
    this.diskBytes = bytes;
    this.recovered = true;
  }

  // ---- appending ----------------------------------------------------------------------------

  append(key: string, payload: SpoolPayload): Promise<void> {
    try {
      if (this.closed) throw new SpoolClosedError();
      const encodedKey = encodeSpoolKey(key);
      const payloadBytes = payloadLength(payload);
      if (payloadBytes > MAX_FRAME_PAYLOAD_BYTES) {
        throw new RangeError(`spool payload of ${payloadBytes} bytes exceeds the frame limit of ${MAX_FRAME_PAYLOAD_BYTES}`);
      }
      // Once started, an append is queued synchronously, so one made before `close()` is never refused by it.
      if (this.recovered) return this.enqueue(key, encodedKey, payload, payloadBytes);
      return this.ready().then(() => this.enqueue(key, encodedKey, payload, payloadBytes));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private enqueue(key: string, encodedKey: string, payload: SpoolPayload, payloadBytes: number): Promise<void> {
    if (this.closed) throw new SpoolClosedError();
    const pieces = payload instanceof Uint8Array ? [encodeFrame(payload)] : [frameHeader(payloadBytes), ...payload];
    const bytes = FRAME_HEADER_BYTES + payloadBytes;
    if (this.maxTotalBytes > 0 && this.totalBytes + bytes > this.maxTotalBytes) {
      throw new SpoolFullError(`spool ${this.directory} holds ${this.totalBytes} bytes; ${bytes} more would exceed its limit of ${this.maxTotalBytes}`);
    }
    this.reservedBytes += bytes;
    let log = this.logs.get(key);
    if (log === undefined) {
      log = { key, path: join(this.directory, activeFileName(encodedKey)), handle: null, size: 0, queue: [], writer: null };
      this.logs.set(key, log);
    }
    const done = new Promise<void>((resolve, reject) => {
      (log as ActiveLog).queue.push({ pieces, bytes, resolve, reject });
    });
    if (log.writer === null) log.writer = this.writeQueued(log);
    return done;
  }

  /** Writes a key's queued appends, one write+fsync per round, until none are left. */
  private async writeQueued(log: ActiveLog): Promise<void> {
    // The loop ends in the same synchronous step as its last emptiness check, so an append can
    // never queue behind a writer that is already finishing.
    try {
      while (log.queue.length > 0) {
        while (this.sealing !== null) await this.sealing;
        const batch = log.queue;
        log.queue = [];
        const round = this.writeRound(log, batch);
        this.rounds.add(round);
        try {
          await round;
        } finally {
          this.rounds.delete(round);
        }
      }
    } finally {
      log.writer = null;
    }
  }

  /** One write+fsync of a batch of appends; settles every one of them, never throws. */
  private async writeRound(log: ActiveLog, batch: PendingAppend[]): Promise<void> {
    const pieces = batch.length === 1 ? (batch[0] as PendingAppend).pieces : batch.flatMap((a) => a.pieces);
    let bytes = 0;
    for (const a of batch) bytes += a.bytes;
    let written = false;
    try {
      await this.writeAndSync(log, pieces, bytes);
      written = true;
    } catch (err) {
      for (const a of batch) a.reject(err);
    } finally {
      this.reservedBytes -= bytes;
    }
    if (!written) return;
    this.diskBytes += bytes;
    this.appendedBytes += bytes - FRAME_HEADER_BYTES * batch.length;
    this.appendedCount += batch.length;
    for (const a of batch) a.resolve();
    if (this.maxActiveSize > 0 && log.size >= this.maxActiveSize) {
      try {
        await this.sealActive(log);
      } catch (err) {
        // The frames are durable in the active file; the next cycle seals it instead.
        this.logger.error('could not seal a full spool file', { dir: this.directory, key: log.key, error: errorMessage(err) });
      }
    }
    if (this.thresholdReached()) this.requestEarlyFlush();
  }

  private async writeAndSync(log: ActiveLog, pieces: readonly Uint8Array[], bytes: number): Promise<void> {
    let fh = log.handle;
    if (fh === null) {
      fh = await open(log.path, 'a', 0o600);
      try {
        log.size = (await fh.stat()).size;
        // A new file's directory entry must be durable too, or a power cut could lose it whole.
        if (log.size === 0) await fsyncDirectory(this.directory);
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
      log.handle = fh;
    }
    const start = log.size;
    try {
      await writeAllAndSync(fh, pieces);
      log.size += bytes;
    } catch (err) {
      // These appends fail, so their frames must not be flushed; and a torn frame left in the
      // middle of the file would misalign every frame written after it.
      try {
        await fh.truncate(start);
      } catch {
        // Cannot cut it back: seal the file, so at worst its torn tail is dropped when flushed.
        await this.closeHandle(log).catch(() => undefined);
        try {
          const { size } = await stat(log.path);
          await rename(log.path, join(this.directory, inflightFileName(encodeSpoolKey(log.key), this.sequence.next())));
          this.diskBytes += size - start;
        } catch {
          // Left as the active file; the next cycle seals it.
        }
        log.size = 0;
      }
      throw err;
    }
  }

  private async closeHandle(log: ActiveLog): Promise<void> {
    const fh = log.handle;
    log.handle = null;
    await fh?.close();
  }

  /** Renames a key's active file to a new inflight name; appends then start a fresh file. */
  private async sealActive(log: ActiveLog): Promise<void> {
    await this.closeHandle(log);
    if (log.size === 0) return;
    await rename(log.path, join(this.directory, inflightFileName(encodeSpoolKey(log.key), this.sequence.next())));
    log.size = 0;
    await fsyncDirectory(this.directory);
  }

  private thresholdReached(): boolean {
    return (
      (this.maxBytesBeforeFlush > 0 && this.appendedBytes >= this.maxBytesBeforeFlush) ||
      (this.maxAppendsBeforeFlush > 0 && this.appendedCount >= this.maxAppendsBeforeFlush)
    );
  }

  // ---- flushing -----------------------------------------------------------------------------

  /** Runs one flush cycle after any running one; rejects with `SpoolFlushError` if a key failed. */
  flush(): Promise<void> {
    if (this.closing !== null) return Promise.reject(new SpoolClosedError());
    return this.cycleLock.run(() => this.flushCycle());
  }

  private armInterval(): void {
    if (this.flushIntervalMs <= 0 || this.closed) return;
    this.intervalTimer = this.timers.set(() => {
      this.intervalTimer = null;
      if (this.closed) return;
      this.cycleLock
        .run(() => this.flushCycle())
        .catch((err: unknown) => this.logCycleFailure(err))
        .finally(() => this.armInterval());
    }, this.flushIntervalMs);
  }

  /** Queues one early cycle unless one is already waiting (the reference's one-slot signal). */
  private requestEarlyFlush(): void {
    if (this.earlyFlushQueued || this.closed) return;
    this.earlyFlushQueued = true;
    this.cycleLock
      .run(async () => {
        this.earlyFlushQueued = false;
        if (this.closed) return;
        await this.flushCycle();
      })
      .catch((err: unknown) => this.logCycleFailure(err));
  }

  private logCycleFailure(err: unknown): void {
    // Per-key failures were logged as they happened.
    if (!(err instanceof SpoolFlushError)) this.logger.error('spool flush cycle failed', { dir: this.directory, error: errorMessage(err) });
  }

  private async flushCycle(): Promise<void> {
    await this.ready();
    const startBytes = this.appendedBytes;
    const startCount = this.appendedCount;
    const byKey = await this.sealAndList();
    const failures: SpoolKeyFailure[] = [];
    for (const key of [...byKey.keys()].sort()) {
      const files = byKey.get(key) ?? [];
      for (let i = 0; i < files.length; i++) {
        const file = files[i] as InflightFile;
        let error: unknown = null;
        try {
          await this.flushFile(file);
          continue;
        } catch (err) {
          error = err;
        }
        const count = (this.consecutiveFailures.get(key) ?? 0) + 1;
        if (count >= this.maxFailures) {
          this.consecutiveFailures.delete(key);
          await this.giveUp(key, files.slice(i), count, error);
        } else {
          this.consecutiveFailures.set(key, count);
          this.logger.warn('spool flush failed; the key keeps its files for the next cycle', {
            dir: this.directory,
            key,
            consecutiveFailures: count,
            maxFailures: this.maxFailures,
            error: errorMessage(error),
          });
          failures.push({ key, error });
        }
        break;
      }
    }
    if (failures.length === 0) {
      this.appendedBytes -= startBytes;
      this.appendedCount -= startCount;
      return;
    }
    if (this.flushIntervalMs <= 0 && this.thresholdReached() && this.retryTimer === null && !this.closed) {
      this.retryTimer = this.timers.set(() => {
        this.retryTimer = null;
        this.requestEarlyFlush();
      }, THRESHOLD_RETRY_MS);
    }
    throw new SpoolFlushError(failures);
  }

  /**
   * Seals every active file and lists every inflight file, grouped by key, oldest first. Write
   * rounds are held off meanwhile so no file is renamed under a write.
   */
  private async sealAndList(): Promise<Map<string, InflightFile[]>> {
    let release: () => void = () => undefined;
    this.sealing = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await Promise.all(this.rounds);
      let renamed = false;
      for (const log of this.logs.values()) {
        const had = log.size > 0;
        await this.sealActive(log).catch((err: unknown) => {
          this.logger.error('could not seal a spool file; it stays active until the next cycle', { dir: this.directory, key: log.key, error: errorMessage(err) });
        });
        renamed ||= had;
        // Forget idle, sealed keys so a spool with changing keys (the files warehouse) does not
        // accumulate them; one whose seal failed stays, so the next cycle seals it.
        if (log.writer === null && log.queue.length === 0 && log.size === 0) this.logs.delete(log.key);
      }
      if (renamed) await fsyncDirectory(this.directory);
      const byKey = new Map<string, InflightFile[]>();
      for (const name of await readdir(this.directory)) {
        const parsed = parseSpoolFileName(name);
        if (parsed === null || parsed.kind !== 'inflight') continue;
        let list = byKey.get(parsed.key);
        if (list === undefined) {
          list = [];
          byKey.set(parsed.key, list);
        }
        list.push({ key: parsed.key, path: join(this.directory, name), sequence: parsed.sequence });
      }
      for (const list of byKey.values()) list.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
      return byKey;
    } finally {
      this.sealing = null;
      release();
    }
  }

  /** Hands one inflight file to the handler and deletes it on success; throws the handler's error. */
  private async flushFile(file: InflightFile): Promise<void> {
    let size: number;
    try {
      size = (await stat(file.path)).size;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (size > 0) {
      const reader = await FrameFileReader.open(file.path);
      try {
        await this.handler(file.key, () => reader.nextBatch(this.flushBatchSize, this.flushBatchMaxBytes));
      } finally {
        await reader.close().catch(() => undefined);
        if (reader.truncated !== null) {
          this.logger.warn('dropping a torn frame at the end of a spool file', { dir: this.directory, key: file.key, file: file.path, ...reader.truncated });
        }
      }
      this.consecutiveFailures.delete(file.key);
    }
    await this.removeFile(file.path, size);
  }

  private async removeFile(path: string, size: number): Promise<void> {
    try {
      await unlink(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.diskBytes -= size;
  }

  /** Applies the failure strategy to the files a key could not flush. */
  private async giveUp(key: string, files: InflightFile[], failures: number, error: unknown): Promise<void> {
    const action = this.failureStrategy === 'quarantine' ? 'quarantining' : 'deleting';
    this.logger.error(`spool key failed too many times in a row; ${action} its files`, {
      dir: this.directory,
      key,
      consecutiveFailures: failures,
      files: files.map((f) => f.path),
      error: errorMessage(error),
    });
    for (const file of files) {
      try {
        if (this.failureStrategy === 'quarantine') {
          await rename(file.path, file.path + QUARANTINE_SUFFIX);
        } else {
          const { size } = await stat(file.path);
          await this.removeFile(file.path, size);
        }
      } catch (err) {
        if (!isNotFound(err)) this.logger.error(`could not finish ${action} a spool file`, { dir: this.directory, key, file: file.path, error: errorMessage(err) });
      }
    }
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * Refuses new appends, lets accepted ones finish, then runs the final cycle (if configured)
   * after any running one. Rejects with the final cycle's error once everything is released;
   * the files it could not flush stay on disk for the next start.
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    if (this.intervalTimer !== null) this.timers.clear(this.intervalTimer);
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.intervalTimer = null;
    this.retryTimer = null;
    await Promise.all([...this.logs.values()].map((log) => log.writer));
    let failure: unknown = null;
    try {
      await this.cycleLock.run(async () => {
        if (this.flushOnClose) await this.flushCycle();
      });
    } catch (err) {
      failure = err;
    }
    for (const log of this.logs.values()) await this.closeHandle(log).catch(() => undefined);
    if (failure !== null) throw failure;
  }
}
