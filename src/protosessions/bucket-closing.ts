/**
 * Turning one bucket's stored proto-sessions into what the closer receives (the reference's
 * processBucket, minus the awaiting, which the engine does).
 */
import { decodeHit } from '../hits/hit-codec.js';
import type { Hit } from '../hits/hit.js';
import type { Logger } from '../monitoring/logger.js';
import { closerShard } from './fnv.js';
import { ISOLATED_GA_SESSION_STAMP, ISOLATED_SESSION_STAMP, ISOLATED_USER_ID_STAMP } from './stamps.js';
import type { IdentifierKey, ProtoSessionStore, StoredProtoSession } from './store.js';

export interface BucketToClose {
  bucket: number;
  /** Every proto-session with at least one hit, in closer order; hits in time order. */
  protoSessions: Hit[][];
  hitCount: number;
  /** Exactly what was read, for the cleanup after a successful close. */
  read: StoredProtoSession[];
  /** Identifiers the closed proto-sessions held; released with them. */
  identifiers: IdentifierKey[];
}

interface Decoded {
  id: string;
  shard: number;
  hits: Hit[];
}

/**
 * Reads bucket `bucket` and orders it: by closer shard (FNV-1a of the isolated client id, mod
 * 10), then by isolated client id, so the same state always gives the same close call.
 *
 * A stored hit that no longer decodes is logged and left out, but still counts as read: it can
 * never be closed, and keeping it would fail the bucket forever.
 */
export function readBucketToClose(store: ProtoSessionStore, bucket: number, logger: Logger): BucketToClose {
  const read = store.readBucket(bucket);
  const decoded: Decoded[] = [];
  const identifiers = new Map<string, IdentifierKey>();
  let hitCount = 0;
  for (const ps of read) {
    const hits: Hit[] = [];
    for (const stored of ps.hits) {
      let hit: Hit;
      try {
        hit = decodeHit(stored.payload);
      } catch (err) {
        logger.error('discarding a stored hit that does not decode', { proto_session: ps.id, hit_id: stored.hitId, bucket, error: err });
        continue;
      }
      hits.push(hit);
      // Every stamp the hits carry is released, whatever the property's join settings are now:
      // the stamps exist only because joining was on when the hit arrived.
      const session = hit.metadata[ISOLATED_SESSION_STAMP];
      if (session !== undefined) identifiers.set(`s${session}`, { type: 'session_stamp', stamp: session });
      const user = hit.metadata[ISOLATED_USER_ID_STAMP];
      if (user !== undefined) identifiers.set(`u${user}`, { type: 'user_id', stamp: user });
      const gaSession = hit.metadata[ISOLATED_GA_SESSION_STAMP];
      if (gaSession !== undefined) identifiers.set(`g${gaSession}`, { type: 'ga_session', stamp: gaSession });
    }
    if (hits.length === 0) continue;
    hitCount += hits.length;
    decoded.push({ id: ps.id, shard: closerShard(ps.id), hits });
  }
  decoded.sort((a, b) => a.shard - b.shard || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { bucket, protoSessions: decoded.map((d) => d.hits), hitCount, read, identifiers: [...identifiers.values()] };
}

/** After the closer accepted the bucket: delete what was read, release identifiers, and move the cursor, atomically. */
export function commitClosedBucket(store: ProtoSessionStore, closed: BucketToClose, nextCursor: number | undefined): void {
  store.transaction(() => {
    store.removeClosed(closed.bucket, closed.read);
    for (const key of closed.identifiers) store.removeIdentifier(key);
    if (nextCursor !== undefined) store.setCursor(nextCursor);
  });
}
