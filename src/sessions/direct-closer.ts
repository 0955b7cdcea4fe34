import type { Hit } from '../hits/hit.js';
import { silentLogger, type Logger } from '../monitoring/logger.js';
import type { ProtoSessionCloser } from '../protosessions/closer.js';
import { newEvent, newSession, type Session } from '../schema/session.js';
import type { SessionWriter } from './session-writer.js';

/**
 * Turns closed proto-sessions into sessions and hands them to the session writer, one
 * `write` per property in sorted property-id order (so output order does not depend on the
 * order proto-sessions came out of storage).
 *
 * A failed write rejects at once after logging: the timing wheel owns the retry and its
 * pacing, so nothing here sleeps. Properties written before the failure are written again on
 * that retry.
 */
export class DirectCloser implements ProtoSessionCloser {
  constructor(
    private readonly writer: SessionWriter,
    private readonly logger: Logger = silentLogger,
  ) {}

  async close(protoSessions: Hit[][], closeId?: string): Promise<void> {
    const byProperty = new Map<string, Session[]>();
    for (const hits of protoSessions) {
      if (hits.length === 0) continue;
      // Callers promise time order (the store gives it), so the order is checked before a stably
      // sorted copy is made; the input stays as it is either way (events are a new list).
      const ordered = inTimeOrder(hits) ? hits : [...hits].sort((a, b) => a.request.serverReceivedTime - b.request.serverReceivedTime);
      const session = newSession(ordered.map(newEvent));
      let group = byProperty.get(session.propertyId);
      if (group === undefined) {
        group = [];
        byProperty.set(session.propertyId, group);
      }
      group.push(session);
    }
    const propertyIds = [...byProperty.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const propertyId of propertyIds) {
      const sessions = byProperty.get(propertyId) as Session[];
      try {
        await this.writer.write(sessions, closeId === undefined ? {} : { writeId: `${closeId}/${propertyId}` });
      } catch (err) {
        this.logger.error('failed to write sessions for a property', {
          propertyId,
          sessions: sessions.length,
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      }
    }
  }
}

function inTimeOrder(hits: readonly Hit[]): boolean {
  for (let i = 1; i < hits.length; i++) if (hits[i]!.request.serverReceivedTime < hits[i - 1]!.request.serverReceivedTime) return false;
  return true;
}
