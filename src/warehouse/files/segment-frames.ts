/**
 * One spool frame of the files driver: the rows of one `write` call, with the time they were
 * spooled and a random nonce. The nonce makes every frame unique, so a segment named after
 * its first frame can never share a name with another segment, while a retry of the same
 * sealed file reads the same frame and therefore reuses the same name.
 */
import { randomBytes } from 'node:crypto';
import { Decoder, Encoder } from 'cbor-x';
import type { Row, RowBatch } from '../driver.js';
import { cborArrayEndingInBytes } from '../../storage/cbor-prefix.js';

const FRAME_VERSION = 3;
/** Rows already in the segment format's bytes (CSV lines), concatenated as they are at flush. */
const ENCODED_FRAME_VERSION = 4;

/**
 * The rows of a frame, stored positionally: the field names once, then one array of values per
 * row in that order. Keys repeated in every row were most of the bytes and of the work of
 * writing and reading a frame.
 */
export interface RowsFrame {
  /** When the rows were spooled (ms since the epoch). */
  spooledAt: number;
  nonce: string;
  fieldNames: string[];
  values: unknown[][];
  /** The idempotency id of the write that spooled these rows, when it had one. */
  batchId: string | null;
  /** Set instead of `fieldNames` / `values` when the rows were spooled in the format's own bytes. */
  encoded?: { rowCount: number; bytes: Uint8Array };
}

export class RowsFrameError extends Error {
  override readonly name = 'RowsFrameError';
}

const encoder = new Encoder({ useRecords: false, structuredClone: false, pack: false, bundleStrings: false });
// Maps come back as Map, never as plain objects, so no key can reach an object prototype.
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, structuredClone: false });

export function encodeRowsFrame(rows: readonly Row[], spooledAt: number, batchId: string | null = null, fieldNames?: readonly string[]): Uint8Array {
  const names = fieldNames ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const values = rows.map((r) => names.map((n) => (Object.hasOwn(r, n) ? (r[n] ?? null) : null)));
  return encoder.encode([FRAME_VERSION, spooledAt, randomBytes(8).toString('hex'), names, values, batchId]);
}

/** A frame straight from positional rows (no row objects in between). */
export function encodeValuesFrame(batch: RowBatch, spooledAt: number, batchId: string | null = null): Uint8Array {
  return encoder.encode([FRAME_VERSION, spooledAt, randomBytes(8).toString('hex'), batch.fieldNames, batch.values, batchId]);
}

/**
 * A frame of rows already written in the segment format (e.g. CSV lines): the costly part of a
 * flush, turning values into text, happens once on the way in, and the spool holds no second
 * copy of every value to decode again. The frame comes as its head and the rows' bytes, to be
 * appended as pieces.
 */
export function encodeEncodedFrame(bytes: Uint8Array, rowCount: number, spooledAt: number, batchId: string | null = null): [Buffer, Uint8Array] {
  // Written as two pieces, so that the spool writes the rows' bytes without a copy.
  return cborArrayEndingInBytes([ENCODED_FRAME_VERSION, spooledAt, randomBytes(8).toString('hex'), batchId, rowCount], bytes);
}

/** The batch id of a frame without rebuilding its rows (null when absent or unreadable). */
export function rowsFrameBatchId(bytes: Uint8Array): string | null {
  try {
    const decoded: unknown = decoder.decode(bytes);
    if (Array.isArray(decoded) && decoded[0] === FRAME_VERSION && typeof decoded[5] === 'string') return decoded[5];
    if (Array.isArray(decoded) && decoded[0] === ENCODED_FRAME_VERSION && typeof decoded[3] === 'string') return decoded[3];
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
  if (Array.isArray(decoded) && decoded.length === 6 && decoded[0] === ENCODED_FRAME_VERSION) {
    const [, spooledAt, nonce, batchId, rowCount, bytes] = decoded as unknown[];
    if (
      typeof spooledAt !== 'number' ||
      typeof nonce !== 'string' ||
      (batchId !== null && typeof batchId !== 'string') ||
      typeof rowCount !== 'number' ||
      !(bytes instanceof Uint8Array)
    ) {
      throw new RowsFrameError('spool frame has malformed fields');
    }
    return { spooledAt, nonce, fieldNames: [], values: [], batchId, encoded: { rowCount, bytes } };
  }
  if (!Array.isArray(decoded) || decoded.length !== 6 || decoded[0] !== FRAME_VERSION) {
    throw new RowsFrameError('spool frame is not a files-driver rows frame of a known version');
  }
  const [, spooledAt, nonce, names, values, batchId] = decoded as unknown[];
  if (
    typeof spooledAt !== 'number' ||
    typeof nonce !== 'string' ||
    !Array.isArray(names) ||
    !names.every((n) => typeof n === 'string') ||
    !Array.isArray(values) ||
    !values.every((v) => Array.isArray(v) && v.length === names.length) ||
    (batchId !== null && typeof batchId !== 'string')
  ) {
    throw new RowsFrameError('spool frame has malformed fields');
  }
  return { spooledAt, nonce, fieldNames: names as string[], values: (values as unknown[][]).map((row) => row.map(plain)), batchId };
}

/** Nested maps (struct values) become own-property objects; nothing reaches a prototype. */
function plain(value: unknown): unknown {
  if (value instanceof Map) {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of value) Object.defineProperty(obj, String(k), { value: plain(v), enumerable: true, writable: true, configurable: true });
    return obj;
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** The rows of a frame as objects (for formats without a positional path). */
export function frameRows(frame: RowsFrame): Row[] {
  return frame.values.map((vals) => {
    const row: Row = Object.create(null) as Row;
    frame.fieldNames.forEach((n, i) => {
      row[n] = vals[i];
    });
    return row;
  });
}
