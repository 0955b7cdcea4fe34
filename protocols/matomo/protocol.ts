import type { Headers, Hit } from '../../src/hits/hit.js';
import { lazyRequest } from '../../src/hits/hit.js';
import { parseLayers } from '../../src/receiver/querystring.js';
import { UnknownPropertyError } from '../../src/settings/property-registry.js';
import type { PropertySettings } from '../../src/settings/types.js';
import type { CustomEndpoint, HitEndpoint, ParseContext, Protocol, Response, TrackingRequest } from '../protocol.js';
import { ProtocolError } from '../protocol.js';
import { deriveEventName } from './event-name.js';
import { pickParams } from './params.js';
import { isBulkBody, singleEntry, splitRequest, type MatomoEntry } from './requests.js';
import { acceptsJson, bulkStatusResponse, gifResponse, matomoCorsHeaders } from './responses.js';
import { derivedVisitorId } from './visitor-id.js';

export const MATOMO_TRACKING_PATH = '/matomo.php';
/** Matomo's former name; its trackers and SDKs still default to it, so it is always served. */
export const PIWIK_TRACKING_PATH = '/piwik.php';

/** `/matomo.php`, `/piwik.php` and the configured extra paths, once each, in that order. */
export function matomoTrackingPaths(extraPaths: readonly string[] = []): string[] {
  return [...new Set([MATOMO_TRACKING_PATH, PIWIK_TRACKING_PATH, ...extraPaths])];
}

export interface MatomoProtocolOptions {
  /** `matomo.tracking_endpoints`, already normalised by the settings loader. */
  trackingEndpoints?: readonly string[];
}

const SEND_IMAGE: ReadonlySet<string> = new Set(['send_image']);

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Matomo's tracking HTTP API: single requests (URL query, or a form-encoded body) and bulk
 * requests (a JSON list of query strings), each entry one hit. Matomo sends no event name, so
 * it is derived from the parameters; `idsite` routes the hit to its property.
 */
export class MatomoProtocol implements Protocol {
  readonly id = 'matomo' as const;
  private readonly paths: string[];

  constructor(options: MatomoProtocolOptions = {}) {
    this.paths = matomoTrackingPaths(options.trackingEndpoints);
  }

  hitEndpoints(): HitEndpoint[] {
    return this.paths.map((path) => ({ path, methods: ['GET', 'POST'] }));
  }

  customEndpoints(): CustomEndpoint[] {
    return [];
  }

  successHeaders(request: { headers: Headers; method?: string }): Record<string, string> {
    return matomoCorsHeaders(request.method ?? 'GET', request.headers);
  }

  /**
   * The answer to an accepted request: 204, the 1×1 GIF when the request says `send_image=1`
   * (what Matomo's image-based trackers expect), or for a bulk request the JSON status when
   * its Accept header asks for JSON.
   */
  successResponse(request: TrackingRequest, hits: readonly Hit[]): Response {
    const headers = matomoCorsHeaders(request.method, request.headers);
    if (isBulkBody(request.body)) return acceptsJson(request.headers) ? bulkStatusResponse(hits.length, headers) : { status: 204, headers, body: '' };
    const sendImage = pickParams(singleEntry(request).layers, SEND_IMAGE).get('send_image');
    return sendImage === '1' ? gifResponse(headers) : { status: 204, headers, body: '' };
  }

  hits(request: TrackingRequest, context: ParseContext): Hit[] {
    return splitRequest(request).map((entry, index) => this.hit(request, entry, index, context));
  }

  private hit(request: TrackingRequest, entry: MatomoEntry, index: number, context: ParseContext): Hit {
    const where = entry.label === '' ? '' : ` (${entry.label})`;
    const params = pickParams(entry.layers);
    const idsite = params.get('idsite');
    if (idsite === undefined || idsite === '') throw new ProtocolError(`\`idsite\` is a required parameter for the matomo protocol${where}`);
    let property: PropertySettings;
    try {
      property = context.properties.byMeasurement(idsite);
    } catch (err) {
      if (err instanceof UnknownPropertyError) throw new ProtocolError(`\`idsite\` ${idsite}: ${err.message}${where}`);
      throw err;
    }
    // d8a's order (Matomo itself lets `cid` win): the tracker's cookie id, then the forced one.
    const clientId = nonEmpty(params.get('_id')) ?? nonEmpty(params.get('cid')) ?? derivedVisitorId(request, property.id, property.ipMaskingLevel);
    return {
      id: context.ids.next(request.key, index),
      authoritativeClientId: clientId,
      clientId,
      eventName: deriveEventName(params),
      propertyId: property.id,
      userId: nonEmpty(params.get('uid')) ?? null,
      metadata: {},
      request: lazyRequest(
        {
          ip: request.ip,
          host: request.host,
          serverReceivedTime: request.serverReceivedTime,
          paramLayers: entry.layers,
          body: entry.body,
          path: request.path,
          method: request.method,
          headers: request.headers,
        },
        parseLayers,
      ),
    };
  }
}
