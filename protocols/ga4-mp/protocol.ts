import { timingSafeEqual } from 'node:crypto';
import type { Headers, Hit } from '../../src/hits/hit.js';
import { EVENT_TIME_METADATA_KEY, lazyRequest, MEASUREMENT_PROTOCOL_HITS, PLATFORM_METADATA_KEY } from '../../src/hits/hit.js';
import { firstValueInLayers, parseLayers } from '../../src/receiver/querystring.js';
import { UnknownPropertyError } from '../../src/settings/property-registry.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { corsHeaders } from '../ga4/cors.js';
import type { CustomEndpoint, HitEndpoint, ParseContext, Protocol, Response, TrackingRequest } from '../protocol.js';
import { ProtocolError } from '../protocol.js';
import { gtagLayer } from './gtag-params.js';
import { readPayload, type MpPayload, type StreamKind, type ValidationMessage } from './payload.js';

export const MP_COLLECT_PATH = '/mp/collect';
export const MP_DEBUG_PATH = '/debug/mp/collect';
/** The protocol the hits carry, and the `tracking_protocol` of their rows. */
export const MP_HIT_PROTOCOL = MEASUREMENT_PROTOCOL_HITS;

const EMPTY = new Uint8Array(0);

/**
 * Headers that describe the sender's device. A Measurement Protocol request usually comes from
 * a server, whose user agent says nothing about the visitor, so these are left off the hits:
 * device columns and the bot filter then see no user agent rather than the server's.
 */
const SENDER_DEVICE_HEADERS = ['User-Agent', 'Accept-Language'];

function visitorHeaders(headers: Headers): Headers {
  const out: Headers = new Map();
  for (const [name, values] of headers) {
    if (SENDER_DEVICE_HEADERS.includes(name) || name.startsWith('Sec-Ch-')) continue;
    out.set(name, values);
  }
  return out;
}

/** `android` or `ios` from a Firebase app id (`1:1234:android:abcd`), else `app`. */
function appPlatform(firebaseAppId: string): string {
  const kind = firebaseAppId.split(':')[2]?.toLowerCase();
  return kind === 'android' || kind === 'ios' ? kind : 'app';
}

function secretMatches(given: string, configured: readonly string[]): boolean {
  const a = Buffer.from(given, 'utf8');
  let ok = false;
  for (const secret of configured) {
    const b = Buffer.from(secret, 'utf8');
    // Compare every configured secret, equal lengths in constant time, so timing tells nothing.
    if (a.length === b.length && timingSafeEqual(a, b)) ok = true;
  }
  return ok;
}

/**
 * The proto-session key of a Measurement Protocol hit. Server events stay apart from the
 * visitor's web session unless they name it: an event with `session_id` gets its own key and
 * the worker joins it to the web session whose `sid` matches (see `ga_session` identifiers).
 */
export function measurementProtocolClientKey(clientId: string, sessionId: string | undefined): string {
  return sessionId === undefined || sessionId === '' ? `${clientId}|mp` : `${clientId}|mp|${sessionId}`;
}

function queryParam(request: TrackingRequest, key: string): string {
  return firstValueInLayers([request.rawQuery], key) ?? '';
}

/** The stream the query names: a web stream's measurement_id or an app stream's firebase_app_id, exactly one. */
function streamOf(request: TrackingRequest): { stream: StreamKind; streamId: string } {
  const web = queryParam(request, 'measurement_id');
  const app = queryParam(request, 'firebase_app_id');
  if (web !== '' && app !== '') throw new ProtocolError('send either `measurement_id` (web stream) or `firebase_app_id` (app stream), not both');
  if (web === '' && app === '') throw new ProtocolError('`measurement_id` (web stream) or `firebase_app_id` (app stream) is a required query parameter');
  return web !== '' ? { stream: 'web', streamId: web } : { stream: 'app', streamId: app };
}

interface Checked {
  property: PropertySettings;
  stream: StreamKind;
  streamId: string;
  payload: MpPayload | null;
  messages: ValidationMessage[];
}

/**
 * GA4's JSON Measurement Protocol for servers and apps: `POST /mp/collect` stores the events,
 * `POST /debug/mp/collect` only checks them and answers with GA4's `validationMessages`. Each
 * event becomes a hit in gtag's parameter form, so it fills the GA4 table's columns.
 */
export class Ga4MeasurementProtocol implements Protocol {
  readonly id = 'ga4' as const;
  readonly hitProtocol = MP_HIT_PROTOCOL;

  hitEndpoints(): HitEndpoint[] {
    return [
      { path: MP_COLLECT_PATH, methods: ['POST'] },
      { path: MP_DEBUG_PATH, methods: ['POST'] },
    ];
  }

  customEndpoints(): CustomEndpoint[] {
    const preflight: CustomEndpoint['handle'] = (request) => ({ status: 204, headers: corsHeaders(request.headers, true), body: '' });
    return [
      { path: MP_COLLECT_PATH, methods: ['OPTIONS'], handle: preflight },
      { path: MP_DEBUG_PATH, methods: ['OPTIONS'], handle: preflight },
    ];
  }

  hits(request: TrackingRequest, context: ParseContext): Hit[] {
    const checked = this.check(request, context);
    if (request.path === MP_DEBUG_PATH) return [];
    if (checked.payload === null) {
      throw new ProtocolError(checked.messages.map((m) => (m.fieldPath === '' ? m.description : `${m.fieldPath}: ${m.description}`)).join('; '));
    }
    return this.toHits(request, context, checked, checked.payload);
  }

  successResponse(request: TrackingRequest): Response {
    const cors = corsHeaders(request.headers, false);
    if (request.path !== MP_DEBUG_PATH) return { status: 204, headers: cors, body: '' };
    // `hits` accepted the request (query and secret); the body's problems are the answer.
    const messages = this.debugMessages(request);
    return { status: 200, headers: { ...cors, 'Content-Type': 'application/json' }, body: JSON.stringify({ validationMessages: messages }) };
  }

  private debugMessages(request: TrackingRequest): ValidationMessage[] {
    return readPayload(request.body, streamOf(request).stream, request.serverReceivedTime).messages;
  }

  /** Stream, property and secret from the query (errors thrown), then the body (problems listed). */
  private check(request: TrackingRequest, context: ParseContext): Checked {
    const debug = request.path === MP_DEBUG_PATH;
    const { stream, streamId } = streamOf(request);
    const idParam = stream === 'web' ? 'measurement_id' : 'firebase_app_id';
    let property: PropertySettings;
    try {
      property = context.properties.byMeasurement(streamId);
    } catch (err) {
      if (err instanceof UnknownPropertyError) throw new ProtocolError(`\`${idParam}\`: ${err.message}`);
      throw err;
    }
    if (property.protocol !== 'ga4') {
      throw new ProtocolError(`\`${idParam}\`: property ${property.id} uses the ${property.protocol} protocol; the Measurement Protocol feeds ga4 properties`);
    }
    const secrets = property.measurementProtocol.apiSecrets;
    const status = debug ? 403 : 401;
    if (secrets.length === 0) {
      throw new ProtocolError(`the Measurement Protocol is not enabled for property ${property.id}: configure measurement_protocol.api_secrets for it`, status);
    }
    const secret = queryParam(request, 'api_secret');
    if (secret === '') throw new ProtocolError('`api_secret` is a required query parameter', status);
    if (!secretMatches(secret, secrets)) throw new ProtocolError(`\`api_secret\` is not a secret of property ${property.id}`, status);
    const { payload, messages } = readPayload(request.body, stream, request.serverReceivedTime);
    return { property, stream, streamId, payload, messages };
  }

  private toHits(request: TrackingRequest, context: ParseContext, checked: Checked, payload: MpPayload): Hit[] {
    const headers = visitorHeaders(request.headers);
    const platform = checked.stream === 'app' ? appPlatform(checked.streamId) : undefined;
    return payload.events.map((event, index) => {
      const layer = gtagLayer({ streamId: checked.streamId, payload }, event);
      const sessionParam = event.params.find(([name]) => name === 'session_id');
      const sessionId = sessionParam === undefined ? undefined : String(sessionParam[1]);
      const metadata: Record<string, string> = {};
      const time = event.timestampMicros ?? payload.timestampMicros;
      if (time !== undefined) metadata[EVENT_TIME_METADATA_KEY] = String(time);
      if (platform !== undefined) metadata[PLATFORM_METADATA_KEY] = platform;
      return {
        id: context.ids.next(request.key, index),
        authoritativeClientId: measurementProtocolClientKey(payload.clientId, sessionId),
        clientId: payload.clientId,
        eventName: event.name,
        propertyId: checked.property.id,
        userId: payload.userId,
        metadata,
        request: lazyRequest(
          {
            ip: payload.ipOverride ?? request.ip,
            host: request.host,
            serverReceivedTime: request.serverReceivedTime,
            paramLayers: [layer],
            // Everything the columns read is in the layer; the JSON is not copied into every hit.
            body: EMPTY,
            path: request.path,
            method: request.method,
            headers,
          },
          parseLayers,
        ),
      };
    });
  }
}
