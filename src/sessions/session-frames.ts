/**
 * The spool frame of the persistent session writer: the sessions of one property from one
 * `write` call, before any column is computed. A session at this stage is fully described by
 * its hits in order, so that is all a frame keeps:
 *
 *   [SESSION_FRAME_VERSION, [encodeHits(hits of session 1), encodeHits(hits of session 2), …]]
 *
 * (CBOR; each inner element is a byte string in the hit codec's own versioned format.) The
 * spool is private to Cairn, so the version only has to protect against a newer build's files.
 */
import { safeCborDecoder } from '../hits/cbor.js';
import { batchEnvelopeSize, decodeHits, encodeHits, storedItemsOf, writeBatchEnvelope } from '../hits/hit-codec.js';
import { CborWriter, cborHeadSize, cborScalarSize } from '../storage/cbor-prefix.js';
import { newEvent, newSession, type Session } from '../schema/session.js';

export const SESSION_FRAME_VERSION = 2;

/** Thrown when a frame is not a valid session frame; such a frame can never be read. */
export class SessionFrameDecodeError extends Error {
  override readonly name = 'SessionFrameDecodeError';
}

const decoder = safeCborDecoder;

/**
 * A frame's bytes in one buffer of its own. The spool writer appends the pieces of
 * `sessionFramePieces` instead, which are the same bytes without this copy.
 */
export function encodeSessionFrame(sessions: readonly Session[], writeId: string | null = null): Buffer {
  return Buffer.concat(sessionFramePieces(sessions.map(encodeSessionEntry), writeId));
}

/**
 * One session as its frame entry: the CBOR byte string holding the hit codec's batch of its hits,
 * head included, in memory of its own. A closed session's hits are copied once, from the bytes
 * they were stored as (assembling each session's batch first and then the frame copied every
 * hit twice); others are encoded. The bytes are the ones cbor-x writes for the same entry.
 */
export function encodeSessionEntry(session: Session): Buffer {
  const hits = session.events.map((e) => e.hit);
  const items = storedItemsOf(hits);
  if (items === undefined) {
    const batch = encodeHits(hits);
    return new CborWriter(cborHeadSize(batch.byteLength) + batch.byteLength).bytesHead(batch.byteLength).raw(batch).buffer;
  }
  let length = batchEnvelopeSize(items.length);
  for (const item of items) length += item.byteLength;
  const w = new CborWriter(cborHeadSize(length) + length);
  writeBatchEnvelope(w.bytesHead(length), items.length);
  for (const item of items) w.raw(item);
  return w.buffer;
}

/**
 * A frame of entries made by `encodeSessionEntry`, as pieces to be written in order: the
 * envelope, the entries themselves (not copied again) and the write id.
 */
export function sessionFramePieces(entries: readonly Uint8Array[], writeId: string | null = null): Uint8Array[] {
  const head = new CborWriter(1 + cborScalarSize(SESSION_FRAME_VERSION) + cborHeadSize(entries.length)).arrayHead(3).scalar(SESSION_FRAME_VERSION).arrayHead(entries.length);
  const tail = new CborWriter(cborScalarSize(writeId)).scalar(writeId);
  return [head.buffer, ...entries, tail.buffer];
}

/** The write id a frame was appended under (null when none), without decoding its hits. */
export function sessionFrameWriteId(frame: Uint8Array): string | null {
  let value: unknown;
  try {
    value = decoder.decode(frame);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value[0] !== SESSION_FRAME_VERSION) return null;
  const id: unknown = value[2];
  return typeof id === 'string' ? id : null;
}

function fail(what: string, cause?: unknown): never {
  throw new SessionFrameDecodeError(`invalid session frame: ${what}`, cause === undefined ? undefined : { cause });
}

export function decodeSessionFrame(frame: Uint8Array): Session[] {
  return sessionFrameEntries(frame).map(decodeSessionEntry);
}

/**
 * The still-encoded sessions of a frame, after checking the frame's envelope. Readers decode
 * them one by one with `decodeSessionEntry`, so a frame of thousands of sessions is never held
 * decoded all at once.
 */
export function sessionFrameEntries(frame: Uint8Array): Uint8Array[] {
  let value: unknown;
  try {
    value = decoder.decode(frame);
  } catch (err) {
    fail(`CBOR: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (!Array.isArray(value) || value.length !== 3) fail('expected [version, sessions, writeId]');
  const [version, sessions] = value as unknown[];
  if (version !== SESSION_FRAME_VERSION) fail(`unsupported version ${String(version)} (this build reads version ${SESSION_FRAME_VERSION})`);
  if (!Array.isArray(sessions)) fail('expected a list of sessions');
  sessions.forEach((encoded: unknown, i) => {
    if (!(encoded instanceof Uint8Array)) fail(`session ${i} is not a byte string`);
  });
  return sessions as Uint8Array[];
}

/** Session `index` of a frame, from its entry. */
export function decodeSessionEntry(encoded: Uint8Array, index: number): Session {
  let hits;
  try {
    hits = decodeHits(encoded);
  } catch (err) {
    fail(`session ${index}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (hits.length === 0) fail(`session ${index} has no hits`);
  return newSession(hits.map(newEvent));
}
