/**
 * Plain CBOR written by hand into a buffer of known size, for spool frames whose bulk is bytes
 * that already exist (CSV lines, NDJSON, stored hits). Encoding such a frame with cbor-x copied
 * the bulk into the encoder's buffer, and the spool copied it once more behind the frame's
 * length; written by hand, the small head goes in front of the bulk as a separate piece and the
 * bulk is never copied. Any CBOR reader (cbor-x included) reads the result as one item.
 */

/** A scalar of a frame's head: non-negative integers below 2^32 as CBOR integers, other numbers as float64. */
export type CborScalar = number | string | null;

const MAJOR_UNSIGNED = 0x00;
const MAJOR_BYTES = 0x40;
const MAJOR_TEXT = 0x60;
const MAJOR_ARRAY = 0x80;
const NULL = 0xf6;
const FLOAT64 = 0xfb;

/** Bytes of the head of an item whose argument is `n` (n < 2^32). */
export function cborHeadSize(n: number): number {
  return n < 0x18 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

const isSmallUnsigned = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff && !Object.is(n, -0);

/** Bytes `scalar` takes when written. */
export function cborScalarSize(scalar: CborScalar): number {
  if (scalar === null) return 1;
  if (typeof scalar === 'number') return isSmallUnsigned(scalar) ? cborHeadSize(scalar) : 9;
  const length = Buffer.byteLength(scalar, 'utf8');
  return cborHeadSize(length) + length;
}

/** Writes CBOR items into a buffer sized beforehand; writing past its end throws. */
export class CborWriter {
  readonly buffer: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.at;
  }

  /** Typed arrays drop writes past their end without a word, so every write checks first. */
  private room(bytes: number): void {
    if (this.buffer.length - this.at < bytes) throw new RangeError('CBOR writer: write runs past the end of the buffer');
  }

  private head(major: number, n: number): void {
    if (!(n >= 0 && n <= 0xffffffff && Number.isInteger(n))) throw new RangeError(`CBOR length ${n} is out of range`);
    this.room(cborHeadSize(n));
    const b = this.buffer;
    if (n < 0x18) b[this.at++] = major | n;
    else if (n < 0x100) {
      b[this.at++] = major | 0x18;
      b[this.at++] = n;
    } else if (n < 0x10000) {
      b[this.at++] = major | 0x19;
      this.at = b.writeUInt16BE(n, this.at);
    } else {
      b[this.at++] = major | 0x1a;
      this.at = b.writeUInt32BE(n, this.at);
    }
  }

  arrayHead(count: number): this {
    this.head(MAJOR_ARRAY, count);
    return this;
  }

  /** The head of a byte string of `length` bytes; the bytes follow separately. */
  bytesHead(length: number): this {
    this.head(MAJOR_BYTES, length);
    return this;
  }

  scalar(value: CborScalar): this {
    if (value === null) {
      this.room(1);
      this.buffer[this.at++] = NULL;
    } else if (typeof value === 'number') {
      if (isSmallUnsigned(value)) this.head(MAJOR_UNSIGNED, value);
      else {
        this.room(9);
        this.buffer[this.at++] = FLOAT64;
        this.at = this.buffer.writeDoubleBE(value, this.at);
      }
    } else {
      const length = Buffer.byteLength(value, 'utf8');
      this.head(MAJOR_TEXT, length);
      this.room(length);
      this.at += this.buffer.write(value, this.at, 'utf8');
    }
    return this;
  }

  /** Copies bytes in as they are (already CBOR, or the content of a byte string whose head was written). */
  raw(bytes: Uint8Array): this {
    this.room(bytes.byteLength);
    this.buffer.set(bytes, this.at);
    this.at += bytes.byteLength;
    return this;
  }

  /** What was written (a view of the buffer). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.at);
  }
}

/**
 * `[...scalars, bulk]` as two pieces: everything before the bulk's content, then the bulk
 * itself, untouched. Concatenated, they are the CBOR array.
 */
export function cborArrayEndingInBytes(scalars: readonly CborScalar[], bulk: Uint8Array): [Buffer, Uint8Array] {
  let size = cborHeadSize(scalars.length + 1) + cborHeadSize(bulk.byteLength);
  for (const s of scalars) size += cborScalarSize(s);
  const w = new CborWriter(size).arrayHead(scalars.length + 1);
  for (const s of scalars) w.scalar(s);
  w.bytesHead(bulk.byteLength);
  return [w.bytes(), bulk];
}
