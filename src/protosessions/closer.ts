import type { Hit } from '../hits/hit.js';

/**
 * Receives proto-sessions whose inactivity timeout has passed: each is the hits of one
 * (isolated) client, sorted by server-received time. Resolving means they are handed on
 * safely; rejecting makes the timing wheel retry the bucket.
 */
export interface ProtoSessionCloser {
  close(protoSessions: Hit[][]): Promise<void>;
}
