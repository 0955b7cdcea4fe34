import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DEAD_LETTER_DIR } from '../queue/filesystem/consumer.js';
import { TASK_SUFFIX } from '../queue/filesystem/task-names.js';
import { parseSpoolFileName } from '../spools/spool-files.js';

/** One spool folder as found on disk. */
export interface SpoolUsage {
  /** Relative to `storage.spool_directory`, e.g. `sessionwriter`. */
  dir: string;
  bytes: number;
  files: number;
  quarantinedFiles: number;
  quarantinedBytes: number;
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function entriesOf(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Task files waiting in a filesystem queue and in its dead letters. */
export async function queueFiles(queueDirectory: string): Promise<{ depth: number; deadLetters: number }> {
  const count = async (dir: string): Promise<number> => (await entriesOf(dir)).filter((e) => e.isFile() && e.name.endsWith(TASK_SUFFIX)).length;
  const [depth, deadLetters] = await Promise.all([count(queueDirectory), count(join(queueDirectory, DEAD_LETTER_DIR))]);
  return { depth, deadLetters };
}

/**
 * Every folder under the spool directory that holds spool files (the session writer's, the
 * files driver's), with the bytes on disk. Measured from the disk rather than asked of the
 * spools, so it shows the same in every process that shares the directory.
 */
export async function spoolUsage(spoolDirectory: string, maxDepth = 4): Promise<SpoolUsage[]> {
  const found: SpoolUsage[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await entriesOf(dir);
    let usage: SpoolUsage | undefined;
    const subdirectories: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (depth < maxDepth) subdirectories.push(join(dir, e.name));
        continue;
      }
      if (!e.isFile()) continue;
      const parsed = parseSpoolFileName(e.name);
      if (parsed === null) continue;
      let size: number;
      try {
        size = (await stat(join(dir, e.name))).size;
      } catch (err) {
        if (isNotFound(err)) continue; // flushed in the meantime
        throw err;
      }
      usage ??= { dir: relative(spoolDirectory, dir) || '.', bytes: 0, files: 0, quarantinedFiles: 0, quarantinedBytes: 0 };
      usage.bytes += size;
      usage.files++;
      if (parsed.kind === 'quarantined') {
        usage.quarantinedFiles++;
        usage.quarantinedBytes += size;
      }
    }
    if (usage !== undefined) found.push(usage);
    for (const sub of subdirectories) await visit(sub, depth + 1);
  };
  await visit(spoolDirectory, 0);
  return found.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}
