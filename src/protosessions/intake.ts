/**
 * Intake of one batch of hits into proto-session state (the reference's processBatch), as a
 * synchronous function: everything that touches state happens in one store transaction, so a
 * batch is stored whole or not at all and a re-delivered batch finds its hits already there.
 */
import { encodeHit } from '../hits/hit-codec.js';
import type { Hit } from '../hits/hit.js';
import { MEASUREMENT_PROTOCOL_HITS, PROTOCOL_METADATA_KEY, storedFrameItem } from '../hits/hit.js';
import type { Logger } from '../monitoring/logger.js';
import { UnknownPropertyError } from '../settings/property-registry.js';
import type { PropertySettings } from '../settings/types.js';
import { dueBucket } from './buckets.js';
import {
  ISOLATED_CLIENT_ID,
  ISOLATED_GA_SESSION_STAMP,
  isolatedGaSessionStamp,
  ISOLATED_SESSION_STAMP,
  ISOLATED_USER_ID_STAMP,
  MARKED_FOR_EVICTION,
  ORIGINAL_AUTHORITATIVE_CLIENT_ID,
  isolatedClientId,
  isolatedSessionStamp,
  isolatedUserIdStamp,
} from './stamps.js';
import { PairMap } from '../storage/pair-map.js';
import type { IdentifierKey, IdentifierType, NewHit, ProtoSessionStore } from './store.js';

/** What intake needs of the property registry (PropertyRegistry satisfies it). */
export interface PropertySettingsLookup {
  byPropertyId(propertyId: string): PropertySettings;
}

export interface IntakeContext {
  store: ProtoSessionStore;
  properties: PropertySettingsLookup;
  logger: Logger;
  /** bucket(now) of the worker's hit-time clock; 0 before any time was seen. */
  currentBucket: number;
}

export interface IntakeReport {
  received: number;
  /**
   * Hits written. A hit stored by an earlier delivery is written again and left out when its
   * proto-session closes (the store counts it then).
   */
  stored: number;
  /** Hits whose proto-session's bucket had already been closed or passed. */
  late: number;
  /** Hits of a property no configured property takes. */
  unknownProperty: number;
  /** Server-received time of the latest hit kept, the value the clock moves to. */
  lastHitTimeMs: number | undefined;
}

/**
 * The distinct identifiers of a group of hits, in the order first seen. A proto-session's hits
 * in one batch mostly hold one or two, so they are compared in a list; a set keyed by joined
 * text (a new string to hash for every hit) is made only for a group with many.
 */
class DistinctIdentifiers {
  readonly list: IdentifierKey[] = [];
  private names: Set<string> | undefined;

  add(key: IdentifierKey): void {
    if (this.names === undefined) {
      for (const known of this.list) if (known.stamp === key.stamp && known.type === key.type) return;
      this.list.push(key);
      if (this.list.length > 16) this.names = new Set(this.list.map(identifierName));
      return;
    }
    const name = identifierName(key);
    if (this.names.has(name)) return;
    this.names.add(name);
    this.list.push(key);
  }
}

const identifierName = (key: IdentifierKey): string => `${key.type}:${key.stamp}`;

/** What one batch stores for one proto-session: one row, one due mark. */
interface StoredGroup {
  due: number;
  firstHitMs: number;
  hits: NewHit[];
  identifiers: DistinctIdentifiers;
}

interface PreparedHit {
  hit: Hit;
  settings: PropertySettings;
  /** The hit's server-received time, read once: requests may be classes with accessors. */
  time: number;
  due: number;
  identifiers: IdentifierKey[];
  /** The bytes the hit came in, while they still encode it. */
  item: Uint8Array | undefined;
}

/**
 * Keys intake computes (stamps) or sets (the isolated client id) itself: a hit that comes with
 * them has them dropped, so no stale or forged value is stored.
 */
const INTAKE_KEYS = new Set([ISOLATED_CLIENT_ID, ISOLATED_SESSION_STAMP, ISOLATED_USER_ID_STAMP, ISOLATED_GA_SESSION_STAMP]);

/** Whether a hit comes with keys intake owns, which it must then be stored without. */
function hasIntakeKeys(hit: Hit): boolean {
  for (const key of Object.keys(hit.metadata)) if (INTAKE_KEYS.has(key)) return true;
  return false;
}

/**
 * A copy without the keys intake owns. Built key by key rather than copied and then `delete`d
 * from: deleting turns an object into a slow hash table.
 */
function copyWithoutIntakeKeys(hit: Hit): Hit {
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(hit.metadata)) {
    if (INTAKE_KEYS.has(key)) continue;
    // A key named __proto__ must stay data, not become the prototype.
    if (key === '__proto__') Object.defineProperty(metadata, key, { value: hit.metadata[key], enumerable: true, writable: true, configurable: true });
    else metadata[key] = hit.metadata[key]!;
  }
  return { ...hit, metadata };
}

/** A copy of a hit handed to the client that owns one of its identifiers, marked so. */
function handedToOwner(hit: Hit, owner: string): Hit {
  // Spread defines keys as data, so a metadata key named __proto__ stays one.
  const metadata = { ...hit.metadata, [ORIGINAL_AUTHORITATIVE_CLIENT_ID]: hit.authoritativeClientId, [MARKED_FOR_EVICTION]: 'true' };
  return { ...hit, metadata, authoritativeClientId: owner };
}

/**
 * A batch's groups in the order they will be closed (by due bucket; first seen first among
 * equals). Their rows then lie in the state file roughly as closing takes them, so a close
 * empties whole pages in one commit instead of rewriting each page once per commit that
 * takes some of its rows.
 */
function inDueOrder(groups: Map<string, StoredGroup>): [string, StoredGroup][] {
  const entries = [...groups];
  // Array sort is stable: groups due together keep the order their first hits came in.
  return entries.sort((a, b) => a[1].due - b[1].due);
}

function inTimeOrder(hits: readonly PreparedHit[]): boolean {
  for (let i = 1; i < hits.length; i++) if (hits[i]!.time < hits[i - 1]!.time) return false;
  return true;
}

export function ingestBatch(ctx: IntakeContext, input: readonly Hit[]): IntakeReport {
  const report: IntakeReport = { received: input.length, stored: 0, late: 0, unknownProperty: 0, lastHitTimeMs: undefined };
  if (input.length === 0) return report;
  ctx.logger.debug(`appending to proto-sessions hits batch of size \`${input.length}\``, { hits: input.length });

  // Stamps first, from the settings of each hit's property.
  const prepared: PreparedHit[] = [];
  for (const original of input) {
    let settings: PropertySettings;
    try {
      settings = ctx.properties.byPropertyId(original.propertyId);
    } catch (err) {
      if (!(err instanceof UnknownPropertyError)) throw err;
      report.unknownProperty++;
      ctx.logger.warn('skipping a hit of an unknown property', { property_id: original.propertyId, hit_id: original.id });
      continue;
    }
    // The caller's hits are never changed: one that must change is copied first (here, or when
    // it is handed to another client). A hit stored as it came is stored as the bytes it came in.
    const owned = hasIntakeKeys(original);
    const hit = owned ? copyWithoutIntakeKeys(original) : original;
    const item = owned ? undefined : storedFrameItem(original);
    // The stamps are stored beside the hits (see hit-chunk.ts), not in their metadata.
    const identifiers: IdentifierKey[] = [];
    const serverSent = hit.metadata[PROTOCOL_METADATA_KEY] === MEASUREMENT_PROTOCOL_HITS;
    // A server's headers and address say nothing about the visitor: its events would all share one stamp.
    if (settings.joinBySessionStamp && !serverSent) identifiers.push({ type: 'session_stamp', stamp: isolatedSessionStamp(hit) });
    if (settings.joinByUserId && hit.userId !== null) identifiers.push({ type: 'user_id', stamp: isolatedUserIdStamp(hit.propertyId, hit.userId) });
    // Only properties that take Measurement Protocol events pay for the extra identifier.
    if (settings.measurementProtocol.apiSecrets.length > 0) {
      const gaSession = isolatedGaSessionStamp(hit);
      if (gaSession !== undefined) identifiers.push({ type: 'ga_session', stamp: gaSession });
    }
    const time = hit.request.serverReceivedTime;
    const due = dueBucket(time, settings.sessionTimeoutMs);
    prepared.push({ hit, settings, time, due, identifiers, item });
  }

  // A hit whose due bucket the clock has reached belongs to a session that is closed or about
  // to be; the reference drops it rather than open a session that would close at once.
  // `cursor` guards the window after a restart, when the clock starts from zero again: buckets
  // below the cursor are never visited again, so a hit due there could never be closed.
  const cursor = ctx.store.cursor();
  const kept: PreparedHit[] = [];
  const lateByBucket = new Map<number, PreparedHit[]>();
  for (const p of prepared) {
    if (p.due <= ctx.currentBucket || (cursor !== undefined && p.due < cursor)) {
      let group = lateByBucket.get(p.due);
      if (group === undefined) lateByBucket.set(p.due, (group = []));
      group.push(p);
    } else {
      kept.push(p);
    }
  }
  for (const [bucket, group] of lateByBucket) {
    report.late += group.length;
    ctx.logger.warn('dropping late hits: the proto-session bucket they are due in has already passed', {
      hits: group.length,
      bucket,
      current_bucket: ctx.currentBucket,
      cursor,
    });
  }
  // Stable: hits of one request share a time and keep their request order. A queue task holds
  // hits in arrival order, so the sort is mostly a check.
  if (!inTimeOrder(kept)) kept.sort((a, b) => a.time - b.time);

  ctx.store.transaction(() => {
    // Claim each identifier; the first client to claim one owns it. A client that meets an
    // identifier owned by another client is attributed to that owner for the whole batch
    // (one hop only: the owner's own owner is not followed).
    // Conflicts are per property: a client id seen in two properties is two clients.
    const ownerOf = new PairMap<string>();
    // The same claim repeated in a batch gets the same answer: ask the store once.
    const claimed: Record<IdentifierType, PairMap<string>> = { session_stamp: new PairMap(), user_id: new PairMap(), ga_session: new PairMap() };
    for (const p of kept) {
      const client = p.hit.authoritativeClientId;
      for (const key of p.identifiers) {
        const claims = claimed[key.type];
        let owner = claims.get(key.stamp, client);
        if (owner === undefined) {
          owner = ctx.store.claimIdentifier(key, client);
          claims.set(key.stamp, client, owner);
        }
        if (owner !== client) ownerOf.set(p.hit.propertyId, client, owner);
      }
    }

    // A proto-session's hits of one batch are stored together, and its mark keeps its latest
    // due bucket and earliest hit time, so each proto-session gets one row and one mark.
    const groups = new Map<string, StoredGroup>();
    // A client's hits share their proto-session id: one hash per client and batch, not per hit.
    const psIdOf = new PairMap<string>();
    for (const p of kept) {
      let hit = p.hit;
      const propertyId = hit.propertyId;
      const client = hit.authoritativeClientId;
      const owner = ownerOf.get(propertyId, client);
      let item = p.item;
      if (owner !== undefined) {
        hit = handedToOwner(hit, owner);
        item = undefined;
      }
      let psId = psIdOf.get(propertyId, client);
      if (psId === undefined) {
        psId = isolatedClientId(propertyId, hit.authoritativeClientId);
        psIdOf.set(propertyId, client, psId);
      }
      const time = p.time;
      const stored: NewHit = item !== undefined ? { hitId: hit.id, receivedMs: time, item } : { hitId: hit.id, receivedMs: time, payload: encodeHit(hit) };
      let group = groups.get(psId);
      if (group === undefined) groups.set(psId, (group = { due: p.due, firstHitMs: time, hits: [stored], identifiers: new DistinctIdentifiers() }));
      else {
        group.hits.push(stored);
        if (p.due > group.due) group.due = p.due;
        if (time < group.firstHitMs) group.firstHitMs = time;
      }
      for (const key of p.identifiers) group.identifiers.add(key);
    }
    for (const [psId, group] of inDueOrder(groups)) {
      ctx.store.appendHits(psId, group.hits, group.identifiers.list);
      ctx.store.markDue(psId, group.due, group.firstHitMs);
      report.stored += group.hits.length;
    }

    // Identifiers of late hits may be stale leftovers; release them, but only when their owner
    // has no open proto-session (the reference releases them unconditionally, which can cut a
    // live session off from its own identifiers).
    const released = new Set<string>();
    for (const group of lateByBucket.values()) {
      for (const p of group) {
        for (const key of p.identifiers) {
          const k = `${key.type}\u0000${key.stamp}`;
          if (released.has(k)) continue;
          released.add(k);
          const owner = ctx.store.identifierOwner(key);
          if (owner !== undefined && !ctx.store.isOpen(isolatedClientId(p.hit.propertyId, owner))) ctx.store.removeIdentifier(key);
        }
      }
    }
  });

  const last = kept[kept.length - 1];
  report.lastHitTimeMs = last?.time;
  return report;
}
