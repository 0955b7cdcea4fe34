import type { Hit } from '../hits/hit.js';
import { PROTOCOL_METADATA_KEY } from '../hits/hit.js';
import type { HitIdSource } from '../hits/hit-ids.js';
import type { Logger } from '../monitoring/logger.js';
import type { PropertyRegistry } from '../settings/property-registry.js';
import type { Protocol, Response, TrackingRequest } from '../../protocols/protocol.js';
import { ProtocolError } from '../../protocols/protocol.js';
import type { HitStorage } from './hit-storage.js';
import { StorageFullError } from './hit-storage.js';
import { maskIp } from './ip-masking.js';
import type { RawLog } from './raw-log.js';
import { recordRequest } from './recorded-request.js';
import type { HitValidator } from './validation.js';

/** Why a request was not accepted; used for logs and metrics. */
export type RejectionReason = 'protocol' | 'validation' | 'protocol_mismatch' | 'storage_full' | 'storage_error';

export interface Outcome extends Response {
  hits: Hit[];
  rejection?: { reason: RejectionReason; message: string };
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };
const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' } as const;

function failure(status: number, body: string, reason: RejectionReason, message: string): Outcome {
  return { status, headers: { ...TEXT }, body, hits: [], rejection: { reason, message } };
}

/**
 * The receiving side of one request, independent of HTTP so that replay runs the very same
 * steps: parse into hits, mask IPs, validate every hit (all or nothing), keep a raw copy,
 * hand the hits to storage.
 */
export class HitPipeline {
  constructor(
    private readonly deps: {
      properties: PropertyRegistry;
      validator: HitValidator;
      storage: HitStorage;
      ids: HitIdSource;
      rawLog: RawLog | null;
      logger: Logger;
    },
  ) {}

  /**
   * Handles one request. Returns the outcome at once when storage took the hits without
   * waiting (the common case in memory), a promise of it otherwise: the hot path of the
   * receiver then runs without a promise per request.
   */
  handle(protocol: Protocol, request: TrackingRequest & { url: string }): Outcome | Promise<Outcome> {
    const { properties, validator, storage } = this.deps;
    let hits: Hit[];
    try {
      hits = protocol.hits(request, { properties, ids: this.deps.ids });
    } catch (err) {
      if (err instanceof ProtocolError) return failure(err.status, `${STATUS_TEXT[err.status]}: ${err.message}`, 'protocol', err.message);
      throw err;
    }
    const hitProtocol = protocol.hitProtocol ?? protocol.id;
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i]!;
      const level = properties.byPropertyId(hit.propertyId).ipMaskingLevel;
      if (level !== 0) hit.request.ip = maskIp(hit.request.ip, level);
      const invalid = validator.validate(hit, protocol.id);
      if (invalid !== null) {
        const where = hits.length > 1 ? ` (event ${i + 1} of ${hits.length})` : '';
        const message = invalid.problems.join('; ') + where;
        if (invalid.mismatch !== null) return failure(400, invalid.mismatch.message, 'protocol_mismatch', message);
        return failure(400, `Bad Request: ${message}`, 'validation', message);
      }
      hit.metadata[PROTOCOL_METADATA_KEY] = hitProtocol;
    }
    if (hits.length === 0) return this.accepted(protocol, request, hits);
    let staged: Promise<void> | undefined;
    try {
      staged = storage.stage !== undefined ? storage.stage(hits) : storage.push(hits);
    } catch (err) {
      return this.storageFailure(err);
    }
    if (staged === undefined) return this.accepted(protocol, request, hits);
    return staged.then(
      () => this.accepted(protocol, request, hits),
      (err: unknown) => this.storageFailure(err),
    );
  }

  private storageFailure(err: unknown): Outcome {
    if (err instanceof StorageFullError) {
      return failure(503, 'Service Unavailable: the receiver cannot store more hits right now', 'storage_full', err.message);
    }
    this.deps.logger.error('failed to push hits to storage', { error: err });
    return failure(500, 'Internal Server Error', 'storage_error', (err as Error).message);
  }

  private accepted(protocol: Protocol, request: TrackingRequest & { url: string }, hits: Hit[]): Outcome {
    const rawLog = this.deps.rawLog;
    // A request that only asks for a check (a debug endpoint) gives no hits and leaves no trace.
    if (rawLog !== null && hits.length > 0) {
      const first = hits[0];
      rawLog.store(
        recordRequest({
          serverReceivedTime: request.serverReceivedTime,
          method: request.method,
          url: request.url,
          headers: request.headers,
          ip: first !== undefined ? first.request.ip : request.ip,
          body: request.body,
        }),
      );
    }
    const r = protocol.successResponse(request, hits);
    return { status: r.status, headers: r.headers, body: r.body, hits };
  }
}
