/**
 * Persistent state of open proto-sessions. Every method is synchronous and, called inside
 * `transaction`, part of that one atomic commit; the engine relies on this to make each intake
 * batch and each bucket close all-or-nothing.
 */

/** Kinds of identifier that join hits of different clients into one proto-session. */
/** `ga_session`: a GA4 session id (`sid`) of one client, shared by its web hits and Measurement Protocol events. */
export type IdentifierType = 'session_stamp' | 'user_id' | 'ga_session';

export interface IdentifierKey {
  type: IdentifierType;
  /** Isolated stamp: 64 lowercase hex characters. */
  stamp: string;
}

/** One stored hit as read back for closing; `seq` names the row so cleanup can delete exactly it. */
export interface StoredHit {
  seq: number;
  hitId: string;
  receivedMs: number;
  payload: Uint8Array;
}

export interface StoredProtoSession {
  /** Isolated client id (64 lowercase hex characters, as every id and stamp the store takes). */
  id: string;
  /** In server-received time order, ties in arrival order. May be empty. */
  hits: StoredHit[];
}

export interface ProtoSessionStore {
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;

  /** The client owning the identifier; when nobody does, `clientId` becomes and is returned as the owner. */
  claimIdentifier(key: IdentifierKey, clientId: string): string;
  identifierOwner(key: IdentifierKey): string | undefined;
  removeIdentifier(key: IdentifierKey): void;

  /** Adds a hit; a hit id already stored for the proto-session is left as it is. Returns whether it was new. */
  appendHit(protoSessionId: string, hitId: string, receivedMs: number, payload: Uint8Array): boolean;
  /** Records the bucket the proto-session is due in, keeping the later one when it has one already. */
  markDue(protoSessionId: string, bucket: number, hitTimeMs: number): void;
  dueBucketOf(protoSessionId: string): number | undefined;
  isOpen(protoSessionId: string): boolean;

  /** Smallest bucket ≥ `fromBucket` some open proto-session is due in. */
  nextDueBucket(fromBucket: number): number | undefined;
  /** Proto-sessions whose due bucket is `bucket`, in id order, each with its hits. */
  readBucket(bucket: number): StoredProtoSession[];
  /**
   * Deletes the given hit rows and the due marks that still point at `bucket`. A proto-session
   * re-marked to a later bucket keeps its mark and any hits that were not read.
   */
  removeClosed(bucket: number, closed: readonly StoredProtoSession[]): void;

  /** The timing-wheel cursor: next bucket to close. */
  cursor(): number | undefined;
  setCursor(bucket: number): void;

  openCount(): number;
  /** Earliest first-hit time among open proto-sessions. */
  oldestFirstHitMs(): number | undefined;
  close(): void;
}
