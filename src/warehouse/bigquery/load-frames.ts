/**
 * One spool frame of the load-job writer: the NDJSON lines of one `write` call, ready to be
 * uploaded, with the write's batch id and a random nonce. The nonce makes every frame unique,
 * so the job id derived from a spool file's first frame names that file's rows and no others.
 */
import { randomBytes } from 'node:crypto';
import { Decoder } from 'cbor-x';
import { cborArrayEndingInBytes } from '../../storage/cbor-prefix.js';

const FRAME_VERSION = 1;

export interface LoadFrame {
  nonce: string;
  batchId: string | null;
  rowCount: number;
  ndjson: Uint8Array;
}

export class LoadFrameError extends Error {
  override readonly name = 'LoadFrameError';
}

const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, structuredClone: false });

/** The frame as its head and the NDJSON bytes, to be appended as pieces (the NDJSON is not copied). */
export function encodeLoadFrame(ndjson: Uint8Array, rowCount: number, batchId: string | null): [Buffer, Uint8Array] {
  return cborArrayEndingInBytes([FRAME_VERSION, randomBytes(8).toString('hex'), batchId, rowCount], ndjson);
}

export function decodeLoadFrame(bytes: Uint8Array): LoadFrame {
  let decoded: unknown;
  try {
    decoded = decoder.decode(bytes);
  } catch (err) {
    throw new LoadFrameError(`load spool frame is not valid CBOR: ${(err as Error).message}`);
  }
  if (!Array.isArray(decoded) || decoded.length !== 5 || decoded[0] !== FRAME_VERSION) throw new LoadFrameError('load spool frame of an unknown version');
  const [, nonce, batchId, rowCount, ndjson] = decoded as unknown[];
  if (typeof nonce !== 'string' || (batchId !== null && typeof batchId !== 'string') || typeof rowCount !== 'number' || !(ndjson instanceof Uint8Array)) {
    throw new LoadFrameError('load spool frame has malformed fields');
  }
  return { nonce, batchId, rowCount, ndjson };
}

/** The batch id of a frame, or null (also for unreadable frames, which fail at load time). */
export function loadFrameBatchId(bytes: Uint8Array): string | null {
  try {
    return decodeLoadFrame(bytes).batchId;
  } catch {
    return null;
  }
}
