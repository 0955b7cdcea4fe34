import type { ByteSink } from './segment-format.js';

/**
 * One object being written. Its content becomes visible under its key only on `commit`;
 * `abort` discards it. Both settle once: a second call of the same kind does nothing, and the
 * other kind after one of them is an error.
 */
export interface ObjectUpload extends ByteSink {
  readonly key: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A destination of output objects (a local folder, or a bucket on S3 or GCS). */
export interface ObjectUploader {
  /** Starts an object at `key`, a relative `/`-separated path; an existing object is replaced on commit. */
  begin(key: string): Promise<ObjectUpload>;
  /** Where objects go, for logs. */
  describe(): string;
}

export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
}

/**
 * The settling rules of every upload (see `ObjectUpload`): `commit` publishes once and, when
 * publishing fails, discards what was written; `abort` discards; neither after the other.
 * Subclasses write bytes and say how to publish and how to discard.
 */
export abstract class SettlingUpload implements ObjectUpload {
  private state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(readonly key: string) {}

  abstract write(chunk: Uint8Array): Promise<void>;

  /** The format is done; nothing is visible until `commit`. */
  async end(): Promise<void> {
    this.assertOpen('end');
  }

  async commit(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state === 'aborted') throw new Error(`upload of ${this.key} was aborted; it cannot be committed`);
    try {
      await this.publish();
      this.state = 'committed';
    } catch (err) {
      await this.abandon();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    if (this.state === 'committed') throw new Error(`upload of ${this.key} was committed; it cannot be aborted`);
    await this.abandon();
  }

  /** Makes what was written visible under the key. */
  protected abstract publish(): Promise<void>;

  /** Removes what was written; must not throw. */
  protected abstract discard(): Promise<void>;

  protected assertOpen(what: string): void {
    if (this.state !== 'open') throw new Error(`cannot ${what} upload of ${this.key}: it is ${this.state}`);
  }

  private async abandon(): Promise<void> {
    this.state = 'aborted';
    await this.discard();
  }
}
