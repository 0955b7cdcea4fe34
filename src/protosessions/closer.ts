import type { Hit } from '../hits/hit.js';

/**
 * Receives proto-sessions whose inactivity timeout has passed: each is the hits of one
 * (isolated) client, sorted by server-received time. Resolving means they are handed on
 * safely; rejecting makes the timing wheel retry the bucket.
 */
export interface ProtoSessionCloser {
  /**
   * `closeId` names this close (the timing-wheel bucket); a retry of the same bucket, also after
   * a crash, carries the same id, so writers can recognise work they already made durable.
   */
  close(protoSessions: Hit[][], closeId?: string): Promise<void>;
}
