import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Hit } from '../hits/hit.js';
import type { ProtoSessionCloser } from '../protosessions/closer.js';
import type { IdentifierKey, NewHit, ProtoSessionStore, StoredProtoSession } from '../protosessions/store.js';
import { MILLISECOND_BUCKETS } from './buckets.js';
import { cairnMeter } from './meter.js';

/**
 * Counts what passes through proto-session state: hits stored, hits stored twice (a
 * re-delivered task; they are found when their proto-session closes), and proto-sessions and
 * hits removed when their bucket closes. Counting happens in plain numbers
 * that observable counters read at collection time, so intake pays no metric call per hit.
 *
 * Counts are taken inside the store's transactions; a transaction that rolls back (a failed
 * batch, retried later) is counted again on its retry.
 */
export class MeteredProtoSessionStore implements ProtoSessionStore {
  private stored = 0;
  private duplicates = 0;
  private closedProtoSessions = 0;
  private closedHits = 0;
  private closedBuckets = 0;

  constructor(
    private readonly inner: ProtoSessionStore,
    meter: Meter = cairnMeter(),
  ) {
    meter
      .createObservableCounter('protosessions.hits.received', { description: 'Hits written into proto-session state (new ones and re-deliveries)' })
      .addCallback((r) => r.observe(this.stored));
    meter
      .createObservableCounter('protosessions.hits.duplicate', { description: 'Hits stored twice (a re-delivered queue task), left out when their proto-session closes' })
      .addCallback((r) => r.observe(this.duplicates));
    meter
      .createObservableCounter('protosessions.hits.closed', { description: 'Hits removed from state because their proto-session was closed' })
      .addCallback((r) => r.observe(this.closedHits));
    meter
      .createObservableCounter('protosessions.closed', { description: 'Proto-sessions closed and handed to the session writers' })
      .addCallback((r) => r.observe(this.closedProtoSessions));
    meter
      .createObservableCounter('protosessions.buckets.closed', { description: 'Timing-wheel buckets closed' })
      .addCallback((r) => r.observe(this.closedBuckets));
  }

  transaction<T>(fn: () => T): T {
    return this.inner.transaction(fn);
  }
  claimIdentifier(key: IdentifierKey, clientId: string): string {
    return this.inner.claimIdentifier(key, clientId);
  }
  identifierOwner(key: IdentifierKey): string | undefined {
    return this.inner.identifierOwner(key);
  }
  removeIdentifier(key: IdentifierKey): void {
    this.inner.removeIdentifier(key);
  }
  appendHits(protoSessionId: string, hits: readonly NewHit[], identifiers?: readonly IdentifierKey[]): void {
    this.inner.appendHits(protoSessionId, hits, identifiers);
    this.stored += hits.length;
  }
  markDue(protoSessionId: string, bucket: number, hitTimeMs: number): void {
    this.inner.markDue(protoSessionId, bucket, hitTimeMs);
  }
  dueBucketOf(protoSessionId: string): number | undefined {
    return this.inner.dueBucketOf(protoSessionId);
  }
  isOpen(protoSessionId: string): boolean {
    return this.inner.isOpen(protoSessionId);
  }
  nextDueBucket(fromBucket: number): number | undefined {
    return this.inner.nextDueBucket(fromBucket);
  }
  readBucket(bucket: number): StoredProtoSession[] {
    return this.inner.readBucket(bucket);
  }
  removeClosed(bucket: number, closed: readonly StoredProtoSession[]): void {
    this.inner.removeClosed(bucket, closed);
    this.closedBuckets++;
    for (const ps of closed) {
      this.duplicates += ps.duplicates;
      if (ps.hits.length === 0) continue;
      this.closedProtoSessions++;
      this.closedHits += ps.hits.length;
    }
  }
  cursor(): number | undefined {
    return this.inner.cursor();
  }
  setCursor(bucket: number): void {
    this.inner.setCursor(bucket);
  }
  openCount(): number {
    return this.inner.openCount();
  }
  oldestFirstHitMs(): number | undefined {
    return this.inner.oldestFirstHitMs();
  }
  sync(): Promise<void> {
    return this.inner.sync();
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * Times each close of a timing-wheel bucket (handing its proto-sessions to the session writer
 * chain) and counts the ones that failed and will be retried.
 */
export class MeteredProtoSessionCloser implements ProtoSessionCloser {
  private readonly duration: Histogram;
  private readonly failures: Counter;

  constructor(
    private readonly inner: ProtoSessionCloser,
    meter: Meter = cairnMeter(),
  ) {
    this.duration = meter.createHistogram('protosessions.process_bucket.duration', {
      description: 'Time to hand one close (a bucket, or a run of due buckets during a catch-up) to the session writers',
      unit: 's',
      advice: { explicitBucketBoundaries: [...MILLISECOND_BUCKETS] },
    });
    this.failures = meter.createCounter('protosessions.close.failures', { description: 'Bucket closes that failed and will be retried' });
  }

  async close(protoSessions: Hit[][], closeId?: string): Promise<void> {
    const started = performance.now();
    try {
      await this.inner.close(protoSessions, closeId);
    } catch (err) {
      this.failures.add(1);
      throw err;
    } finally {
      this.duration.record((performance.now() - started) / 1000);
    }
  }
}
