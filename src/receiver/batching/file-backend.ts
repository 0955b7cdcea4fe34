import { writeAllAndSync } from '../../spools/durable-write.js';
import { StartOnce } from '../../spools/start-once.js';
import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hit } from '../../hits/hit.js';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import { HitBatch, type HitsSink } from '../../queue/hits-task.js';
import { fsyncDirectory, isNotFound } from '../../queue/filesystem/fs-util.js';
import { TaskNamer } from '../../queue/filesystem/task-names.js';
import { StorageFullError } from '../hit-storage.js';
import type { BatchingBackend } from './backend.js';
import { decodeFrames, encodeFrames } from './hit-frames.js';

export const BATCHING_DIR = 'receiver-batching';
export const PENDING_FILE = 'pending_hits.bin';
export const FLUSHING_SUFFIX = '.flushing';

export interface FileBatchingBackendOptions {
  /** The queue directory; the backend keeps its files in `<queueDir>/receiver-batching/`. */
  queueDir: string;
  /** Staged bytes on disk (pending plus not yet published) beyond which `append` throws `StorageFullError`. */
  maxPendingBytes?: number;
  logger?: Logger;
}

interface QueuedWrite {
  data: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Runs async sections one at a time. */
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

/**
 * Hits staged in an append-only file, fsynced before `append` resolves, so an acknowledged hit
 * survives a crash.
 *
 * A flush first renames the pending file to a unique `.flushing` name, so appends made while
 * the sink runs go to a fresh file; the `.flushing` files are deleted only after the sink
 * succeeds. On start-up a leftover pending file is renamed the same way before anything is
 * appended to it (its tail may be torn), and the next flush publishes every `.flushing` file.
 *
 * Appends that arrive together share one write and one fsync (group commit), which keeps the
 * fsync count per second bounded under load while every push still waits for its own data.
 * Only one process may use a given queue directory's batching folder.
 */
export class FileBatchingBackend implements BatchingBackend {
  readonly dir: string;
  private readonly pendingPath: string;
  private readonly maxPendingBytes: number;
  private readonly logger: Logger;
  private readonly namer = new TaskNamer();
  private readonly lock = new SerialLock();
  private readonly flushLock = new SerialLock();
  private readonly startup = new StartOnce(() => this.lock.run(() => this.recoverOnStart()));
  private handle: FileHandle | null = null;
  /** Bytes in the pending file. */
  private pendingBytes = 0;
  /** Bytes in `.flushing` files, not yet published. */
  private flushingBytes = 0;
  /** Bytes accepted by `append` but not yet written. */
  private queuedBytes = 0;
  private queue: QueuedWrite[] = [];
  private writing = false;
  private writer: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: FileBatchingBackendOptions) {
    this.dir = join(options.queueDir, BATCHING_DIR);
    this.pendingPath = join(this.dir, PENDING_FILE);
    this.maxPendingBytes = options.maxPendingBytes ?? Number.POSITIVE_INFINITY;
    this.logger = options.logger ?? silentLogger;
  }

  /** Bytes staged on disk or about to be (what `maxPendingBytes` limits). */
  get stagedBytes(): number {
    return this.pendingBytes + this.flushingBytes + this.queuedBytes;
  }

  private init(): Promise<void> {
    return this.startup.run();
  }

  private async recoverOnStart(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
    try {
      const st = await stat(this.pendingPath);
      if (st.size > 0) {
        this.logger.info('found hits staged before a restart; they will be published first', { file: this.pendingPath, bytes: st.size });
        await rename(this.pendingPath, this.nextFlushingPath());
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    let bytes = 0;
    for (const name of await this.flushingFiles()) bytes += (await stat(join(this.dir, name))).size;
    this.flushingBytes = bytes;
  }

  private nextFlushingPath(): string {
    return join(this.dir, `pending_hits.${this.namer.next()}${FLUSHING_SUFFIX}`);
  }

  private async flushingFiles(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => n.endsWith(FLUSHING_SUFFIX)).sort();
  }

  async append(hits: readonly Hit[]): Promise<void> {
    if (this.closed) throw new Error('file batching backend is closed');
    if (hits.length === 0) return;
    await this.init();
    if (this.closed) throw new Error('file batching backend is closed');
    const data = encodeFrames(hits);
    if (this.stagedBytes + data.byteLength > this.maxPendingBytes) {
      throw new StorageFullError(`receiver batching holds ${this.stagedBytes} bytes on disk; the limit is ${this.maxPendingBytes}`);
    }
    this.queuedBytes += data.byteLength;
    const done = new Promise<void>((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
    });
    if (!this.writing) {
      this.writing = true;
      this.writer = this.writeQueued();
    }
    return done;
  }

  /** Drains the write queue: each round writes everything queued so far with one fsync. */
  private async writeQueued(): Promise<void> {
    // The flag is cleared in the same synchronous step as the last emptiness check, so an
    // append can never queue a write that no running writer will pick up.
    try {
      while (this.queue.length > 0) {
        const round = this.queue;
        this.queue = [];
        const data = round.length === 1 ? (round[0] as QueuedWrite).data : Buffer.concat(round.map((w) => w.data));
        try {
          await this.lock.run(() => this.writeAndSync(data));
          for (const w of round) w.resolve();
        } catch (err) {
          for (const w of round) w.reject(err);
        } finally {
          this.queuedBytes -= data.byteLength;
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeAndSync(data: Buffer): Promise<void> {
    const fh = await this.openPending();
    const start = this.pendingBytes;
    try {
      await writeAllAndSync(fh, data);
      this.pendingBytes += data.byteLength;
    } catch (err) {
      // These pushes fail, so their frames must not be published; and a torn frame left in the
      // middle of the file would misalign every frame after it.
      try {
        await fh.truncate(start);
      } catch {
        // Could not cut it back: set the file aside, so at worst its torn tail is dropped on flush.
        await this.closeHandle().catch(() => undefined);
        await rename(this.pendingPath, this.nextFlushingPath()).catch(() => undefined);
        this.flushingBytes += this.pendingBytes;
        this.pendingBytes = 0;
      }
      throw err;
    }
  }

  private async openPending(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle;
    const fh = await open(this.pendingPath, 'a', 0o600);
    this.pendingBytes = (await fh.stat()).size;
    this.handle = fh;
    // The new directory entry must be durable too, or a power loss could lose the whole file.
    await fsyncDirectory(this.dir);
    return fh;
  }

  private async closeHandle(): Promise<void> {
    const fh = this.handle;
    this.handle = null;
    await fh?.close();
  }

  /** Sets the pending file aside under a `.flushing` name; appends then start a new file. */
  private async rotate(): Promise<void> {
    if (this.pendingBytes === 0) return;
    await this.closeHandle();
    await rename(this.pendingPath, this.nextFlushingPath());
    this.flushingBytes += this.pendingBytes;
    this.pendingBytes = 0;
  }

  flush(sink: HitsSink): Promise<number> {
    return this.flushLock.run(() => this.flushOnce(sink));
  }

  private async flushOnce(sink: HitsSink): Promise<number> {
    await this.init();
    await this.lock.run(() => this.rotate());
    const files = await this.flushingFiles();
    if (files.length === 0) return 0;
    const hits: Hit[] = [];
    const sizes: number[] = [];
    for (const name of files) {
      const data = await readFile(join(this.dir, name));
      sizes.push(data.byteLength);
      const decoded = decodeFrames(data);
      for (const p of decoded.problems) {
        this.logger.warn(
          p.kind === 'truncated-tail' ? 'dropping a torn frame at the end of a staged hits file' : 'skipping a staged hit that does not decode',
          { file: name, offset: p.offset, detail: p.detail },
        );
      }
      for (const h of decoded.hits) hits.push(h);
    }
    if (hits.length > 0) await sink(HitBatch.of(hits));
    for (let i = 0; i < files.length; i++) {
      try {
        await unlink(join(this.dir, files[i] as string));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.flushingBytes -= sizes[i] as number;
    }
    return hits.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writer;
    await this.lock.run(() => this.closeHandle());
  }
}
