import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Outcome } from '../receiver/hit-pipeline.js';
import { MILLISECOND_BUCKETS } from './buckets.js';
import { cairnMeter } from './meter.js';

export function statusGroup(status: number): string {
  if (status >= 200 && status < 600) return `${Math.floor(status / 100)}xx`;
  return 'unknown';
}

/** Distinct tracking-library values kept as attributes; clients choose them, so they are capped. */
const MAX_LIBRARIES = 32;
const MAX_LIBRARY_LENGTH = 64;

/**
 * The receiver's instruments: the reference's three (requests by status group, latency, hits
 * by tracking library) and Cairn's rejected requests by reason.
 */
export class ReceiverMetrics {
  private readonly requests: Counter;
  private readonly latency: Histogram;
  private readonly hits: Counter;
  private readonly rejected: Counter;
  private readonly libraries = new Map<string, Attributes>();
  private readonly statusAttributes = new Map<number, Attributes>();
  private readonly unknownLibrary: Attributes = { tracking_library: 'unknown' };

  constructor(meter: Meter = cairnMeter()) {
    this.requests = meter.createCounter('receiver.requests.total', { description: 'HTTP requests answered by the receiver, by status group' });
    this.latency = meter.createHistogram('receiver.request.latency', {
      description: 'Time from the start of a request to its answer',
      unit: 's',
      advice: { explicitBucketBoundaries: [...MILLISECOND_BUCKETS] },
    });
    this.hits = meter.createCounter('receiver.hits.total', { description: 'Hits accepted by the receiver, by tracking library (_dtn@_dtv)' });
    this.rejected = meter.createCounter('receiver.requests.rejected', { description: 'Tracking requests answered with an error, by reason' });
  }

  /** Every answered request; `startedAt` is a `performance.now()` reading. */
  observeResponse(status: number, startedAt: number): void {
    let attributes = this.statusAttributes.get(status);
    if (attributes === undefined) {
      attributes = { status_group: statusGroup(status) };
      this.statusAttributes.set(status, attributes);
    }
    this.requests.add(1, attributes);
    this.latency.record((performance.now() - startedAt) / 1000);
  }

  /** Every request to a tracking endpoint, with the query it came with. */
  observeOutcome(outcome: Outcome, rawQuery: string): void {
    if (outcome.rejection !== undefined) {
      this.rejected.add(1, { reason: outcome.rejection.reason });
      return;
    }
    if (outcome.hits.length > 0) this.hits.add(outcome.hits.length, this.libraryOf(rawQuery));
  }

  private libraryOf(rawQuery: string): Attributes {
    if (!rawQuery.includes('_dtn=')) return this.unknownLibrary;
    const params = new URLSearchParams(rawQuery);
    const name = params.get('_dtn');
    if (!name) return this.unknownLibrary;
    const version = params.get('_dtv') ?? '';
    const value = `${name}@${version}`.slice(0, MAX_LIBRARY_LENGTH);
    let attributes = this.libraries.get(value);
    if (attributes === undefined) {
      if (this.libraries.size >= MAX_LIBRARIES) return { tracking_library: 'other' };
      attributes = { tracking_library: value };
      this.libraries.set(value, attributes);
    }
    return attributes;
  }
}
