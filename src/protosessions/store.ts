/**
 * Persistent state of open proto-sessions. Every method is synchronous and, called inside
 * `transaction`, part of that one atomic commit; the engine relies on this to make each intake
 * batch and each bucket close all-or-nothing.
 */

/** Kinds of identifier that join hits of different clients into one proto-session. */
/** `ga_session`: a GA4 session id (`sid`) of one client, shared by its web hits and Measurement Protocol events. */
export type IdentifierType = 'session_stamp' | 'user_id' | 'ga_session';

/** Numbers the state file gives the kinds of identifier (in its identifiers table and its chunks). */
export const IDENTIFIER_TYPE_CODES: Readonly<Record<IdentifierType, number>> = { session_stamp: 1, user_id: 2, ga_session: 3 };

const DIGEST_HEX = /^[0-9a-f]{64}$/;

/** Ids and stamps the state keeps must be lowercase SHA-256 hex (what stamps.ts produces). */
export function assertDigestHex(hex: string, what: string): void {
  if (!DIGEST_HEX.test(hex)) throw new TypeError(`${what} must be 64 lowercase hex characters, got ${JSON.stringify(hex)}`);
}

export interface IdentifierKey {
  type: IdentifierType;
  /** Isolated stamp: 64 lowercase hex characters. */
  stamp: string;
}

/** One stored hit as read back for closing. */
export interface StoredHit {
  hitId: string;
  receivedMs: number;
  /** The hit as intake encoded it. */
  payload: Uint8Array;
}

/**
 * A hit kept as the item bytes it was read from (`storedFrameItem`), which still encode it:
 * stored as its frame, the item after the hit codec's envelope, without being encoded again.
 */
export interface StoredHitItem {
  hitId: string;
  receivedMs: number;
  item: Uint8Array;
}

/** A hit to store, as its frame or as its item: either way `StoredHit` gives back its frame. */
export type NewHit = StoredHit | StoredHitItem;

export interface StoredProtoSession {
  /** Isolated client id (64 lowercase hex characters, as every id and stamp the store takes). */
  id: string;
  /**
   * In server-received time order, ties in arrival order; a hit id stored more than once (a
   * re-delivered task) is given once, as first stored. May be empty.
   */
  hits: StoredHit[];
  /**
   * The identifiers intake stored with the rows read (see `appendHits`), as stored: one claimed
   * in several batches comes once per row. Hits stored by builds that kept them in each hit's
   * metadata bring none here.
   */
  identifiers: IdentifierKey[];
  /** Hits left out because their id came earlier (re-deliveries). */
  duplicates: number;
  /** Why stored rows of this proto-session could not be read (each is left out, and removed on close). */
  unreadable: string[];
  /** Names the rows read, so cleanup deletes exactly them (-1: none). */
  lastRow: number;
}

export interface ProtoSessionStore {
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;

  /** The client owning the identifier; when nobody does, `clientId` becomes and is returned as the owner. */
  claimIdentifier(key: IdentifierKey, clientId: string): string;
  identifierOwner(key: IdentifierKey): string | undefined;
  removeIdentifier(key: IdentifierKey): void;

  /**
   * Stores hits of one proto-session (in arrival order), together, with the identifiers they
   * hold (released when the proto-session closes). A hit id stored before is stored again and
   * left out when the proto-session is read.
   */
  appendHits(protoSessionId: string, hits: readonly NewHit[], identifiers?: readonly IdentifierKey[]): void;
  /** Records the bucket the proto-session is due in, keeping the later one when it has one already. */
  markDue(protoSessionId: string, bucket: number, hitTimeMs: number): void;
  dueBucketOf(protoSessionId: string): number | undefined;
  isOpen(protoSessionId: string): boolean;

  /** Smallest bucket ≥ `fromBucket` some open proto-session is due in. */
  nextDueBucket(fromBucket: number): number | undefined;
  /** Proto-sessions whose due bucket is `bucket`, in id order, each with its hits. */
  readBucket(bucket: number): StoredProtoSession[];
  /**
   * Deletes the rows read and the due marks that still point at `bucket`. A proto-session
   * re-marked to a later bucket keeps its mark and any hits that were not read.
   */
  removeClosed(bucket: number, closed: readonly StoredProtoSession[]): void;

  /** The timing-wheel cursor: next bucket to close. */
  cursor(): number | undefined;
  setCursor(bucket: number): void;

  /**
   * Resolves once every commit made before the call is on disk. Commits do not wait for the
   * disk themselves: intake acknowledges a batch, and closing hands a run on or moves past it,
   * only after this.
   */
  sync(): Promise<void>;

  openCount(): number;
  /** Earliest first-hit time among open proto-sessions. */
  oldestFirstHitMs(): number | undefined;
  close(): void;
}
