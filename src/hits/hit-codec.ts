/**
 * Binary encoding of hits (CBOR via cbor-x), used for queue task bodies and for the receiver's
 * file batching frames.
 *
 * The wire form is positional arrays only; no CBOR maps are ever written. That keeps the bytes
 * a pure function of the hit (DESIGN decision 4): object key order, cbor-x record structures and
 * map iteration never enter into it. Multi-maps are written as flat `[key, [values…], key, …]`
 * arrays so their order and every repeated value survive; metadata, which has no meaningful
 * order, is written with its keys sorted.
 *
 * Frame (single hit):   [FORMAT_VERSION, hitArray]
 * Batch (many hits):    [FORMAT_VERSION, [hitArray, …]]
 * hitArray (version 2): [id, authoritativeClientId, clientId, eventName, propertyId, userId|null,
 *                        metadataFlat, ip, host, serverReceivedTime, queryParamsFlat, body,
 *                        path, method, headersFlat, paramLayers|null]
 *
 * When the hit knows the raw query strings its parameters came from (`paramLayers`), those few
 * strings are written instead of every parameter (queryParamsFlat is then empty) and decoding
 * parses them again: encoding dozens of short strings per hit is what the receiver's flush
 * would otherwise spend most of its time on.
 *
 * A new field means a new version number; the decoder rejects versions it does not know, so a
 * worker never silently misreads a task written by a newer receiver.
 */
import { plainCborEncoder, safeCborDecoder } from './cbor.js';
import type { Hit, ParsedRequest } from './hit.js';
import { lazyRequest, markStoredFrame, storedFrameItem } from './hit.js';
import { appendHitWireTo, lastAppended, SlabArena, writeHitWire } from './hit-wire-writer.js';
import { readHitBatch, readHitFrame, readRequestRest, readStoredHitFrame } from './hit-wire-reader.js';
import { assertDecodable, parseLayers } from '../receiver/querystring.js';
import { CborWriter, cborHeadSize, cborScalarSize } from '../storage/cbor-prefix.js';

export const HIT_FORMAT_VERSION = 2;

/** Thrown when bytes are not a valid hit encoding; callers treat the input as poison, not retryable. */
export class HitDecodeError extends Error {
  override readonly name = 'HitDecodeError';
}

const encoder = plainCborEncoder;

const decoder = safeCborDecoder;

const HIT_FIELD_COUNT = 16;

type Flat = (string | string[])[];

function flattenMulti(m: Map<string, string[]>): Flat {
  const out: Flat = [];
  for (const [k, values] of m) out.push(k, values);
  return out;
}

function flattenMetadata(md: Record<string, string>): string[] {
  const keys = Object.keys(md).sort();
  const out: string[] = [];
  for (const k of keys) out.push(k, md[k] as string);
  return out;
}

const EMPTY: never[] = [];

function hitToWire(hit: Hit): unknown[] {
  const r: ParsedRequest = hit.request;
  return [
    hit.id,
    hit.authoritativeClientId,
    hit.clientId,
    hit.eventName,
    hit.propertyId,
    hit.userId,
    flattenMetadata(hit.metadata),
    r.ip,
    r.host,
    r.serverReceivedTime,
    r.paramLayers === undefined ? flattenMulti(r.queryParams) : EMPTY,
    r.body,
    r.path,
    r.method,
    flattenMulti(r.headers),
    r.paramLayers ?? null,
  ];
}

const FRAME_PREFIX = [0x82, HIT_FORMAT_VERSION] as const;

/** The two bytes `encodeHit` writes before a hit's item: an array of two, and the version. */
export const HIT_FRAME_ENVELOPE: readonly number[] = FRAME_PREFIX;

export function encodeHit(hit: Hit): Uint8Array {
  return writeHitWire(hit, FRAME_PREFIX) ?? encoder.encode([HIT_FORMAT_VERSION, hitToWire(hit)]);
}

/**
 * One hit's wire array alone, to be assembled into a batch later with `assembleHits`. The
 * receiver encodes each hit as it is accepted, so a batch waiting for its flush is a few large
 * buffers rather than thousands of object graphs for the garbage collector to carry.
 */
export function encodeHitItem(hit: Hit): Uint8Array {
  return writeHitWire(hit) ?? encoder.encode(hitToWire(hit));
}

/** What cbor-x alone writes for `encodeHitItem` (tests compare the two encoders with it). */
export function encodeHitItemGeneric(hit: Hit): Uint8Array {
  return encoder.encode(hitToWire(hit));
}

/**
 * The bytes `encodeHits` would give for the hits whose items these are, as a list of pieces to
 * be taken in order: the envelope, then the items, where items written one after the other into
 * the same memory (as `encodeHitItem` writes them) form one piece. A batch of thousands of
 * items is then a few pieces rather than one per item.
 */
export function assembledPieces(items: readonly Uint8Array[]): Uint8Array[] {
  const pieces: Uint8Array[] = [batchEnvelope(items.length)];
  let i = 0;
  while (i < items.length) {
    const first = items[i]!;
    const buffer = first.buffer;
    const start = first.byteOffset;
    let end = start + first.byteLength;
    i++;
    while (i < items.length) {
      const next = items[i]!;
      if (next.buffer !== buffer || next.byteOffset !== end) break;
      end += next.byteLength;
      i++;
    }
    pieces.push(new Uint8Array(buffer, start, end - start));
  }
  return pieces;
}

/** How many bytes come before `count` hit items in what `encodeHits` gives. */
export function batchEnvelopeSize(count: number): number {
  return 1 + cborScalarSize(HIT_FORMAT_VERSION) + cborHeadSize(count);
}

/** Writes the bytes that come before `count` hit items in what `encodeHits` gives: `[version, [`. */
export function writeBatchEnvelope(w: CborWriter, count: number): void {
  w.arrayHead(2).scalar(HIT_FORMAT_VERSION).arrayHead(count);
}

/** The bytes that come before `count` hit items in what `encodeHits` gives. */
export function batchEnvelope(count: number): Uint8Array {
  const w = new CborWriter(batchEnvelopeSize(count));
  writeBatchEnvelope(w, count);
  return w.bytes();
}

interface Run {
  /** The memory the writer put the run's items in. */
  bytes: Uint8Array;
  start: number;
  /** Where each item of the run ends; an item starts where the previous one ends. */
  ends: number[];
}

/**
 * Hit items (the bytes of `encodeHitItem`) appended one by one and held as the few runs of
 * memory the writer put them in, plus one number per item: a batch waiting for its flush is
 * then no object per hit for the garbage collector to carry from one collection to the next.
 */
export class EncodedHits {
  private runs: Run[] = [];
  private count = 0;
  private readonly arena = new SlabArena();
  /** Whether views of the items went out (or the runs are shared): the slabs are then never recycled. */
  private escaped = false;

  get length(): number {
    return this.count;
  }

  append(hit: Hit): void {
    appendHitWireTo(this.arena, hit, encodeHitItemGeneric);
    const { slab, start, end } = lastAppended;
    const runs = this.runs;
    let run = runs.length === 0 ? undefined : runs[runs.length - 1]!;
    if (run === undefined || run.bytes !== slab || run.ends[run.ends.length - 1] !== start) {
      run = { bytes: slab, start, ends: [] };
      runs.push(run);
    }
    run.ends.push(end);
    this.count++;
  }

  /** The items' bytes in order, one view per run. */
  pieces(): Uint8Array[] {
    this.escaped = true;
    return this.transientPieces();
  }

  /**
   * `pieces` for a reader that is done with them before it returns or resolves (compressing the
   * batch into a task): they do not stop `recycle` from reusing the memory afterwards.
   */
  transientPieces(): Uint8Array[] {
    return this.runs.map((r) => r.bytes.subarray(r.start, r.ends[r.ends.length - 1]));
  }

  /** One view per item, in order. */
  items(): Uint8Array[] {
    this.escaped = true;
    const out: Uint8Array[] = [];
    for (const r of this.runs) {
      let at = r.start;
      for (const end of r.ends) {
        out.push(r.bytes.subarray(at, end));
        at = end;
      }
    }
    return out;
  }

  /** A new list: these items, then `other`'s. Both then share their memory with it for good. */
  concat(other: EncodedHits): EncodedHits {
    const out = new EncodedHits();
    out.runs = [...this.runs, ...other.runs].map((r) => ({ bytes: r.bytes, start: r.start, ends: r.ends.slice() }));
    out.count = this.count + other.count;
    this.escaped = other.escaped = out.escaped = true;
    return out;
  }

  /**
   * The batch is done: its memory goes to the next batches unless views of it went out. The list
   * is empty afterwards.
   */
  recycle(): void {
    if (!this.escaped) this.arena.recycle();
    this.runs = [];
    this.count = 0;
  }
}

/** The bytes `encodeHits` would give for the hits whose items these are, in order. */
export function assembleHits(items: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(assembledPieces(items));
}

/** Decodes the items of `encodeHitItem` (tests, and backends that need hits back). */
export function decodeHitItems(items: readonly Uint8Array[]): Hit[] {
  return decodeHits(assembleHits(items));
}

/**
 * The item bytes a hit was decoded from the state store with. A closed session's hits go to the
 * session spool exactly as stored, so they are written from these bytes instead of being encoded
 * again. Hits are not changed after decoding; code that changes one works on a copy (intake
 * does), and a copy is a new object without an entry here. Hits read with a deferred request
 * (closing's) or from a batch (a queue task's, a session frame's) are found through their
 * request instead (`storedFrameItem`), which knows the very hit it was read for.
 */
const storedItems = new WeakMap<Hit, Uint8Array>();

/** The stored item bytes of every hit, or undefined when any hit was not decoded from storage. */
export function storedItemsOf(hits: readonly Hit[]): Uint8Array[] | undefined {
  if (hits.length === 0) return undefined;
  const items: Uint8Array[] = new Array(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    const item = storedFrameItem(hit) ?? storedItems.get(hit);
    if (item === undefined) return undefined;
    items[i] = item;
  }
  return items;
}

export function encodeHits(hits: readonly Hit[]): Uint8Array {
  const items = storedItemsOf(hits);
  if (items !== undefined) return assembleHits(items);
  return encoder.encode([HIT_FORMAT_VERSION, hits.map(hitToWire)]);
}

// ---- decoding -------------------------------------------------------------------------------

function fail(where: string, what: string): never {
  throw new HitDecodeError(`invalid hit encoding: ${where}: ${what}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v instanceof Uint8Array) return `bytes(${v.byteLength})`;
  if (v instanceof Map) return 'map';
  return typeof v;
}

/**
 * Where a value sits: `where` plus a field (`.ip`) or an index. The path is only put together
 * when the value is wrong; building it for every field of every hit was a steady source of
 * garbage on the worker's decode path.
 */
type At = string | number;

function path(where: string, at: At): string {
  return typeof at === 'number' ? `${where}[${at}]` : where + at;
}

function str(v: unknown, where: string, at: At = ''): string {
  if (typeof v !== 'string') fail(path(where, at), `expected a string, got ${describe(v)}`);
  return v;
}

function arr(v: unknown, where: string, at: At = ''): unknown[] {
  if (!Array.isArray(v)) fail(path(where, at), `expected an array, got ${describe(v)}`);
  return v;
}

/** An array of strings, kept as decoded (no copy) once every item is checked. */
function strings(v: unknown, where: string, at: At): string[] {
  const list = arr(v, where, at);
  for (let j = 0; j < list.length; j++) if (typeof list[j] !== 'string') str(list[j], path(where, at), j);
  return list as string[];
}

function bytes(v: unknown, where: string, at: At = ''): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(path(where, at), `expected a byte string, got ${describe(v)}`);
  // Copy into a plain Uint8Array: the decoder hands out views into the whole input buffer,
  // which would otherwise stay alive as long as any hit does. Most hits have no body, and an
  // empty array can be shared: nothing can be written into it.
  return v.byteLength === 0 ? NO_BYTES : new Uint8Array(v);
}

const NO_BYTES = new Uint8Array(0);

function multiMap(v: unknown, where: string): Map<string, string[]> {
  const flat = arr(v, where);
  if (flat.length % 2 !== 0) fail(where, 'odd number of entries in a key/values list');
  const out = new Map<string, string[]>();
  for (let i = 0; i < flat.length; i += 2) {
    const key = str(flat[i], where, i);
    if (out.has(key)) fail(where, `key ${JSON.stringify(key)} appears twice`);
    out.set(key, strings(flat[i + 1], where, i + 1));
  }
  return out;
}

function metadata(v: unknown, where: string): Record<string, string> {
  const flat = arr(v, where);
  if (flat.length % 2 !== 0) fail(where, 'odd number of entries in a key/value list');
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = str(flat[i], where, i);
    const value = str(flat[i + 1], where, i + 1);
    if (Object.prototype.hasOwnProperty.call(out, key)) fail(where, `key ${JSON.stringify(key)} appears twice`);
    // `out['__proto__'] = v` would replace the prototype instead of storing a key; only that key
    // takes the slower defineProperty.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function wireToHit(v: unknown, where: string): Hit {
  const a = arr(v, where);
  if (a.length !== HIT_FIELD_COUNT) fail(where, `expected ${HIT_FIELD_COUNT} fields, got ${a.length}`);
  const userId = a[5];
  if (userId !== null && typeof userId !== 'string') fail(`${where}.userId`, `expected a string or null, got ${describe(userId)}`);
  const srt = a[9];
  const layersWire = a[15];
  let paramLayers: string[] | undefined;
  let queryParams: Map<string, string[]> | undefined;
  if (layersWire === null) {
    queryParams = multiMap(a[10], where + '.queryParams');
  } else {
    paramLayers = strings(layersWire, where, '.paramLayers');
    // Parsed when first read: a hit passes several hops (queue, state, spool) that never look
    // at its parameters. Checking the escapes here keeps a damaged layer a decode error.
    for (const [i, layer] of paramLayers.entries()) {
      try {
        assertDecodable(layer);
      } catch (err) {
        fail(`${where}.paramLayers[${i}]`, err instanceof Error ? err.message : String(err));
      }
    }
  }
  if (typeof srt !== 'number' || !Number.isFinite(srt)) fail(`${where}.serverReceivedTime`, `expected a finite number, got ${describe(srt)}`);
  const fields = {
    ip: str(a[7], where, '.ip'),
    host: str(a[8], where, '.host'),
    serverReceivedTime: srt,
    body: bytes(a[11], where, '.body'),
    path: str(a[12], where, '.path'),
    method: str(a[13], where, '.method'),
    headers: multiMap(a[14], where + '.headers'),
  };
  return {
    id: str(a[0], where, '.id'),
    authoritativeClientId: str(a[1], where, '.authoritativeClientId'),
    clientId: str(a[2], where, '.clientId'),
    eventName: str(a[3], where, '.eventName'),
    propertyId: str(a[4], where, '.propertyId'),
    userId,
    metadata: metadata(a[6], where + '.metadata'),
    request: paramLayers !== undefined ? lazyRequest({ ...fields, paramLayers }, parseLayers) : { ...fields, queryParams: queryParams ?? new Map() },
  };
}

function decodeEnvelope(input: Uint8Array): unknown {
  if (!(input instanceof Uint8Array)) fail('input', `expected bytes, got ${describe(input)}`);
  if (input.byteLength === 0) fail('input', 'empty');
  let value: unknown;
  try {
    value = decoder.decode(input);
  } catch (err) {
    fail('CBOR', err instanceof Error ? err.message : String(err));
  }
  const env = arr(value, 'envelope');
  if (env.length !== 2) fail('envelope', `expected [version, payload], got ${describe(value)}`);
  if (env[0] !== HIT_FORMAT_VERSION) {
    const got = typeof env[0] === 'number' ? String(env[0]) : describe(env[0]);
    fail('envelope', `unsupported format version ${got} (this build reads version ${HIT_FORMAT_VERSION})`);
  }
  return env[1];
}

export function decodeHit(input: Uint8Array): Hit {
  const hit = (input instanceof Uint8Array ? readHitFrame(input, HIT_FORMAT_VERSION) : null) ?? decodeHitGeneric(input);
  // `encodeHit` wrote a two-byte envelope (array of 2, version) before the item.
  if (input[0] === 0x82 && input[1] === HIT_FORMAT_VERSION) storedItems.set(hit, input.subarray(2));
  return hit;
}

/**
 * A hit of the state store, read for closing: its request is read only up to its time, and the
 * rest when something first asks for it (see `deferredRequest` in hit.ts). A stored hit whose
 * rest turns out not to read fails then, with the decoding error, where its columns are computed.
 */
export function decodeStoredHit(input: Uint8Array): Hit {
  const hit = (input instanceof Uint8Array ? readStoredHitFrame(input, HIT_FORMAT_VERSION, readStoredRequestRest) : null) ?? decodeHitGeneric(input);
  // Closing reads every hit of a bucket: its request holds the frame already, and a table entry
  // per hit cost a twentieth of closing.
  if (input[0] === 0x82 && input[1] === HIT_FORMAT_VERSION && !markStoredFrame(hit)) storedItems.set(hit, input.subarray(2));
  return hit;
}

function readStoredRequestRest(input: Uint8Array, at: number, ip: string, host: string, serverReceivedTime: number): ParsedRequest {
  return readRequestRest(input, at, ip, host, serverReceivedTime) ?? decodeHitGeneric(input).request;
}

function decodeHitGeneric(input: Uint8Array): Hit {
  const payload = decodeEnvelope(input);
  if (Array.isArray(payload) && Array.isArray(payload[0])) fail('hit', 'expected a single hit; this looks like a batch of hits');
  return wireToHit(payload, 'hit');
}

export function decodeHits(input: Uint8Array): Hit[] {
  const read = input instanceof Uint8Array ? readHitBatch(input, HIT_FORMAT_VERSION) : null;
  return read ?? decodeHitsGeneric(input);
}

/** What cbor-x alone reads for `decodeHits` (tests compare the two readers with it). */
export function decodeHitsGeneric(input: Uint8Array): Hit[] {
  const payload = arr(decodeEnvelope(input), 'hits');
  if (payload.length > 0 && !Array.isArray(payload[0])) fail('hits', 'expected a list of hits; this looks like a single-hit frame');
  return payload.map((h, i) => wireToHit(h, `hits[${i}]`));
}
