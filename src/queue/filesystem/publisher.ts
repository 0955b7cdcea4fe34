import { mkdirSync, constants as fsConstants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeTask } from '../message-format.js';
import type { Publisher, Task } from '../task.js';
import { fsyncDirectory } from './fs-util.js';
import { TASK_SUFFIX, TMP_SUFFIX, processTaskNamer, type TaskNamer } from './task-names.js';
import { InFlight } from '../in-flight.js';

export interface FilesystemPublisherOptions {
  /** Name source; tests inject one with a frozen clock. Defaults to the process-wide namer. */
  namer?: TaskNamer;
}

/**
 * Publishes each task as one file in a directory: written to `<name>.tmp`, fsynced, renamed to
 * `<name>.task`, then the directory is fsynced so the rename itself survives a power loss.
 * The consumer never reads `.tmp` files, so it only ever sees complete tasks.
 */
export class FilesystemPublisher implements Publisher {
  private readonly namer: TaskNamer;
  private readonly inFlight = new InFlight();
  private closed = false;

  constructor(
    readonly dir: string,
    options: FilesystemPublisherOptions = {},
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    this.namer = options.namer ?? processTaskNamer;
  }

  publish(task: Task): Promise<void> {
    if (this.closed) return Promise.reject(new Error('filesystem publisher is closed'));
    let data: Uint8Array;
    try {
      data = serializeTask(task);
    } catch (err) {
      return Promise.reject(err);
    }
    // The name is taken synchronously so names follow the order of publish() calls.
    const name = this.namer.next();
    const p = this.write(name, data);
    return this.inFlight.track(p);
  }

  private async write(name: string, data: Uint8Array): Promise<void> {
    const tmp = join(this.dir, name + TMP_SUFFIX);
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        let off = 0;
        while (off < data.byteLength) {
          const { bytesWritten } = await fh.write(data, off, data.byteLength - off);
          off += bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.dir, name + TASK_SUFFIX));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    await fsyncDirectory(this.dir);
  }

  async ready(): Promise<boolean> {
    try {
      if (!(await stat(this.dir)).isDirectory()) return false;
      await access(this.dir, fsConstants.W_OK);
      return !this.closed;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight.settled();
  }
}
