/**
 * The timing wheel's unit: one bucket per whole second of hit time (Unix seconds). A
 * proto-session is due in the bucket of its last hit's time plus the session timeout.
 */
export const BUCKET_MS = 1000;

export function bucketOf(timeMs: number): number {
  return Math.floor(timeMs / BUCKET_MS);
}

export function dueBucket(hitTimeMs: number, sessionTimeoutMs: number): number {
  return bucketOf(hitTimeMs + sessionTimeoutMs);
}

/**
 * A bucket is closed once the clock is two buckets past it: the reference closes bucket K-1
 * when it sees K < bucket(now), and Cairn keeps that timing so sessions end at the same moment.
 */
export const CLOSE_LAG_BUCKETS = 2;

export function lastClosableBucket(nowMs: number): number {
  return bucketOf(nowMs) - CLOSE_LAG_BUCKETS;
}
