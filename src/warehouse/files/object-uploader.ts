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
