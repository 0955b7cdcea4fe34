import type { Headers, Hit, QueryParams } from '../../src/hits/hit.js';
import { lazyRequest } from '../../src/hits/hit.js';
import { assertDecodable, decodeComponent, firstRawValuesInLayers, mergeParams, parseLayers, QueryStringError } from '../../src/receiver/querystring.js';
import { UnknownPropertyError } from '../../src/settings/property-registry.js';
import type { ProtocolId } from '../../src/settings/types.js';
import type { CustomEndpoint, HitEndpoint, ParseContext, Protocol, Response, TrackingRequest } from '../protocol.js';
import { ProtocolError } from '../protocol.js';
import { corsHeaders } from './cors.js';

export const GA4_COLLECT_PATH = '/g/collect';

/** The parameters a hit needs at once, and their slots. */
const HIT_KEYS = ['cid', 'tid', 'uid', 'en'] as const;
const CID = 0;
const TID = 1;
const UID = 2;
const EN = 3;

/** The decoded value in slot `i` of what `firstRawValuesInLayers` found for `HIT_KEYS`. */
function param(raw: readonly (string | undefined)[], i: number): string | undefined {
  const v = raw[i];
  return v === undefined ? undefined : decodeComponent(v, () => `query parameter \`${HIT_KEYS[i]}\``);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits the body into trimmed, non-empty lines: one event each. */
export function bodyLines(body: Buffer): string[] {
  let start = 0;
  let end = body.length;
  while (start < end && isSpace(body[start]!)) start++;
  while (end > start && isSpace(body[end - 1]!)) end--;
  if (start === end) return [];
  let text: string;
  try {
    text = strictUtf8.decode(body.subarray(start, end));
  } catch {
    throw new ProtocolError('the request body is not valid UTF-8');
  }
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** URL params overlaid with one body line: a key the line names replaces every URL value of it. */
export function mergeLine(url: QueryParams, line: QueryParams): QueryParams {
  return mergeParams([url, line]);
}

/**
 * GA4 gtag / Measurement Protocol over HTTP: the URL carries shared parameters, each body line
 * one event. The native protocol reuses this parser under its own id and endpoints.
 */
export class Ga4Protocol implements Protocol {
  constructor(
    readonly id: ProtocolId = 'ga4',
    private readonly collectPath: string = GA4_COLLECT_PATH,
  ) {}

  hitEndpoints(): HitEndpoint[] {
    return [{ path: this.collectPath, methods: ['GET', 'POST'] }];
  }

  customEndpoints(): CustomEndpoint[] {
    return [
      {
        path: this.collectPath,
        methods: ['OPTIONS'],
        handle: (request) => ({ status: 204, headers: corsHeaders(request.headers, true), body: '' }),
      },
    ];
  }

  successHeaders(request: { headers: Headers }): Record<string, string> {
    return corsHeaders(request.headers, false);
  }

  successResponse(request: TrackingRequest): Response {
    return { status: 204, headers: corsHeaders(request.headers, false), body: '' };
  }

  hits(request: TrackingRequest, context: ParseContext): Hit[] {
    // A GET (the usual gtag hit) has no body: one hit from the URL alone.
    if (request.body.length === 0) return [this.hit(request, [request.rawQuery], 0, context)];
    const lines = bodyLines(request.body);
    if (lines.length === 0) return [this.hit(request, [request.rawQuery], 0, context)];
    return lines.map((line, index) => {
      try {
        assertDecodable(line);
      } catch (err) {
        if (err instanceof QueryStringError) throw new ProtocolError(`body line ${index + 1}: ${err.message}`);
        throw err;
      }
      return this.hit(request, [request.rawQuery, line], index, context);
    });
  }

  private hit(request: TrackingRequest, layers: string[], index: number, context: ParseContext): Hit {
    const where = request.body.length > 0 ? ` (body line ${index + 1})` : '';
    // One pass over each layer finds all four; each is decoded when it is read, in this order.
    const raw = firstRawValuesInLayers(layers, HIT_KEYS);
    const cid = param(raw, CID);
    if (cid === undefined || cid === '') throw new ProtocolError(`\`cid\` is a required query parameter for the ga4 protocol${where}`);
    const tid = param(raw, TID);
    if (tid === undefined || tid === '') throw new ProtocolError(`\`tid\` is a required query parameter for the ga4 protocol${where}`);
    let propertyId: string;
    try {
      propertyId = context.properties.byMeasurement(tid).id;
    } catch (err) {
      if (err instanceof UnknownPropertyError) throw new ProtocolError(`\`tid\`: ${err.message}`);
      throw err;
    }
    const uid = param(raw, UID);
    const en = param(raw, EN);
    if (en === undefined || en === '') throw new ProtocolError(`\`en\` is a required query parameter for the ga4 protocol${where}`);
    return {
      id: context.ids.next(request.key, index),
      authoritativeClientId: cid,
      clientId: cid,
      eventName: en,
      propertyId,
      userId: uid === undefined || uid === '' ? null : uid,
      metadata: {},
      request: lazyRequest(
        {
          ip: request.ip,
          host: request.host,
          serverReceivedTime: request.serverReceivedTime,
          paramLayers: layers,
          body: request.body,
          path: request.path,
          method: request.method,
          headers: request.headers,
        },
        parseLayers,
      ),
    };
  }
}
