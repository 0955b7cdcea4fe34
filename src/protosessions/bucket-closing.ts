/**
 * Turning one bucket's stored proto-sessions into what the closer receives (the reference's
 * processBucket, minus the awaiting, which the engine does).
 */
import { decodeStoredHit } from '../hits/hit-codec.js';
import type { Hit } from '../hits/hit.js';
import type { Logger } from '../monitoring/logger.js';
import { closerShard } from './fnv.js';
import { ISOLATED_GA_SESSION_STAMP, ISOLATED_SESSION_STAMP, ISOLATED_USER_ID_STAMP } from './stamps.js';
import type { IdentifierKey, IdentifierType, ProtoSessionStore, StoredProtoSession } from './store.js';

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
 * A stored hit whose ids, metadata or time no longer decode is logged and left out, but still
 * counts as read: it can never be closed, and keeping it would fail the bucket forever. The rest
 * of its request is read only when something asks for it (see `decodeStoredHit`).
 */
export function readBucketToClose(store: ProtoSessionStore, bucket: number, logger: Logger): BucketToClose {
  const read = store.readBucket(bucket);
  const decoded: Decoded[] = [];
  // Every stamp stored with the hits is released, whatever the property's join settings are
  // now: the stamps exist only because joining was on when the hits arrived. One set per kind
  // of stamp, keyed by the stamp itself (a key joined per hit cost a twentieth of closing).
  const sessionStamps = new Set<string>();
  const userStamps = new Set<string>();
  const gaSessionStamps = new Set<string>();
  const stampsOf: Record<IdentifierType, Set<string>> = { session_stamp: sessionStamps, user_id: userStamps, ga_session: gaSessionStamps };
  let hitCount = 0;
  for (const ps of read) {
    for (const reason of ps.unreadable) logger.error('discarding stored hits that cannot be read', { proto_session: ps.id, bucket, error: reason });
    for (const key of ps.identifiers) stampsOf[key.type].add(key.stamp);
    const hits: Hit[] = [];
    for (const stored of ps.hits) {
      let hit: Hit;
      try {
        hit = decodeStoredHit(stored.payload);
      } catch (err) {
        logger.error('discarding a stored hit that does not decode', { proto_session: ps.id, hit_id: stored.hitId, bucket, error: err });
        continue;
      }
      hits.push(hit);
      // Hits stored by earlier builds carry their stamps in their metadata instead.
      const session = hit.metadata[ISOLATED_SESSION_STAMP];
      if (session !== undefined) sessionStamps.add(session);
      const user = hit.metadata[ISOLATED_USER_ID_STAMP];
      if (user !== undefined) userStamps.add(user);
      const gaSession = hit.metadata[ISOLATED_GA_SESSION_STAMP];
      if (gaSession !== undefined) gaSessionStamps.add(gaSession);
    }
    if (hits.length === 0) continue;
    hitCount += hits.length;
    decoded.push({ id: ps.id, shard: closerShard(ps.id), hits });
  }
  decoded.sort((a, b) => a.shard - b.shard || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const identifiers: IdentifierKey[] = [];
  for (const stamp of sessionStamps) identifiers.push({ type: 'session_stamp', stamp });
  for (const stamp of userStamps) identifiers.push({ type: 'user_id', stamp });
  for (const stamp of gaSessionStamps) identifiers.push({ type: 'ga_session', stamp });
  return { bucket, protoSessions: decoded.map((d) => d.hits), hitCount, read, identifiers };
}

/**
 * Consecutive due buckets closed together: one closer call and one commit for all of them.
 * A catch-up after downtime (or a replay's final drain) finds hundreds of buckets due at once;
 * closed one by one, each paid a durable commit of its own, which made the commit the larger
 * part of closing.
 */
export interface BucketRunToClose {
  /** Each bucket as read, in bucket order; at least one. */
  buckets: BucketToClose[];
  /** The last bucket of the run. */
  last: number;
  hitCount: number;
  /** Names the close, so a retried close of the same run is recognised downstream. */
  closeId: string;
}

/** The run's proto-sessions, bucket after bucket, each bucket in closer order. */
export function protoSessionsOf(run: BucketRunToClose): Hit[][] {
  return run.buckets.length === 1 ? run.buckets[0]!.protoSessions : run.buckets.flatMap((b) => b.protoSessions);
}

export interface BucketRunLimits {
  /** The last bucket the run may take. */
  lastBucket: number;
  /** A run stops taking buckets once it holds this many hits (the first bucket is always taken whole). */
  maxHits: number;
}

/**
 * Reads bucket `first` and then the next due buckets up to `limits.lastBucket`, until the run
 * holds `limits.maxHits` hits. The same stored state always gives the same run.
 */
export function readBucketRunToClose(store: ProtoSessionStore, first: number, limits: BucketRunLimits, logger: Logger): BucketRunToClose {
  const buckets = [readBucketToClose(store, first, logger)];
  let hitCount = buckets[0]!.hitCount;
  let last = first;
  for (let next = store.nextDueBucket(first + 1); next !== undefined && next <= limits.lastBucket && hitCount < limits.maxHits; next = store.nextDueBucket(next + 1)) {
    const read = readBucketToClose(store, next, logger);
    buckets.push(read);
    hitCount += read.hitCount;
    last = next;
  }
  return { buckets, last, hitCount, closeId: last === first ? `bucket-${first}` : `buckets-${first}-${last}` };
}

/** After the closer accepted the run: delete what was read, release identifiers, and move the cursor, atomically. */
export function commitClosedRun(store: ProtoSessionStore, run: BucketRunToClose, nextCursor: number | undefined): void {
  store.transaction(() => {
    for (const closed of run.buckets) {
      store.removeClosed(closed.bucket, closed.read);
      for (const key of closed.identifiers) store.removeIdentifier(key);
    }
    if (nextCursor !== undefined) store.setCursor(nextCursor);
  });
}
