/**
 * A chunk: the hits one intake batch stored for one proto-session, in one state row. With a row
 * per hit, the inserts, index entries and row reads of the state store were most of what intake
 * and closing cost; a proto-session's hits mostly come a few per batch, so a row per batch and
 * proto-session stores several hits for the price of one.
 *
 * Layout: one version byte; in version 2 then the identifiers the hits hold
 *
 *   count        uint32 LE
 *   per identifier: its kind (IDENTIFIER_TYPE_CODES, one byte) and its 32-byte SHA-256 stamp
 *
 * and then, in both versions, per hit
 *
 *   receivedMs  float64 LE
 *   idBytes     uint32 LE   UTF-8 length of the hit id
 *   hitBytes    uint32 LE   length of the stored hit (the hit codec's frame)
 *   id          idBytes
 *   hit         hitBytes
 *
 * Time and id stand before the hit's own bytes so that closing can order and de-duplicate a
 * proto-session's hits without decoding them. The identifiers stand beside the hits rather than
 * in each hit's metadata (where version 1 chunks keep them): as two 64-character texts per hit
 * they were about a quarter of the stored bytes, written, synced, read and spooled again.
 */
import { HIT_FRAME_ENVELOPE } from '../hits/hit-codec.js';
import { assertDigestHex, IDENTIFIER_TYPE_CODES, type IdentifierKey, type IdentifierType, type StoredHitItem } from './store.js';

export const HIT_CHUNK_VERSION = 2;
/** Chunks of earlier builds: hits alone, their identifiers in each hit's metadata. */
const HIT_CHUNK_VERSION_1 = 1;

const STAMP_BYTES = 32;
const IDENTIFIER_BYTES = 1 + STAMP_BYTES;

const TYPE_OF_CODE = new Map<number, IdentifierType>(Object.entries(IDENTIFIER_TYPE_CODES).map(([type, code]) => [code, type as IdentifierType]));

const RECORD_HEAD = 16;

export interface ChunkHit {
  hitId: string;
  receivedMs: number;
  payload: Uint8Array;
}

/** Thrown for bytes that are not a chunk; the whole row is unreadable then. */
export class HitChunkError extends Error {
  override readonly name = 'HitChunkError';
}

/** The stored frame's length of a hit given as its frame or as its item (framed when written). */
function frameLength(hit: ChunkHit | StoredHitItem): number {
  return 'item' in hit ? HIT_FRAME_ENVELOPE.length + hit.item.byteLength : hit.payload.byteLength;
}

export function encodeHitChunk(hits: readonly (ChunkHit | StoredHitItem)[], identifiers: readonly IdentifierKey[] = []): Buffer {
  let size = 1 + 4 + identifiers.length * IDENTIFIER_BYTES;
  for (const hit of hits) size += RECORD_HEAD + Buffer.byteLength(hit.hitId, 'utf8') + frameLength(hit);
  const out = Buffer.allocUnsafe(size);
  out[0] = HIT_CHUNK_VERSION;
  out.writeUInt32LE(identifiers.length, 1);
  let at = 5;
  for (const key of identifiers) {
    assertDigestHex(key.stamp, 'identifier stamp');
    out[at] = IDENTIFIER_TYPE_CODES[key.type];
    out.write(key.stamp, at + 1, 'hex');
    at += IDENTIFIER_BYTES;
  }
  for (const hit of hits) {
    if (!Number.isFinite(hit.receivedMs)) throw new RangeError(`hit ${hit.hitId}: received time must be finite, got ${hit.receivedMs}`);
    // The id goes in first, after the head, so its length is known for the head afterwards.
    const idBytes = out.write(hit.hitId, at + RECORD_HEAD, 'utf8');
    out.writeDoubleLE(hit.receivedMs, at);
    out.writeUInt32LE(idBytes, at + 8);
    const length = frameLength(hit);
    out.writeUInt32LE(length, at + 12);
    at += RECORD_HEAD + idBytes;
    if ('item' in hit) {
      // The item written straight after the envelope: no frame of its own made per hit.
      for (let i = 0; i < HIT_FRAME_ENVELOPE.length; i++) out[at + i] = HIT_FRAME_ENVELOPE[i]!;
      out.set(hit.item, at + HIT_FRAME_ENVELOPE.length);
    } else {
      out.set(hit.payload, at);
    }
    at += length;
  }
  return out;
}

/**
 * Calls `identifier` for every identifier stored with a chunk (none in version 1), then `each`
 * for every hit, in the order they were stored; payloads are views into `chunk`. Throws
 * `HitChunkError` (after the hits before the damage were passed on) when the bytes do not frame.
 */
export function readHitChunk(
  chunk: Uint8Array,
  each: (hitId: string, receivedMs: number, payload: Uint8Array) => void,
  identifier: (key: IdentifierKey) => void = () => undefined,
): void {
  if (chunk.byteLength === 0) throw new HitChunkError('empty chunk');
  const version = chunk[0];
  if (version !== HIT_CHUNK_VERSION && version !== HIT_CHUNK_VERSION_1) {
    throw new HitChunkError(`unsupported chunk version ${version} (this build reads versions ${HIT_CHUNK_VERSION_1} and ${HIT_CHUNK_VERSION})`);
  }
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const end = buf.byteLength;
  let at = version === HIT_CHUNK_VERSION ? readIdentifiers(buf, identifier) : 1;
  let index = 0;
  while (at < end) {
    if (end - at < RECORD_HEAD) throw new HitChunkError(`hit ${index}: ${end - at} bytes left, a record head takes ${RECORD_HEAD}`);
    const receivedMs = buf.readDoubleLE(at);
    const idBytes = buf.readUInt32LE(at + 8);
    const hitBytes = buf.readUInt32LE(at + 12);
    at += RECORD_HEAD;
    if (!Number.isFinite(receivedMs)) throw new HitChunkError(`hit ${index}: received time is not finite`);
    if (idBytes > end - at || hitBytes > end - at - idBytes) throw new HitChunkError(`hit ${index}: lengths ${idBytes} + ${hitBytes} run past the chunk's end`);
    if (hitBytes === 0) throw new HitChunkError(`hit ${index}: no hit bytes`);
    const hitId = buf.toString('utf8', at, at + idBytes);
    at += idBytes;
    each(hitId, receivedMs, buf.subarray(at, at + hitBytes));
    at += hitBytes;
    index++;
  }
}

/** The identifiers of a version 2 chunk; the offset of its first hit record. */
function readIdentifiers(buf: Buffer, identifier: (key: IdentifierKey) => void): number {
  if (buf.byteLength < 5) throw new HitChunkError(`${buf.byteLength - 1} bytes after the version, the identifier count takes 4`);
  const count = buf.readUInt32LE(1);
  const first = 5;
  if (count > (buf.byteLength - first) / IDENTIFIER_BYTES) throw new HitChunkError(`${count} identifiers run past the chunk's end`);
  for (let i = 0; i < count; i++) {
    const at = first + i * IDENTIFIER_BYTES;
    const type = TYPE_OF_CODE.get(buf[at]!);
    if (type === undefined) throw new HitChunkError(`identifier ${i}: unknown kind ${buf[at]}`);
    identifier({ type, stamp: buf.toString('hex', at + 1, at + IDENTIFIER_BYTES) });
  }
  return first + count * IDENTIFIER_BYTES;
}
