/**
 * Spool frames: a 4-byte little-endian payload length, then the payload. This module writes
 * frames and reads them back from a sealed (inflight) file in batches.
 */
import { open, type FileHandle } from 'node:fs/promises';

export const FRAME_HEADER_BYTES = 4;
export const MAX_FRAME_PAYLOAD_BYTES = 0xffffffff;

/** One frame as bytes ready to append. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  out.writeUInt32LE(payload.byteLength, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** The length prefix of a frame whose payload has `payloadBytes` bytes. */
export function frameHeader(payloadBytes: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  out.writeUInt32LE(payloadBytes, 0);
  return out;
}

/** Where reading stopped early because the file ends inside a frame. */
export interface TruncatedTail {
  /** Offset of the torn frame's length prefix. */
  offset: number;
  /** Bytes from that offset to the end of the file. */
  bytesLeft: number;
  /** Bytes the frame would need (header alone when even the header is torn). */
  bytesNeeded: number;
}

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Reads the frames of one file that no one writes any more. Reads in chunks rather than the
 * whole file at once, because sealed files can be large (the files warehouse rotates at 1 GiB).
 */
export class FrameFileReader {
  /** Set once the reader met a torn frame at the end of the file; the frame is not returned. */
  truncated: TruncatedTail | null = null;
  private pending: Buffer = Buffer.alloc(0);
  /** File offset of `pending[0]`. */
  private pendingOffset = 0;
  private readOffset = 0;
  private carried: Uint8Array | null = null;
  private done = false;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FrameFileReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      return new FrameFileReader(fh, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /**
   * Makes at least `n` unread bytes available; false when the file ends first. The unread rest
   * is copied to the front of a buffer that the file's bytes are then read into, so a large
   * frame is read in place rather than gathered from chunks.
   */
  private async fill(n: number): Promise<boolean> {
    const have = this.pending.byteLength;
    if (have >= n) return true;
    const want = Math.min(Math.max(n - have, READ_CHUNK_BYTES), this.size - this.readOffset);
    if (want <= 0) return false;
    const into = Buffer.allocUnsafe(have + want);
    this.pending.copy(into, 0);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(into, have + got, want - got, this.readOffset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.readOffset += got;
    this.pending = into.subarray(0, have + got);
    return this.pending.byteLength >= n;
  }

  private consume(n: number): Buffer {
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    this.pendingOffset += n;
    return out;
  }

  /** The next frame's payload, or null at the end of the file (or at a torn tail). */
  async nextFrame(): Promise<Uint8Array | null> {
    if (this.done) return null;
    if (!(await this.fill(FRAME_HEADER_BYTES))) return this.finish(FRAME_HEADER_BYTES);
    const length = this.pending.readUInt32LE(0);
    // Known short without reading: a torn (or garbled) length must not pull the rest of a big file into memory.
    if (FRAME_HEADER_BYTES + length > this.size - this.pendingOffset) return this.finish(FRAME_HEADER_BYTES + length);
    if (!(await this.fill(FRAME_HEADER_BYTES + length))) return this.finish(FRAME_HEADER_BYTES + length);
    this.consume(FRAME_HEADER_BYTES);
    return this.consume(length);
  }

  private finish(needed: number): null {
    this.done = true;
    const left = this.size - this.pendingOffset;
    if (left > 0) this.truncated = { offset: this.pendingOffset, bytesLeft: left, bytesNeeded: needed };
    this.pending = Buffer.alloc(0);
    return null;
  }

  /**
   * Up to `maxFrames` frames holding up to `maxBytes` payload bytes together; a single frame
   * larger than `maxBytes` still comes alone. Null once the file is exhausted.
   */
  async nextBatch(maxFrames: number, maxBytes: number): Promise<Uint8Array[] | null> {
    const batch: Uint8Array[] = [];
    let bytes = 0;
    while (batch.length < maxFrames) {
      const frame = this.carried ?? (await this.nextFrame());
      this.carried = null;
      if (frame === null) break;
      if (batch.length > 0 && bytes + frame.byteLength > maxBytes) {
        this.carried = frame;
        break;
      }
      batch.push(frame);
      bytes += frame.byteLength;
    }
    return batch.length === 0 ? null : batch;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
