import type { Headers, Hit } from '../src/hits/hit.js';
import type { HitIdSource } from '../src/hits/hit-ids.js';
import type { PropertyRegistry } from '../src/settings/property-registry.js';
import type { ProtocolId } from '../src/settings/types.js';

/** A request as the receiver hands it to a protocol, whether it came over HTTP or from a replay. */
export interface TrackingRequest {
  method: string;
  /** Decoded, normalised path. */
  path: string;
  /**
   * The URL query as received, without the `?`; the receiver has checked that it decodes
   * (protocols parse what they need of it, with the lenient URL rules).
   */
  rawQuery: string;
  body: Buffer;
  headers: Headers;
  /** Client IP after trusted-proxy resolution (masking happens per hit, per property). */
  ip: string;
  host: string;
  serverReceivedTime: number;
  /** Identifies the request for derived hit ids (replay line); empty for live traffic. */
  key: string;
}

/** What a protocol needs to turn a request into hits. */
export interface ParseContext {
  properties: PropertyRegistry;
  ids: HitIdSource;
}

/**
 * A request the protocol rejects as bad input. The message is safe to show the client and
 * names the parameter at fault.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** 400 for bad input; 401 / 403 when the request lacks the credentials the endpoint asks for. */
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 = 400,
  ) {
    super(message);
  }
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An endpoint that answers by itself (CORS preflight, static files) instead of producing hits. */
export interface CustomEndpoint {
  path: string;
  methods: readonly string[];
  handle(request: { method: string; headers: Headers }): Response;
}

export interface HitEndpoint {
  path: string;
  methods: readonly string[];
}

export interface Protocol {
  /** The property protocol whose tables this protocol's hits feed (a property only takes its own). */
  readonly id: ProtocolId;
  /** What hits record as their protocol when it differs from `id` (GA4's Measurement Protocol: `ga4_mp`). */
  readonly hitProtocol?: string;
  hitEndpoints(): HitEndpoint[];
  customEndpoints(): CustomEndpoint[];
  /** Turns a request into hits (zero or more); throws `ProtocolError` on bad input. */
  hits(request: TrackingRequest, context: ParseContext): Hit[];
  /** The answer to an accepted request: usually 204 with the protocol's CORS headers. */
  successResponse(request: TrackingRequest, hits: readonly Hit[]): Response;
}
