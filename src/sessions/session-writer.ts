import type { Session } from '../schema/session.js';

/**
 * Takes closed sessions (all of one property per call, or several properties where the
 * implementation says so) and carries them towards the warehouse. Decorators (in-memory
 * buffer, disk spool) and the column-computing writer share this interface.
 */
export interface SessionWriter {
  write(sessions: Session[]): Promise<void>;
  close(): Promise<void>;
}
