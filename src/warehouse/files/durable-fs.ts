import { open } from 'node:fs/promises';

/**
 * Makes a rename or create inside `dir` durable. Some platforms and filesystems cannot fsync a
 * directory; there the entry is as durable as it gets, so failures are ignored.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Best effort by design (see above).
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
