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

/**
 * A writer that also takes sessions already encoded as frame entries (`encodeSessionEntry`), so
 * a buffer in front of it can hold each session as bytes from the moment it arrives instead of
 * as the objects of its hits.
 */
export interface SessionEntryWriter extends SessionWriter {
  writeEntries(propertyId: string, entries: readonly Uint8Array[]): Promise<void>;
}

export function takesEntries(writer: SessionWriter): writer is SessionEntryWriter {
  return typeof (writer as Partial<SessionEntryWriter>).writeEntries === 'function';
}
