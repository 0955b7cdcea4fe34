/**
 * Reads hit items (the wire arrays of hit-codec.ts) straight from their bytes: the counterpart
 * of hit-wire-writer.ts. The worker decodes every hit at each durable hop (queue task, state
 * store, session spool); through cbor-x each decode first built the whole array of arrays and
 * then copied it into the hit, and every hit got a header map of its own.
 *
 * Only the shapes the writer produces are read here (definite lengths, text, null, integers and
 * 64-bit floats, byte strings). Anything else, and anything the generic decoder would reject
 * (a repeated key, a wrong type, a `__proto__` metadata key), makes the reader answer null: the
 * caller then decodes the input with cbor-x, which gives the same hits or the same error.
 *
 * Hits of one client carry the same headers, and the encoding of a header map is a pure function
 * of it, so a map whose bytes equal those of a recently read one is that map again: the reader
 * hands out the same sealed map (see sealed-headers.ts) instead of building another.
 */
import { isUtf8 } from 'node:buffer';
import type { Headers, Hit, ParsedRequest, RequestRestReader } from './hit.js';
import { deferredRequest, lazyRequest, markSourceItem } from './hit.js';
import { keepEncoding, sealHeaders } from './sealed-headers.js';
import { assertDecodable, parseLayers } from '../receiver/querystring.js';
import { latin1Slice, utf8Slice } from '../storage/buffer-text.js';

const HIT_FIELD_COUNT = 16;

/** Thrown inside the reader for any shape it leaves to the generic decoder; never escapes. */
const GENERIC = new Error('left to the generic decoder');

let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;

function byte(): number {
  if (pos >= end) throw GENERIC;
  return buf[pos++]!;
}

/**
 * The argument of a head (definite lengths and plain integers only), in its shortest form as
 * every CBOR writer here puts it: the bytes of a map read here may be copied as its encoding
 * (see `headers`), so they must be the ones writing the map would give.
 */
function argument(first: number): number {
  const info = first & 0x1f;
  if (info < 24) return info;
  if (info === 24) return atLeast(unsigned(1), 24);
  if (info === 25) return atLeast(unsigned(2), 0x100);
  if (info === 26) return atLeast(unsigned(4), 0x10000);
  if (info === 27) {
    const hi = unsigned(4);
    const lo = unsigned(4);
    // Beyond 2^53 cbor-x gives a BigInt or a rounded number; leave it to cbor-x.
    if (hi === 0 || hi >= 0x200000) throw GENERIC;
    return hi * 0x100000000 + lo;
  }
  throw GENERIC;
}

/** The next `width` bytes as a big-endian unsigned integer. */
function unsigned(width: 1 | 2 | 4): number {
  if (pos + width > end) throw GENERIC;
  const n = width === 1 ? buf[pos]! : width === 2 ? buf.readUInt16BE(pos) : buf.readUInt32BE(pos);
  pos += width;
  return n;
}

/** `n`, unless a shorter head could have held it. */
function atLeast(n: number, min: number): number {
  if (n < min) throw GENERIC;
  return n;
}

/** The length of an item of major type `major` (0x40 bytes, 0x60 text, 0x80 array). */
function length(major: number): number {
  const first = byte();
  if ((first & 0xe0) !== major) throw GENERIC;
  return argument(first);
}

function text(): string {
  const n = length(0x60);
  const from = pos;
  if (from + n > end) throw GENERIC;
  pos = from + n;
  return n <= INTERNED_MAX_BYTES ? shortText(from, pos) : utf8Text(from, pos);
}

/**
 * A text that never repeats (a hit's id): kept out of the table of recent texts below, where it
 * would cost a hash and a copy of its bytes and push out a text that does repeat.
 */
function uniqueText(): string {
  const n = length(0x60);
  const from = pos;
  if (from + n > end) throw GENERIC;
  pos = from + n;
  const b = buf;
  let high = 0;
  for (let i = from; i < pos; i++) high |= b[i]!;
  return high < 0x80 ? latin1Slice.call(b, from, pos) : utf8Text(from, pos);
}

/*
 * Short ASCII texts repeat from hit to hit (metadata keys, event and property names, paths,
 * addresses, a session's stamps), so the last text read into each slot of a small table is
 * kept with its bytes and handed out again when the same bytes come back. Reading a batch made
 * several kilobytes of garbage per hit when each of them was built afresh.
 */
const INTERNED_MAX_BYTES = 64;
const INTERNED_SLOTS = 2048;
const internedText: string[] = new Array<string>(INTERNED_SLOTS).fill('');
const internedLength = new Int32Array(INTERNED_SLOTS).fill(-1);
const internedBytes = new Uint8Array(INTERNED_SLOTS * INTERNED_MAX_BYTES);

function shortText(from: number, to: number): string {
  const n = to - from;
  // Locals: the module's `buf` is reassigned per input, and read through its binding in a loop
  // it is loaded again on every step.
  const b = buf;
  let hash = n;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c >= 0x80) return utf8Text(from, to);
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  const slot = (hash >>> 0) & (INTERNED_SLOTS - 1);
  const base = slot * INTERNED_MAX_BYTES;
  if (internedLength[slot] === n) {
    const kept = internedBytes;
    let i = 0;
    while (i < n && kept[base + i] === b[from + i]) i++;
    if (i === n) return internedText[slot]!;
  }
  // ASCII reads the same as Latin-1, and Buffer's Latin-1 reader skips the UTF-8 checks.
  const value = latin1Slice.call(b, from, to);
  internedText[slot] = value;
  internedLength[slot] = n;
  // At most 64 bytes: a loop, rather than a view of them made for `set` on every miss.
  const kept = internedBytes;
  for (let i = 0; i < n; i++) kept[base + i] = b[from + i]!;
  return value;
}

/**
 * Text that is well-formed UTF-8. Anything else (the writer puts a lone surrogate of a short
 * string as three bytes, as cbor-x does) is left to cbor-x, whose reading of it differs from
 * Buffer's replacement characters.
 */
function utf8Text(from: number, to: number): string {
  if (!isUtf8(buf.subarray(from, to))) throw GENERIC;
  return utf8Slice.call(buf, from, to);
}

function textOrNull(): string | null {
  if (pos < end && buf[pos] === 0xf6) {
    pos++;
    return null;
  }
  return text();
}

function texts(): string[] {
  const n = length(0x80);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = text();
  return out;
}

function number(): number {
  const first = byte();
  const major = first & 0xe0;
  if (major === 0x00) return argument(first);
  if (major === 0x20) return -1 - argument(first);
  if (first === 0xfb) {
    if (pos + 8 > end) throw GENERIC;
    const v = buf.readDoubleBE(pos);
    pos += 8;
    if (!Number.isFinite(v)) throw GENERIC;
    return v;
  }
  throw GENERIC;
}

const NO_BYTES = new Uint8Array(0);

function bytes(): Uint8Array {
  const n = length(0x40);
  if (pos + n > end) throw GENERIC;
  const from = pos;
  pos += n;
  // A copy: a view would keep the whole input alive for as long as the hit lives.
  return n === 0 ? NO_BYTES : new Uint8Array(buf.subarray(from, pos));
}

function multiMap(): Map<string, string[]> {
  const n = length(0x80);
  if (n % 2 !== 0) throw GENERIC;
  const out = new Map<string, string[]>();
  for (let i = 0; i < n; i += 2) {
    const key = text();
    if (out.has(key)) throw GENERIC;
    out.set(key, texts());
  }
  return out;
}

/**
 * Items read lately, with their bytes; a few, tried in turn. CBOR items delimit themselves, so
 * input that starts with a whole known item's bytes is that item again.
 */
class RecentItems<T> {
  private readonly bytes: (Buffer | undefined)[];
  private readonly values: (T | undefined)[];
  private next = 0;

  constructor(private readonly size: number) {
    this.bytes = new Array<Buffer | undefined>(size).fill(undefined);
    this.values = new Array<T | undefined>(size).fill(undefined);
  }

  /** The known item the input at `pos` starts with (and `pos` moved past it), or undefined. */
  match(): T | undefined {
    const from = pos;
    for (let i = 0; i < this.size; i++) {
      const known = this.bytes[i];
      if (known === undefined || from + known.length > end) continue;
      if (buf.compare(known, 0, known.length, from, from + known.length) === 0) {
        pos = from + known.length;
        return this.values[i];
      }
    }
    return undefined;
  }

  /** Keeps `value` as the item just read from `from` to `pos`; returns a copy of its bytes. */
  remember(from: number, value: T): Buffer {
    const encoded = Buffer.from(buf.subarray(from, pos));
    this.bytes[this.next] = encoded;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
    return encoded;
  }
}

/*
 * A proto-session's stored hits all carry the same metadata (the protocol and stamps, two of
 * them 64 hex characters); reading those texts again for every hit was a tenth of closing.
 * Each hit gets a copy of its own, since the pipeline writes to a hit's metadata.
 */
const recentMetadata = new RecentItems<Readonly<Record<string, string>>>(4);

function metadata(): Record<string, string> {
  const known = recentMetadata.match();
  if (known !== undefined) return { ...known };
  const from = pos;
  const out = readMetadata();
  recentMetadata.remember(from, { ...out });
  return out;
}

function readMetadata(): Record<string, string> {
  const n = length(0x80);
  if (n % 2 !== 0) throw GENERIC;
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i += 2) {
    const key = text();
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw GENERIC;
    out[key] = text();
  }
  return out;
}

/** Header maps read lately: hits of one client carry the same headers. */
const recentHeaders = new RecentItems<Headers>(4);

function headers(): Headers {
  const known = recentHeaders.match();
  if (known !== undefined) return known;
  const from = pos;
  const map = sealHeaders(multiMap());
  // The map's bytes are its encoding too: a hit written again copies them.
  keepEncoding(map, recentHeaders.remember(from, map));
  return map;
}

/** One hit item; its parameters travel either as a list or as their raw query strings (layers). */
function hitItem(): Hit {
  return hitItemReading(null, EMPTY_INPUT);
}

/**
 * A hit item, its request read whole, or (with `deferTo`) only up to its time: the rest is read
 * by `deferTo` when first needed (see `deferredRequest`). That rest is the end of the item and
 * of `input`, so the reader then skips to the end.
 */
function hitItemReading(deferTo: RequestRestReader | null, input: Uint8Array): Hit {
  if (length(0x80) !== HIT_FIELD_COUNT) throw GENERIC;
  const id = uniqueText();
  const authoritativeClientId = text();
  const clientId = text();
  const eventName = text();
  const propertyId = text();
  const userId = textOrNull();
  const md = metadata();
  const ip = text();
  const host = text();
  const serverReceivedTime = number();
  let request: ParsedRequest;
  if (deferTo === null) {
    request = requestRest(ip, host, serverReceivedTime);
  } else {
    request = deferredRequest(ip, host, serverReceivedTime, input, pos, deferTo);
    pos = end;
  }
  return { id, authoritativeClientId, clientId, eventName, propertyId, userId, metadata: md, request };
}

/** The request's fields after its time: parameters, body, path, method, headers and layers. */
function requestRest(ip: string, host: string, serverReceivedTime: number): ParsedRequest {
  // With layers (the usual shape) the parameter list is empty and no map is needed for it.
  let queryParams: Map<string, string[]> | undefined;
  if (pos < end && buf[pos] === 0x80) pos++;
  else queryParams = multiMap();
  const body = bytes();
  const path = text();
  const method = text();
  const headerMap = headers();
  if (pos < end && buf[pos] === 0xf6) {
    pos++;
    return { ip, host, serverReceivedTime, queryParams: queryParams ?? new Map(), body, path, method, headers: headerMap };
  }
  const paramLayers = texts();
  // With layers the writer leaves the parameter list empty; anything else is not its shape.
  if (queryParams !== undefined) throw GENERIC;
  for (let i = 0; i < paramLayers.length; i++) {
    try {
      assertDecodable(paramLayers[i]!);
    } catch {
      throw GENERIC;
    }
  }
  return lazyRequest({ ip, host, serverReceivedTime, body, path, method, headers: headerMap, paramLayers }, parseLayers);
}

const EMPTY_INPUT = Buffer.alloc(0);

/**
 * Runs `read` over `input` from `at` to its end: its value when it used every byte, null when
 * the generic decoder must read the input. The reader's state is put back afterwards, so a read
 * may run at any time (a deferred request's, say) and the input is not kept once it is done.
 */
function readWhole<T>(input: Uint8Array, at: number, read: () => T): T | null {
  const outerBuf = buf;
  const outerPos = pos;
  const outerEnd = end;
  buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  pos = at;
  end = input.byteLength;
  try {
    const value = read();
    return pos === end ? value : null;
  } catch (err) {
    if (err === GENERIC) return null;
    throw err;
  } finally {
    buf = outerBuf;
    pos = outerPos;
    end = outerEnd;
  }
}

/** `readWhole` after the envelope `[version, …]` at the start of `input`. */
function readEnvelope<T>(input: Uint8Array, version: number, read: () => T): T | null {
  return readWhole(input, 0, () => (byte() === 0x82 && byte() === version ? read() : null));
}

function hitBatch(): Hit[] {
  const n = length(0x80);
  const hits: Hit[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const from = pos;
    const hit = hitItem();
    markSourceItem(hit, buf, from, pos);
    hits[i] = hit;
  }
  return hits;
}

/** The hit of a single-hit frame `[version, item]`, or null when the generic decoder must read it. */
export function readHitFrame(input: Uint8Array, version: number): Hit | null {
  return readEnvelope(input, version, hitItem);
}

/**
 * The hit of a single-hit frame `[version, item]` with its request read only up to its time
 * (`readRest` reads the rest later), or null when the generic decoder must read it.
 */
export function readStoredHitFrame(input: Uint8Array, version: number, readRest: RequestRestReader): Hit | null {
  return readEnvelope(input, version, () => hitItemReading(readRest, input));
}

/**
 * The fields of a request after its time, from `input` at `at` to its end, or null when the
 * generic decoder must read them.
 */
export function readRequestRest(input: Uint8Array, at: number, ip: string, host: string, serverReceivedTime: number): ParsedRequest | null {
  return readWhole(input, at, () => requestRest(ip, host, serverReceivedTime));
}

/** The hits of a batch `[version, [item, …]]`, or null when the generic decoder must read it. */
export function readHitBatch(input: Uint8Array, version: number): Hit[] | null {
  return readEnvelope(input, version, hitBatch);
}
