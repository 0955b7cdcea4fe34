import { ConsumerRun } from '../consumer-run.js';
import { errorMessage } from '../interruptible-sleep.js';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import { deserializeTask } from '../message-format.js';
import { DropTaskError, type Consumer, type Task, type TaskHandler } from '../task.js';
import { isNotFound } from './fs-util.js';
import { TASK_SUFFIX, TMP_SUFFIX, compareTaskNames } from './task-names.js';

export const DEAD_LETTER_DIR = 'dead-letter';
export const REASON_SUFFIX = '.reason';

export interface FilesystemConsumerOptions {
  logger?: Logger;
  /** Sleep between listings of an empty directory. */
  pollIntervalMs?: number;
  /** First wait before retrying a task whose handler failed; doubles per failure up to the max. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  retryFactor?: number;
  /** A `.tmp` file older than this is reported once as abandoned (it is never read or removed). */
  staleTmpMs?: number;
  /**
   * Tasks handed to the handler before the first of them has finished (default 1: each task
   * waits for the one before). With 2, a handler that finishes by waiting for the disk (the
   * worker's, until its batch is durable) takes in the next task meanwhile. Tasks are still
   * handed over in name order, one at a time, and each is removed only once its own handler has
   * finished; a failed task holds back the tasks not yet handed over, and comes again before
   * them, but one already handed over may finish first.
   */
  maxInFlight?: number;
}

/** `.task` files in `dir`, in the order the consumer processes them. */
export async function listTaskFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(TASK_SUFFIX))
    .map((e) => e.name)
    .sort(compareTaskNames);
}

/** Number of tasks waiting in a queue directory (0 when the directory does not exist). */
export async function queueDepth(dir: string): Promise<number> {
  try {
    return (await listTaskFiles(dir)).length;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}

type Outcome = 'done' | 'retry';


/**
 * Reads a queue directory in name order, handing tasks over one at a time (the next one may be
 * handed over before the last has finished: `maxInFlight`).
 *
 * Unlike the reference, bad tasks do not stop the worker: a task that does not deserialize, or
 * that its handler rejects with `DropTaskError`, moves to `dead-letter/` next to a `.reason`
 * file; any other handler error keeps the task in place and retries it with exponential
 * back-off, holding back later tasks so the hit-time order is kept.
 */
export class FilesystemConsumer implements Consumer {
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly retryFactor: number;
  private readonly staleTmpMs: number;
  private readonly reportedTmp = new Set<string>();
  private readonly run = new ConsumerRun();
  private readonly maxInFlight: number;
  private retryDelay = 0;

  constructor(
    readonly dir: string,
    options: FilesystemConsumerOptions = {},
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 10;
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.retryFactor = options.retryFactor ?? 2;
    this.staleTmpMs = options.staleTmpMs ?? 60_000;
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 1));
  }

  consume(handler: TaskHandler): Promise<void> {
    return this.run.start(() => this.loop(handler));
  }

  /** See `ConsumerRun.stop`. */
  stop(): Promise<void> {
    return this.run.stop();
  }

  private async loop(handler: TaskHandler): Promise<void> {
    while (!this.run.stopping) {
      let names: string[];
      try {
        names = await this.list();
      } catch (err) {
        this.logger.error('cannot list queue directory', { dir: this.dir, error: errorMessage(err) });
        await this.run.sleep(this.nextRetryDelay());
        continue;
      }
      if (names.length === 0) {
        await this.run.sleep(this.pollIntervalMs);
        continue;
      }
      // Tasks handed over and not finished yet, oldest first. All of them finish before the
      // directory is listed again, where they would still be found.
      const inFlight: { name: string; outcome: Promise<Outcome> }[] = [];
      let failed: string | undefined;
      const settleOldest = async (): Promise<void> => {
        const oldest = inFlight.shift()!;
        if ((await oldest.outcome) === 'retry') failed ??= oldest.name;
        else if (failed === undefined) this.retryDelay = 0;
      };
      for (const name of names) {
        if (this.run.stopping || failed !== undefined) break;
        inFlight.push({ name, ...(await this.handOver(name, handler)) });
        while (inFlight.length >= this.maxInFlight && failed === undefined) await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
      if (failed !== undefined) {
        const delay = this.nextRetryDelay();
        this.logger.warn('queue held back by a failing task; retrying', { file: failed, retryInMs: delay });
        await this.run.sleep(delay);
        // The directory is listed again: the failed task is still first, unless an earlier one appeared.
      }
    }
  }

  private nextRetryDelay(): number {
    this.retryDelay = this.retryDelay === 0 ? this.retryInitialMs : Math.min(this.retryDelay * this.retryFactor, this.retryMaxMs);
    return this.retryDelay;
  }

  private async list(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const tasks: string[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      if (e.name.endsWith(TASK_SUFFIX)) tasks.push(e.name);
      else if (e.name.endsWith(TMP_SUFFIX) && !this.reportedTmp.has(e.name)) await this.checkTmp(e.name);
    }
    return tasks.sort(compareTaskNames);
  }

  private async checkTmp(name: string): Promise<void> {
    try {
      const st = await stat(join(this.dir, name));
      if (Date.now() - st.mtimeMs > this.staleTmpMs) {
        this.reportedTmp.add(name);
        this.logger.warn('abandoned partial task file left in the queue directory; it is never read', { file: name });
      }
    } catch {
      // Gone already: a publisher renamed it in the meantime.
    }
  }

  /**
   * Reads task `name` and hands it to the handler; resolves once the handler has been called
   * (or the task was settled without it), with the promise of the task's outcome (wrapped: a
   * promise resolved with a promise would wait for it).
   */
  private async handOver(name: string, handler: TaskHandler): Promise<{ outcome: Promise<Outcome> }> {
    const path = join(this.dir, name);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      if (isNotFound(err)) return { outcome: Promise.resolve('done') };
      this.logger.error('cannot read task file', { file: name, error: errorMessage(err) });
      return { outcome: Promise.resolve('retry') };
    }
    if (data.byteLength === 0) {
      this.logger.warn('removing empty task file (incomplete write)', { file: name });
      return { outcome: this.remove(name) };
    }
    let task: Task;
    try {
      task = deserializeTask(data);
    } catch (err) {
      return { outcome: this.deadLetter(name, `cannot deserialize task: ${errorMessage(err)}`) };
    }
    let handled: Promise<void>;
    try {
      handled = handler(task);
    } catch (err) {
      handled = Promise.reject(err);
    }
    const outcome = handled.then(
      () => this.remove(name),
      (err: unknown) => {
        if (err instanceof DropTaskError) return this.deadLetter(name, `handler dropped task: ${errorMessage(err)}`);
        this.logger.warn('task failed; it stays queued', { file: name, error: errorMessage(err) });
        return 'retry' as const;
      },
    );
    return { outcome };
  }

  private async remove(name: string): Promise<Outcome> {
    try {
      await unlink(join(this.dir, name));
      return 'done';
    } catch (err) {
      if (isNotFound(err)) return 'done';
      // The task will be handed out again; handlers are idempotent by hit id.
      this.logger.error('cannot delete processed task file', { file: name, error: errorMessage(err) });
      return 'retry';
    }
  }

  private async deadLetter(name: string, reason: string): Promise<Outcome> {
    const dlDir = join(this.dir, DEAD_LETTER_DIR);
    try {
      await mkdir(dlDir, { recursive: true, mode: 0o750 });
      // Reason first: if we crash in between, the task is simply dead-lettered again.
      await writeFile(join(dlDir, name + REASON_SUFFIX), `${new Date().toISOString()} ${reason}\n`, { mode: 0o600 });
      await rename(join(this.dir, name), join(dlDir, name));
    } catch (err) {
      if (isNotFound(err)) return 'done';
      this.logger.error('cannot move task to dead letters', { file: name, reason, error: errorMessage(err) });
      return 'retry';
    }
    this.logger.error('task moved to dead letters', { file: name, reason, dir: dlDir });
    return 'done';
  }
}
