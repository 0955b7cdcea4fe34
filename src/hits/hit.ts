/**
 * The Hit: one tracked event as the receiver captured it. Everything downstream
 * (sessions, columns, warehouse rows) is computed from these fields, so the receiver
 * keeps the request whole: headers, query parameters and the raw body.
 */

/** Query parameters in first-seen key order; every value of a repeated key is kept in request order. */
export type QueryParams = Map<string, string[]>;

/** Header name (Go canonical MIME form, e.g. `Sec-Ch-Ua`) → values in request order. */
export type Headers = Map<string, string[]>;

export interface ParsedRequest {
  /** Client IP after trusted-proxy resolution and masking; not validated as an IP. */
  ip: string;
  /** Host header, lowercased, port kept. */
  host: string;
  /** Server-received time in milliseconds since the epoch, shared by every hit of a request. */
  serverReceivedTime: number;
  queryParams: QueryParams;
  /**
   * The raw (still percent-encoded) query strings `queryParams` was parsed from, in order; a
   * later layer's keys replace an earlier layer's (GA4: URL, then the event's body line).
   * When present, encodings store these few strings instead of every parameter, and decoding
   * parses them again into the very same map.
   */
  paramLayers?: string[];
  /** The whole raw request body, shared by every hit of the request. */
  body: Uint8Array;
  /** Decoded, normalised request path. */
  path: string;
  method: string;
  headers: Headers;
}

export interface Hit {
  /** Event id: unique per hit; the worker keys hits by it so re-delivery changes nothing. */
  id: string;
  /** Equal to clientId at receive time; rewritten when proto-sessions join clients. */
  authoritativeClientId: string;
  clientId: string;
  eventName: string;
  propertyId: string;
  userId: string | null;
  metadata: Record<string, string>;
  request: ParsedRequest;
}

export const PROTOCOL_METADATA_KEY = 'protocol';
/** The protocol of GA4 Measurement Protocol events (JSON from servers and apps). */
export const MEASUREMENT_PROTOCOL_HITS = 'ga4_mp';
/**
 * When the client dated the event itself (Measurement Protocol `timestamp_micros`): microseconds
 * since the epoch, as text. Sessions still run on the server-received time; the event's own
 * timestamp columns show this one.
 */
export const EVENT_TIME_METADATA_KEY = 'event_time_micros';
/** The platform of an app-stream event (`android`, `ios`, `app`); web events leave it unset. */
export const PLATFORM_METADATA_KEY = 'platform';

/** The event's own time in microseconds: the client's date when it sent one, else the server-received time. */
export function eventTimeMicros(hit: Hit): number {
  const micros = hit.metadata[EVENT_TIME_METADATA_KEY];
  const n = micros === undefined ? NaN : Number(micros);
  return Number.isSafeInteger(n) ? n : hit.request.serverReceivedTime * 1000;
}

/** `eventTimeMicros` in whole milliseconds. */
export function eventTimeMs(hit: Hit): number {
  return hit.metadata[EVENT_TIME_METADATA_KEY] === undefined ? hit.request.serverReceivedTime : Math.floor(eventTimeMicros(hit) / 1000);
}

/** First value of a parameter, or undefined when absent (the way every column reads params). */
export function firstParam(params: QueryParams, key: string): string | undefined {
  const values = params.get(key);
  return values === undefined ? undefined : values[0];
}

export function firstHeader(headers: Headers, canonicalName: string): string | undefined {
  const values = headers.get(canonicalName);
  return values === undefined ? undefined : values[0];
}

/** Fixed part of the reference's hit size: the in-memory struct size it counts (5 strings, 3 pointers). */
const HIT_FIXED_SIZE = 104;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function multiMapSize(m: Map<string, string[]>): number {
  let n = 0;
  for (const [k, values] of m) {
    n += byteLength(k);
    for (const v of values) n += byteLength(v);
  }
  return n;
}

/**
 * Size of a hit in bytes as the size limit counts it: the event name and the received time
 * are not counted, the body is (so every hit of a multi-event request carries it).
 */
export function hitSize(hit: Hit): number {
  return hitSizeWith(hit, multiMapSize(hit.request.queryParams));
}

function hitSizeWith(hit: Hit, paramsSize: number): number {
  const r = hit.request;
  let n = HIT_FIXED_SIZE;
  n += byteLength(hit.id) + byteLength(hit.authoritativeClientId) + byteLength(hit.clientId) + byteLength(hit.propertyId);
  n += byteLength(r.ip) + byteLength(r.host) + byteLength(r.path) + byteLength(r.method) + r.body.byteLength;
  if (hit.userId !== null) n += byteLength(hit.userId);
  n += paramsSize;
  n += multiMapSize(r.headers);
  for (const k in hit.metadata) n += byteLength(k) + byteLength(hit.metadata[k] ?? '');
  return n;
}

/** UTF-8 never takes more than three bytes per UTF-16 code unit. */
const MAX_UTF8_PER_UNIT = 3;

let units = 0;

function countUnits(values: string[], key: string): void {
  units += key.length;
  for (let i = 0; i < values.length; i++) units += values[i]!.length;
}

/** UTF-16 units of a multi-map's keys and values (`forEach`: no entry array per key). */
function multiMapUnits(m: Map<string, string[]>): number {
  units = 0;
  m.forEach(countUnits);
  return units;
}

/**
 * An upper bound of `hitSize` from string lengths alone (no UTF-8 counting, no parameter
 * parsing): decoding a raw query never makes it longer, and UTF-8 takes at most three bytes per
 * UTF-16 code unit.
 */
function hitSizeCeiling(hit: Hit, layers: readonly string[]): number {
  const r = hit.request;
  let units = hit.id.length + hit.authoritativeClientId.length + hit.clientId.length + hit.propertyId.length;
  units += r.ip.length + r.host.length + r.path.length + r.method.length;
  if (hit.userId !== null) units += hit.userId.length;
  for (let i = 0; i < layers.length; i++) units += layers[i]!.length;
  units += multiMapUnits(r.headers);
  for (const k in hit.metadata) units += k.length + (hit.metadata[k] ?? '').length;
  return HIT_FIXED_SIZE + MAX_UTF8_PER_UNIT * units + r.body.byteLength;
}

/**
 * 0 when a hit is within `maxBytes` (a hit is never empty), else its size; without parsing its
 * parameters when their raw text already proves it (the common case): the exact count runs only
 * near the limit.
 */
export function hitSizeOver(hit: Hit, maxBytes: number, layersBound?: (layers: readonly string[]) => number): number {
  const size = hitSizeBound(hit, maxBytes, layersBound);
  return size <= maxBytes ? 0 : size;
}

/** The hit's size, or an upper bound of it that is already within `maxBytes`. */
function hitSizeBound(hit: Hit, maxBytes: number, layersBound?: (layers: readonly string[]) => number): number {
  const layers = hit.request.paramLayers;
  if (layers !== undefined && layersBound !== undefined && !isParsed(hit.request)) {
    const ceiling = hitSizeCeiling(hit, layers);
    if (ceiling <= maxBytes) return ceiling;
    const bound = hitSizeWith(hit, layersBound(layers));
    if (bound <= maxBytes) return bound;
  }
  return hitSize(hit);
}

/**
 * A request whose `queryParams` are parsed from `paramLayers` only when first read: the
 * receiver validates and queues most hits without ever building the map.
 */
class LazyParamsRequest implements ParsedRequest {
  ip: string;
  host: string;
  serverReceivedTime: number;
  paramLayers: string[];
  body: Uint8Array;
  path: string;
  method: string;
  headers: Headers;
  private parsed: QueryParams | undefined;
  private assigned = false;
  // The hit whose encoded item `#source[#sourceStart, #sourceEnd)` is (see `markSourceItem`).
  // Private: a note about where the request came from, not one of its fields.
  #sourceFor: object | undefined = undefined;
  #source: Uint8Array | undefined = undefined;
  #sourceStart = 0;
  #sourceEnd = 0;

  constructor(
    fields: Omit<ParsedRequest, 'queryParams'> & { paramLayers: string[] },
    private readonly parse: (layers: readonly string[]) => QueryParams,
  ) {
    this.ip = fields.ip;
    this.host = fields.host;
    this.serverReceivedTime = fields.serverReceivedTime;
    this.paramLayers = fields.paramLayers;
    this.body = fields.body;
    this.path = fields.path;
    this.method = fields.method;
    this.headers = fields.headers;
  }

  get queryParams(): QueryParams {
    return (this.parsed ??= this.parse(this.paramLayers));
  }

  set queryParams(value: QueryParams) {
    this.parsed = value;
    this.assigned = true;
  }

  markSource(hit: object, bytes: Uint8Array, start: number, end: number): void {
    this.#sourceFor = hit;
    this.#source = bytes;
    this.#sourceStart = start;
    this.#sourceEnd = end;
  }

  sourceItemOf(hit: object): Uint8Array | undefined {
    return this.#sourceFor === hit ? this.#source!.subarray(this.#sourceStart, this.#sourceEnd) : undefined;
  }

  /** Drops a map parsed from the layers (reading it again parses it again); a map that was set stays. */
  forgetParsed(): void {
    if (!this.assigned) this.parsed = undefined;
  }

  get isParsed(): boolean {
    return this.parsed !== undefined;
  }
}

/**
 * Reads the fields of an encoded request that follow its time: `bytes` from `at` on hold them.
 * The address, host and time are read at once, since they come first.
 */
export type RequestRestReader = (bytes: Uint8Array, at: number, ip: string, host: string, serverReceivedTime: number) => ParsedRequest;

/**
 * A request read from storage only as far as its time: closing a proto-session needs its hits'
 * ids, metadata and times, and in the usual chain its sessions are spooled from the bytes they
 * were stored as, so the parameters and headers are read only if something asks for them (the
 * columns, when sessions go straight to the warehouse). Until then an encoder copies the rest
 * of the request's bytes as they are.
 */
class DeferredRequest implements ParsedRequest {
  ip: string;
  host: string;
  serverReceivedTime: number;
  private full: ParsedRequest | undefined;
  /** The hit whose stored frame `bytes` is (see `markStoredFrame`); a copy of it is another object. */
  storedFor: object | undefined = undefined;

  constructor(
    ip: string,
    host: string,
    serverReceivedTime: number,
    readonly bytes: Uint8Array,
    private readonly at: number,
    private readonly readRest: RequestRestReader,
  ) {
    this.ip = ip;
    this.host = host;
    this.serverReceivedTime = serverReceivedTime;
  }

  get rest(): ParsedRequest {
    return (this.full ??= this.readRest(this.bytes, this.at, this.ip, this.host, this.serverReceivedTime));
  }

  /** The encoded rest of the request while it is unread, else undefined. */
  get unreadBytes(): Uint8Array | undefined {
    return this.full === undefined ? this.bytes.subarray(this.at) : undefined;
  }

  get isRead(): boolean {
    return this.full !== undefined;
  }

  get queryParams(): QueryParams {
    return this.rest.queryParams;
  }

  set queryParams(value: QueryParams) {
    this.rest.queryParams = value;
  }

  get paramLayers(): string[] | undefined {
    return this.rest.paramLayers;
  }

  set paramLayers(value: string[] | undefined) {
    if (value === undefined) delete this.rest.paramLayers;
    else this.rest.paramLayers = value;
  }

  get body(): Uint8Array {
    return this.rest.body;
  }

  set body(value: Uint8Array) {
    this.rest.body = value;
  }

  get path(): string {
    return this.rest.path;
  }

  set path(value: string) {
    this.rest.path = value;
  }

  get method(): string {
    return this.rest.method;
  }

  set method(value: string) {
    this.rest.method = value;
  }

  get headers(): Headers {
    return this.rest.headers;
  }

  set headers(value: Headers) {
    this.rest.headers = value;
  }
}

/** A request whose fields after its time are read from `bytes` (from `at`) when first needed. */
export function deferredRequest(ip: string, host: string, serverReceivedTime: number, bytes: Uint8Array, at: number, readRest: RequestRestReader): ParsedRequest {
  return new DeferredRequest(ip, host, serverReceivedTime, bytes, at, readRest);
}

/**
 * Notes that `hit` was read from a stored frame (`[version, item]`, the two-byte envelope then
 * the item) that its deferred request reads the rest from: the frame's item bytes are then
 * found through the request, without a table entry per hit. False when the request is not
 * deferred.
 */
export function markStoredFrame(hit: Hit): boolean {
  const r = hit.request;
  if (!(r instanceof DeferredRequest)) return false;
  r.storedFor = hit;
  return true;
}

/**
 * Notes that `hit` was read from the hit item `bytes[start, end)` of a batch (a queue task's):
 * intake stores a hit it did not change as those bytes instead of encoding it again. Kept on the
 * request, which the reader has just made for this hit, rather than in a table entry per hit.
 * Nothing is noted for a request of another kind (items whose parameters came as a list).
 */
export function markSourceItem(hit: Hit, bytes: Uint8Array, start: number, end: number): void {
  const r = hit.request;
  if (r instanceof LazyParamsRequest) r.markSource(hit, bytes, start, end);
}

/**
 * The item bytes `hit` itself was read from: the stored frame of closing's hits (see
 * `markStoredFrame`) or the batch item of a queue task's (see `markSourceItem`), else undefined.
 * A copy of the hit is another object and has none, since a copy is made to be changed.
 */
export function storedFrameItem(hit: Hit): Uint8Array | undefined {
  const r = hit.request;
  if (r instanceof DeferredRequest) return r.storedFor === hit ? r.bytes.subarray(2) : undefined;
  return r instanceof LazyParamsRequest ? r.sourceItemOf(hit) : undefined;
}

/** The still-encoded fields after the time of a deferred request nothing has read yet, else undefined. */
export function unreadRequestBytes(r: ParsedRequest): Uint8Array | undefined {
  return r instanceof DeferredRequest ? r.unreadBytes : undefined;
}

function isParsed(r: ParsedRequest): boolean {
  if (r instanceof DeferredRequest) return r.isRead && isParsed(r.rest);
  return !(r instanceof LazyParamsRequest) || r.isParsed;
}

/**
 * The raw layers of a request whose parameters are not parsed yet, else undefined: a reader
 * that needs one or two parameters can scan these instead of building the whole map.
 */
export function unparsedLayers(r: ParsedRequest): readonly string[] | undefined {
  if (r instanceof DeferredRequest) return unparsedLayers(r.rest);
  return r instanceof LazyParamsRequest && !r.isParsed ? r.paramLayers : undefined;
}

/**
 * Lets go of a request's parameter map when it can be parsed again from the raw layers, so that
 * a hit kept after its columns are computed does not keep the map alive; other requests keep theirs.
 */
export function forgetParsedParams(r: ParsedRequest): void {
  if (r instanceof DeferredRequest) {
    if (r.isRead) forgetParsedParams(r.rest);
  } else if (r instanceof LazyParamsRequest) r.forgetParsed();
}

export function lazyRequest(fields: Omit<ParsedRequest, 'queryParams'> & { paramLayers: string[] }, parse: (layers: readonly string[]) => QueryParams): ParsedRequest {
  return new LazyParamsRequest(fields, parse);
}
