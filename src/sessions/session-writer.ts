import type { Session } from '../schema/session.js';

/**
 * Takes closed sessions (all of one property per call, or several properties where the
 * implementation says so) and carries them towards the warehouse. Decorators (in-memory
 * buffer, disk spool) and the column-computing writer share this interface.
 */
export interface WriteOptions {
  /**
   * Names this write for idempotency: the same id means the same sessions (a retried close).
   * A durable writer that already holds a write with this id does nothing.
   */
  writeId?: string;
}

export interface SessionWriter {
  write(sessions: Session[], options?: WriteOptions): Promise<void>;
  close(): Promise<void>;
}
