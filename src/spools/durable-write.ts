import type { FileHandle } from 'node:fs/promises';

/** Writes every byte (a write may be partial) and syncs the data before resolving. */
export async function writeAllAndSync(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.byteLength) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off);
    off += bytesWritten;
  }
  await fh.datasync();
}
