/**
 * One spool frame of the files driver: the rows of one `write` call, with the time they were
 * spooled and a random nonce. The nonce makes every frame unique, so a segment named after
 * its first frame can never share a name with another segment, while a retry of the same
 * sealed file reads the same frame and therefore reuses the same name.
 */
import { randomBytes } from 'node:crypto';
import { Decoder, Encoder } from 'cbor-x';
import type { Row } from '../driver.js';

const FRAME_VERSION = 2;

export interface RowsFrame {
  /** When the rows were spooled (ms since the epoch). */
  spooledAt: number;
  nonce: string;
  rows: Row[];
  /** The idempotency id of the write that spooled these rows, when it had one. */
  batchId: string | null;
}

export class RowsFrameError extends Error {
  override readonly name = 'RowsFrameError';
}

const encoder = new Encoder({ useRecords: false, structuredClone: false, pack: false, bundleStrings: false });
// Maps come back as Map, never as plain objects, so no key can reach an object prototype; rows
// are rebuilt with own properties below.
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, structuredClone: false });

export function encodeRowsFrame(rows: readonly Row[], spooledAt: number, batchId: string | null = null): Uint8Array {
  return encoder.encode([FRAME_VERSION, spooledAt, randomBytes(8).toString('hex'), rows, batchId]);
}

/** The batch id of a frame without rebuilding its rows (null when absent or unreadable). */
export function rowsFrameBatchId(bytes: Uint8Array): string | null {
  try {
    const decoded: unknown = decoder.decode(bytes);
    if (Array.isArray(decoded) && decoded[0] === FRAME_VERSION && typeof decoded[4] === 'string') return decoded[4];
  } catch {
    // unreadable frames are reported when the segment is flushed
  }
  return null;
}

export function decodeRowsFrame(bytes: Uint8Array): RowsFrame {
  let decoded: unknown;
  try {
    decoded = decoder.decode(bytes);
  } catch (err) {
    throw new RowsFrameError(`spool frame is not valid CBOR: ${(err as Error).message}`);
  }
  if (!Array.isArray(decoded) || decoded.length !== 5 || decoded[0] !== FRAME_VERSION) {
    throw new RowsFrameError('spool frame is not a files-driver rows frame of a known version');
  }
  const [, spooledAt, nonce, rows, batchId] = decoded as [unknown, unknown, unknown, unknown, unknown];
  if (typeof spooledAt !== 'number' || typeof nonce !== 'string' || !Array.isArray(rows) || (batchId !== null && typeof batchId !== 'string')) {
    throw new RowsFrameError('spool frame has malformed fields');
  }
  return { spooledAt, nonce, rows: rows.map(toRow), batchId };
}

function toRow(value: unknown): Row {
  if (value instanceof Map) {
    const row: Row = {};
    for (const [k, v] of value) Object.defineProperty(row, String(k), { value: v, enumerable: true, writable: true, configurable: true });
    return row;
  }
  throw new RowsFrameError('spool frame holds a row that is not a map');
}
