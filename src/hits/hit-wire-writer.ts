/**
 * Writes a hit's wire array (see hit-codec.ts) as CBOR, byte for byte what the cbor-x encoder
 * of `cbor.ts` writes for the same array, without building that array and its flattened
 * multi-maps first and without cbor-x's per-value type dispatch: the receiver encodes every
 * hit it accepts, so this runs once per hit on the request path.
 *
 * Only the shapes a hit normally has are written here (strings, a finite or non-finite number,
 * null, a byte string, arrays of strings); anything else makes `writeHitWire` return null and
 * the caller falls back to cbor-x, so the bytes never depend on which path ran.
 *
 * Results are views into shared slabs of memory (as cbor-x's are into its own buffers): a few
 * large allocations instead of one per hit. A slab is released once no view of it is left, or,
 * when it belongs to an arena (see SlabArena), handed to the next batch once its batch is done.
 */
import type { Hit } from './hit.js';
import { unreadRequestBytes } from './hit.js';
import { utf8Write } from '../storage/buffer-text.js';
import { isSealed, keepEncoding, keptEncoding } from './sealed-headers.js';

const SLAB_BYTES = 256 * 1024;

let slab: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
let pos = 0;
let start = 0;

/** Thrown inside the writer when a value has a shape it does not write; never escapes. */
const UNSUPPORTED = new Error('unsupported hit wire value');

/**
 * Slabs handed back by arenas whose batch is done, for the next ones to write into. Every new
 * ArrayBuffer counts towards V8's external memory, and at the receiver's rates (tens of MB of
 * hits a second) fresh slabs alone set off a full garbage collection several times a second.
 */
const POOL_LIMIT = 64;
const pool: Buffer[] = [];

/**
 * The slabs of one batch of hits that is written, read once and then dropped as a whole (the
 * receiver's memory staging): when the batch is done, `recycle` gives its slabs to the next
 * batch. Nothing may keep a view of a recycled arena's bytes.
 */
export class SlabArena {
  /** The slab being written and where; undefined until the first write. */
  current: Buffer | undefined = undefined;
  at = 0;
  private readonly slabs: Buffer[] = [];

  /** A slab of at least `size` bytes, from the pool when one fits. */
  take(size: number): Buffer {
    const next = size <= SLAB_BYTES && pool.length > 0 ? pool.pop()! : Buffer.allocUnsafeSlow(Math.max(size, SLAB_BYTES));
    this.slabs.push(next);
    return next;
  }

  /** Gives every slab back to the pool; the arena starts over empty. */
  recycle(): void {
    for (const s of this.slabs) if (s.length === SLAB_BYTES && pool.length < POOL_LIMIT) pool.push(s);
    this.slabs.length = 0;
    this.current = undefined;
    this.at = 0;
  }
}

/** The arena being written into, if any; new slabs then come from it. */
let arena: SlabArena | null = null;

/** Makes room for `n` more bytes, moving the item written so far to a new slab when needed. */
function room(n: number): void {
  if (pos + n <= slab.length) return;
  const used = pos - start;
  const size = Math.max(SLAB_BYTES, (used + n) * 2);
  const next = arena === null ? Buffer.allocUnsafeSlow(size) : arena.take(size);
  slab.copy(next, 0, start, pos);
  slab = next;
  start = 0;
  pos = used;
}

/** A CBOR head: `major` is the major type already shifted (0x40 bytes, 0x60 text, 0x80 array). */
function head(major: number, n: number): void {
  if (n < 0x18) {
    slab[pos++] = major | n;
  } else if (n < 0x100) {
    slab[pos++] = major | 0x18;
    slab[pos++] = n;
  } else if (n < 0x10000) {
    slab[pos++] = major | 0x19;
    slab[pos++] = n >> 8;
    slab[pos++] = n & 0xff;
  } else {
    slab[pos++] = major | 0x1a;
    slab.writeUInt32BE(n, pos);
    pos += 4;
  }
}

function headSize(n: number): number {
  return n < 0x18 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

function text(value: unknown): void {
  if (typeof value !== 'string') throw UNSUPPORTED;
  const length = value.length;
  room(5 + length * 3);
  const guess = headSize(length);
  const at = pos + guess;
  let n: number;
  if (length < 0x40) {
    // cbor-x encodes short strings with this loop, which writes a lone surrogate as three bytes
    // (longer strings go through Buffer's UTF-8 writer, which replaces it): keep both ways.
    const out = slab;
    let i = 0;
    for (; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      out[at + i] = c;
    }
    let p = at + i;
    for (; i < length; i++) {
      let c1 = value.charCodeAt(i);
      let c2: number;
      if (c1 < 0x80) {
        out[p++] = c1;
      } else if (c1 < 0x800) {
        out[p++] = (c1 >> 6) | 0xc0;
        out[p++] = (c1 & 0x3f) | 0x80;
      } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = value.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
        c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
        i++;
        out[p++] = (c1 >> 18) | 0xf0;
        out[p++] = ((c1 >> 12) & 0x3f) | 0x80;
        out[p++] = ((c1 >> 6) & 0x3f) | 0x80;
        out[p++] = (c1 & 0x3f) | 0x80;
      } else {
        out[p++] = (c1 >> 12) | 0xe0;
        out[p++] = ((c1 >> 6) & 0x3f) | 0x80;
        out[p++] = (c1 & 0x3f) | 0x80;
      }
    }
    n = p - at;
  } else {
    n = utf8Write.call(slab, value, at, slab.length - at);
  }
  const size = headSize(n);
  if (size !== guess) slab.copyWithin(pos + size, at, at + n);
  head(0x60, n);
  pos += n;
}

function textOrNull(value: unknown): void {
  if (value === null) {
    room(1);
    slab[pos++] = 0xf6;
  } else {
    text(value);
  }
}

function number(value: unknown): void {
  if (typeof value !== 'number') throw UNSUPPORTED;
  room(9);
  if (value >>> 0 === value) {
    head(0x00, value);
  } else if (value >> 0 === value) {
    // negative int32, as cbor-x writes it
    if (value >= -0x18) {
      slab[pos++] = 0x1f - value;
    } else if (value >= -0x100) {
      slab[pos++] = 0x38;
      slab[pos++] = ~value;
    } else if (value >= -0x10000) {
      slab[pos++] = 0x39;
      slab.writeUInt16BE(~value, pos);
      pos += 2;
    } else {
      slab[pos++] = 0x3a;
      slab.writeUInt32BE(~value >>> 0, pos);
      pos += 4;
    }
  } else if (value < 0 && value >= -0x100000000 && Math.floor(value) === value) {
    slab[pos++] = 0x3a;
    slab.writeUInt32BE(-1 - value, pos);
    pos += 4;
  } else {
    slab[pos++] = 0xfb;
    slab.writeDoubleBE(value, pos);
    pos += 8;
  }
}

function bytes(value: unknown): void {
  // cbor-x writes a plain Uint8Array or a Buffer as an untagged byte string with these
  // settings; other views (or a Uint8Array subclass) take the fallback.
  if (!(value instanceof Uint8Array) || (value.constructor !== Uint8Array && value.constructor !== Buffer)) throw UNSUPPORTED;
  const n = value.byteLength;
  room(5 + n);
  head(0x40, n);
  if (n > 0) slab.set(value, pos);
  pos += n;
}

function arrayHead(n: number): void {
  room(5);
  head(0x80, n);
}

function texts(values: unknown): void {
  if (!Array.isArray(values)) throw UNSUPPORTED;
  arrayHead(values.length);
  for (let i = 0; i < values.length; i++) text(values[i]);
}

function entry(values: unknown, key: unknown): void {
  text(key);
  texts(values);
}

/** A multi-map as `[key, [values…], key, …]` (`forEach`: no entry array per key). */
function multiMap(m: Map<string, string[]>): void {
  if (!(m instanceof Map)) throw UNSUPPORTED;
  arrayHead(m.size * 2);
  m.forEach(entry);
}

/**
 * `multiMap` for the headers. A sealed map (see sealed-headers.ts) is written once; later hits copy
 * the bytes it keeps.
 */
function headerMap(m: Map<string, string[]>): void {
  if (!isSealed(m)) return multiMap(m);
  const kept = keptEncoding(m);
  if (kept !== undefined) {
    room(kept.byteLength);
    slab.set(kept, pos);
    pos += kept.byteLength;
    return;
  }
  const from = pos - start; // relative: `room` may move the item to a new slab meanwhile
  multiMap(m);
  // A copy: a view would keep the whole slab alive for as long as the connection lasts.
  keepEncoding(m, Uint8Array.prototype.slice.call(slab, start + from, pos));
}

/** Metadata as `[key, value, …]` with the keys sorted. */
function metadata(md: Record<string, string>): void {
  if (typeof md !== 'object' || md === null) throw UNSUPPORTED;
  let count = 0;
  for (const k in md) if (Object.prototype.hasOwnProperty.call(md, k)) count++;
  if (count <= 1) {
    // Nothing to sort (hits carry just the protocol here).
    arrayHead(count * 2);
    for (const k in md) {
      if (!Object.prototype.hasOwnProperty.call(md, k)) continue;
      text(k);
      text(md[k]);
    }
    return;
  }
  const keys = Object.keys(md);
  // A handful of keys: sorted in place by insertion (UTF-16 order, as `sort()` orders them),
  // since the built-in sort allocates a working copy of the array on every call.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  arrayHead(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    text(k);
    text(md[k]);
  }
}

/** Writes the item at `[start, pos)`; false (nothing written) for a shape left to cbor-x. */
function writeItem(hit: Hit, prefix: readonly number[] | undefined): boolean {
  start = pos;
  try {
    if (prefix !== undefined) {
      room(prefix.length);
      for (let i = 0; i < prefix.length; i++) slab[pos++] = prefix[i]!;
    }
    const r = hit.request;
    arrayHead(16);
    text(hit.id);
    text(hit.authoritativeClientId);
    text(hit.clientId);
    text(hit.eventName);
    text(hit.propertyId);
    textOrNull(hit.userId);
    metadata(hit.metadata);
    text(r.ip);
    text(r.host);
    number(r.serverReceivedTime);
    // A stored request nothing has read past its time: its remaining fields are these bytes.
    const unread = unreadRequestBytes(r);
    if (unread !== undefined) {
      room(unread.byteLength);
      slab.set(unread, pos);
      pos += unread.byteLength;
      return true;
    }
    const layers = r.paramLayers;
    if (layers === undefined) multiMap(r.queryParams);
    else arrayHead(0);
    bytes(r.body);
    text(r.path);
    text(r.method);
    headerMap(r.headers);
    if (layers === undefined || layers === null) textOrNull(null);
    else texts(layers);
  } catch (err) {
    pos = start;
    if (err === UNSUPPORTED) return false;
    throw err;
  }
  return true;
}

/**
 * The CBOR of `[HIT_FIELD_COUNT fields]` for a hit (the hit-item encoding), or null when a value
 * has a shape this writer leaves to cbor-x. `prefix` bytes are written first (a frame envelope).
 */
export function writeHitWire(hit: Hit, prefix?: readonly number[]): Uint8Array | null {
  if (!writeItem(hit, prefix)) return null;
  const out = slab.subarray(start, pos);
  start = pos;
  return out;
}

/** Where the last `appendHitWire` put its bytes: `slab[start, end)`. */
export const lastAppended = { slab: slab as Uint8Array, start: 0, end: 0 };

/**
 * Writes a hit's item like `writeHitWire`, without making a view of it: the bytes are described
 * by `lastAppended` (until the next write). `fallback` gives the bytes for a hit of a shape the
 * writer leaves to cbor-x; they are copied into the slab the same way.
 */
export function appendHitWire(hit: Hit, fallback: (hit: Hit) => Uint8Array): void {
  if (!writeItem(hit, undefined)) {
    const bytes = fallback(hit);
    start = pos;
    room(bytes.byteLength);
    slab.set(bytes, pos);
    pos += bytes.byteLength;
  }
  lastAppended.slab = slab;
  lastAppended.start = start;
  lastAppended.end = pos;
  start = pos;
}

/** `appendHitWire` into the slabs of `into` instead of the writer's own. */
export function appendHitWireTo(into: SlabArena, hit: Hit, fallback: (hit: Hit) => Uint8Array): void {
  const ownSlab = slab;
  const ownPos = pos; // between items, start === pos
  slab = into.current ?? into.take(SLAB_BYTES);
  pos = into.at;
  start = pos;
  arena = into;
  try {
    appendHitWire(hit, fallback);
  } finally {
    into.current = slab;
    into.at = pos;
    arena = null;
    slab = ownSlab;
    pos = ownPos;
    start = ownPos;
  }
}
