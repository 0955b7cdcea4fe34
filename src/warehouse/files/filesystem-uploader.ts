/**
 * Objects as files under one root folder. Content goes to a hidden temp file in the root
 * first and is fsynced, then renamed into place, so readers never see a half-written file and
 * a re-upload of the same key replaces the earlier file in one step.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { syncDirectory } from './durable-fs.js';
import { InvalidObjectKeyError, SettlingUpload, type ObjectUpload, type ObjectUploader } from './object-uploader.js';

export const UPLOAD_TEMP_PREFIX = '.upload-';
export const UPLOAD_TEMP_SUFFIX = '.tmp';
/** Temp files older than this are leftovers of a crash, not uploads in progress. */
const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

export class FilesystemUploader implements ObjectUploader {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Creates the root folder (0750 for new folders) and removes temp files that a crashed
   * upload left behind long ago. Young ones are kept: another process may still be writing them.
   */
  async prepare(now: number = Date.now()): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o750 });
    for (const name of await readdir(this.root)) {
      if (!name.startsWith(UPLOAD_TEMP_PREFIX) || !name.endsWith(UPLOAD_TEMP_SUFFIX)) continue;
      const path = join(this.root, name);
      try {
        if (now - (await stat(path)).mtimeMs > STALE_TEMP_AGE_MS) await unlink(path);
      } catch {
        // Gone already or not ours to remove; neither matters.
      }
    }
  }

  describe(): string {
    return `folder ${this.root}`;
  }

  async begin(key: string): Promise<ObjectUpload> {
    const target = this.targetPath(key);
    const temp = join(this.root, `${UPLOAD_TEMP_PREFIX}${randomBytes(8).toString('hex')}${UPLOAD_TEMP_SUFFIX}`);
    const fh = await open(temp, 'wx', 0o640);
    return new FilesystemUpload(key, fh, temp, target);
  }

  private targetPath(key: string): string {
    if (key === '' || isAbsolute(key) || key.startsWith('/') || key.startsWith('\\')) {
      throw new InvalidObjectKeyError(`object key must be a relative path: ${JSON.stringify(key)}`);
    }
    const segments = key.split(/[/\\]/);
    if (segments.some((s) => s === '.' || s === '..' || s === '')) {
      throw new InvalidObjectKeyError(`object key must not contain empty, "." or ".." segments: ${JSON.stringify(key)}`);
    }
    const target = resolve(this.root, ...segments);
    const rel = relative(this.root, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '..') {
      throw new InvalidObjectKeyError(`object key leaves the destination folder: ${JSON.stringify(key)}`);
    }
    return target;
  }
}

class FilesystemUpload extends SettlingUpload {
  private closed = false;

  constructor(
    key: string,
    private readonly fh: FileHandle,
    private readonly tempPath: string,
    private readonly targetPath: string,
  ) {
    super(key);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertOpen('write');
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await this.fh.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  }

  protected async publish(): Promise<void> {
    await this.fh.sync();
    await this.closeFile();
    await mkdir(dirname(this.targetPath), { recursive: true, mode: 0o750 });
    await moveIntoPlace(this.tempPath, this.targetPath);
    await syncDirectory(dirname(this.targetPath));
  }

  protected async discard(): Promise<void> {
    await this.closeFile().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  private async closeFile(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/** Rename, or copy and delete when the target folder is on another device (a mount inside the root). */
async function moveIntoPlace(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const staged = `${to}${UPLOAD_TEMP_SUFFIX}`;
    await copyFile(from, staged);
    const fh = await open(staged, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(staged, to);
    await unlink(from);
  }
}
