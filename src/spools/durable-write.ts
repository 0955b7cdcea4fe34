import type { FileHandle } from 'node:fs/promises';

/** Bytes in `data`, one buffer or pieces. */
export function payloadLength(data: Uint8Array | readonly Uint8Array[]): number {
  if (data instanceof Uint8Array) return data.byteLength;
  let n = 0;
  for (const piece of data) n += piece.byteLength;
  return n;
}

/** The most buffers one `writev` takes on Linux (IOV_MAX); libuv would write only that many. */
const MAX_PIECES_PER_WRITE = 1024;

/**
 * Writes every byte (a write may be partial) and syncs the data before resolving. Pieces are
 * written in order with `writev`, so a frame made of a small head and a large body reaches the
 * file without being copied into one buffer first.
 */
export async function writeAllAndSync(fh: FileHandle, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  if (data instanceof Uint8Array) {
    let off = 0;
    while (off < data.byteLength) {
      const { bytesWritten } = await fh.write(data, off, data.byteLength - off);
      if (bytesWritten === 0) throw new Error('write made no progress');
      off += bytesWritten;
    }
  } else {
    // `next` is the first piece not fully written and `skip` how much of it already is.
    let next = 0;
    let skip = 0;
    for (;;) {
      while (next < data.length && data[next]!.byteLength === skip) {
        next++;
        skip = 0;
      }
      if (next === data.length) break;
      const round: Uint8Array[] = [];
      for (let i = next; i < data.length && round.length < MAX_PIECES_PER_WRITE; i++) {
        const piece = data[i]!;
        round.push(i === next && skip > 0 ? piece.subarray(skip) : piece);
      }
      let { bytesWritten } = await fh.writev(round);
      if (bytesWritten === 0) throw new Error('write made no progress');
      while (bytesWritten > 0) {
        const left = data[next]!.byteLength - skip;
        if (bytesWritten < left) {
          skip += bytesWritten;
          break;
        }
        bytesWritten -= left;
        next++;
        skip = 0;
      }
    }
  }
  await fh.datasync();
}
