/**
 * A chunk: the hits one intake batch stored for one proto-session, in one state row. With a row
 * per hit, the inserts, index entries and row reads of the state store were most of what intake
 * and closing cost; a proto-session's hits mostly come a few per batch, so a row per batch and
 * proto-session stores several hits for the price of one.
 *
 * Layout: one version byte, then per hit
 *
 *   receivedMs  float64 LE
 *   idBytes     uint32 LE   UTF-8 length of the hit id
 *   hitBytes    uint32 LE   length of the stored hit (the hit codec's frame)
 *   id          idBytes
 *   hit         hitBytes
 *
 * Time and id stand before the hit's own bytes so that closing can order and de-duplicate a
 * proto-session's hits without decoding them.
 */

export const HIT_CHUNK_VERSION = 1;

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

export function encodeHitChunk(hits: readonly ChunkHit[]): Buffer {
  let size = 1;
  for (const hit of hits) size += RECORD_HEAD + Buffer.byteLength(hit.hitId, 'utf8') + hit.payload.byteLength;
  const out = Buffer.allocUnsafe(size);
  out[0] = HIT_CHUNK_VERSION;
  let at = 1;
  for (const hit of hits) {
    if (!Number.isFinite(hit.receivedMs)) throw new RangeError(`hit ${hit.hitId}: received time must be finite, got ${hit.receivedMs}`);
    // The id goes in first, after the head, so its length is known for the head afterwards.
    const idBytes = out.write(hit.hitId, at + RECORD_HEAD, 'utf8');
    out.writeDoubleLE(hit.receivedMs, at);
    out.writeUInt32LE(idBytes, at + 8);
    out.writeUInt32LE(hit.payload.byteLength, at + 12);
    at += RECORD_HEAD + idBytes;
    out.set(hit.payload, at);
    at += hit.payload.byteLength;
  }
  return out;
}

/**
 * Calls `each` for every hit of a chunk, in the order they were stored; payloads are views into
 * `chunk`. Throws `HitChunkError` (after the hits before the damage were passed on) when the
 * bytes do not frame.
 */
export function readHitChunk(chunk: Uint8Array, each: (hitId: string, receivedMs: number, payload: Uint8Array) => void): void {
  if (chunk.byteLength === 0) throw new HitChunkError('empty chunk');
  if (chunk[0] !== HIT_CHUNK_VERSION) throw new HitChunkError(`unsupported chunk version ${chunk[0]} (this build reads version ${HIT_CHUNK_VERSION})`);
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const end = buf.byteLength;
  let at = 1;
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
