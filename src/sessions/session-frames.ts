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
import { plainCborEncoder, safeCborDecoder } from '../hits/cbor.js';
import { batchEnvelopeSize, decodeHits, encodeHits, storedItemsOf, writeBatchEnvelope } from '../hits/hit-codec.js';
import { CborWriter, cborHeadSize, cborScalarSize } from '../storage/cbor-prefix.js';
import { newEvent, newSession, type Session } from '../schema/session.js';

export const SESSION_FRAME_VERSION = 2;

/** Thrown when a frame is not a valid session frame; such a frame can never be read. */
export class SessionFrameDecodeError extends Error {
  override readonly name = 'SessionFrameDecodeError';
}

const encoder = plainCborEncoder;

const decoder = safeCborDecoder;

/**
 * The frame's bytes, in memory of its own (never a view of an encoder's shared buffer), so a
 * spool may write them as a piece without copying them.
 */
export function encodeSessionFrame(sessions: readonly Session[], writeId: string | null = null): Uint8Array {
  return storedSessionFrame(sessions, writeId) ?? Buffer.from(encoder.encode([SESSION_FRAME_VERSION, sessions.map((s) => encodeHits(s.events.map((e) => e.hit))), writeId]));
}

/**
 * One session as its frame entry: the CBOR byte string holding the hit codec's batch of its hits,
 * head included, in memory of its own. A closed session's hits are copied from the bytes they
 * were stored as; others are encoded. Entries of one property concatenated inside
 * `sessionFramePieces` make the same frame as `encodeSessionFrame` of their sessions.
 */
export function encodeSessionEntry(session: Session): Buffer {
  const hits = session.events.map((e) => e.hit);
  const items = storedItemsOf(hits);
  if (items === undefined) {
    const batch = encodeHits(hits);
    return new CborWriter(cborHeadSize(batch.byteLength) + batch.byteLength).bytesHead(batch.byteLength).raw(batch).buffer;
  }
  const length = storedBatchLength(items);
  const w = new CborWriter(cborHeadSize(length) + length);
  writeStoredEntry(w, items, length);
  return w.buffer;
}

/** Bytes of the hit codec's batch of these stored items: its envelope, then the items. */
function storedBatchLength(items: readonly Uint8Array[]): number {
  let length = batchEnvelopeSize(items.length);
  for (const item of items) length += item.byteLength;
  return length;
}

/** An entry (a byte string of `length` bytes) holding the batch of these stored items. */
function writeStoredEntry(w: CborWriter, items: readonly Uint8Array[], length: number): void {
  writeBatchEnvelope(w.bytesHead(length), items.length);
  for (const item of items) w.raw(item);
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

/**
 * The frame written directly from the bytes its hits were stored as (closed sessions come
 * from the state store so): one buffer, each hit copied once. Assembling each session's hits
 * into a buffer of its own and then encoding the frame copied every hit twice. The bytes are
 * the ones cbor-x writes for the same frame. Undefined when any hit has no stored bytes.
 */
function storedSessionFrame(sessions: readonly Session[], writeId: string | null): Buffer | undefined {
  const itemsOf: Uint8Array[][] = [];
  const lengths: number[] = [];
  let size = 1 + cborScalarSize(SESSION_FRAME_VERSION) + cborHeadSize(sessions.length) + cborScalarSize(writeId);
  for (const session of sessions) {
    const items = storedItemsOf(session.events.map((e) => e.hit));
    if (items === undefined) return undefined;
    const length = storedBatchLength(items);
    itemsOf.push(items);
    lengths.push(length);
    size += cborHeadSize(length) + length;
  }
  const w = new CborWriter(size).arrayHead(3).scalar(SESSION_FRAME_VERSION).arrayHead(sessions.length);
  for (let s = 0; s < itemsOf.length; s++) writeStoredEntry(w, itemsOf[s]!, lengths[s]!);
  w.scalar(writeId);
  if (w.length !== size) throw new Error(`session frame: wrote ${w.length} bytes of ${size}`);
  return w.buffer;
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
