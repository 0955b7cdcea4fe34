/** Shared by the session tests: session fixtures and a session writer that records its calls. */
import type { Hit } from '../../src/hits/hit.js';
import { newEvent, newSession, type Session } from '../../src/schema/session.js';
import type { SessionWriter } from '../../src/sessions/session-writer.js';
import { makeHit } from '../queue/helpers.js';

let sessionSeq = 0;

/** Hits of one client of one property, one second apart. */
export function makeHits(propertyId: string, count: number): Hit[] {
  const n = ++sessionSeq;
  return Array.from({ length: count }, (_, i) => {
    const hit = makeHit({ propertyId, id: `s${n}-h${i}`, clientId: `c${n}`, authoritativeClientId: `c${n}` });
    hit.request.serverReceivedTime = 1_700_000_000_000 + n * 100_000 + i * 1000;
    return hit;
  });
}

export function makeSession(propertyId: string, hitCount = 1): Session {
  return newSession(makeHits(propertyId, hitCount).map(newEvent));
}

/** The identity of a session in assertions: its hit ids joined. */
export function sessionTag(s: Session): string {
  return s.events.map((e) => e.hit.id).join(',');
}

export class RecordingSessionWriter implements SessionWriter {
  readonly calls: Session[][] = [];
  closed = false;
  /** Makes the next `n` writes reject. */
  failNext = 0;
  /** While set, writes wait for it before recording. */
  hold: Promise<void> | null = null;
  /** Every write and the close, in order, for checking close order. */
  readonly journal: string[] = [];

  constructor(readonly name = 'recorder') {}

  async write(sessions: Session[]): Promise<void> {
    if (this.hold !== null) await this.hold;
    if (this.closed) throw new Error(`${this.name} is closed`);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error(`${this.name} refuses the write`);
    }
    const ids = new Set(sessions.map((s) => s.propertyId));
    if (ids.size !== 1) throw new Error(`${this.name} got ${ids.size} properties in one write`);
    this.calls.push([...sessions]);
    this.journal.push(`write ${sessions.length}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.journal.push('close');
  }

  get sessions(): Session[] {
    return this.calls.flat();
  }

  tags(): string[] {
    return this.sessions.map(sessionTag);
  }
}
