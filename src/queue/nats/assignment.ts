/**
 * Which partitions a worker consumes. Open proto-sessions live in the worker's own state
 * database, so a partition must stay with one worker: claims are sticky. A worker knows itself
 * by an id kept in its state directory, finds its earlier claims in the partitions bucket after
 * a restart, and claims free partitions (atomically, first come first served) up to its share.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KV } from 'nats';
import type { Logger } from '../../monitoring/logger.js';

export const WORKER_ID_FILE = 'cairn-worker-id';

export class PartitionAssignmentError extends Error {
  override readonly name = 'PartitionAssignmentError';
}

/** The worker's lasting id, created in the state directory on first use. */
export function workerId(stateDirectory: string): string {
  const path = join(stateDirectory, WORKER_ID_FILE);
  try {
    const id = readFileSync(path, 'utf8').trim();
    if (id !== '') return id;
  } catch {
    // first start in this directory
  }
  mkdirSync(stateDirectory, { recursive: true, mode: 0o750 });
  const id = randomUUID();
  writeFileSync(path, id + '\n', { mode: 0o600, flag: 'wx' });
  return id;
}

const claimKey = (p: number): string => `owner.${p}`;
const utf8 = new TextEncoder();
const text = new TextDecoder();

async function ownerOf(kv: KV, partition: number): Promise<string | undefined> {
  const e = await kv.get(claimKey(partition));
  if (e === null || e.operation !== 'PUT') return undefined;
  return text.decode(e.value);
}

/**
 * Claims partitions for `id`: keeps what it claimed before, then takes free ones in order until
 * it holds ceil(partitions / workers). Throws when it ends up with none.
 */
export async function claimPartitions(kv: KV, opts: { id: string; partitions: number; workers: number; logger: Logger }): Promise<number[]> {
  const share = Math.ceil(opts.partitions / Math.max(1, opts.workers));
  const mine: number[] = [];
  const free: number[] = [];
  for (let p = 0; p < opts.partitions; p++) {
    const owner = await ownerOf(kv, p);
    if (owner === opts.id) mine.push(p);
    else if (owner === undefined) free.push(p);
  }
  for (const p of free) {
    if (mine.length >= share) break;
    try {
      await kv.create(claimKey(p), utf8.encode(opts.id));
      mine.push(p);
    } catch {
      // Another worker claimed it first.
      if ((await ownerOf(kv, p)) === opts.id) mine.push(p);
    }
  }
  if (mine.length === 0) {
    throw new PartitionAssignmentError(
      `every one of the ${opts.partitions} partitions is claimed by another worker; raise queue.nats.workers on the others, or set queue.nats.partitions_owned`,
    );
  }
  mine.sort((a, b) => a - b);
  opts.logger.info('claimed nats partitions', { worker_id: opts.id, partitions: mine.join(','), share });
  return mine;
}

/** Records explicitly configured partitions as this worker's, warning when another worker holds one. */
export async function recordExplicitPartitions(kv: KV, opts: { id: string; owned: readonly number[]; logger: Logger }): Promise<void> {
  for (const p of opts.owned) {
    const owner = await ownerOf(kv, p);
    if (owner !== undefined && owner !== opts.id) {
      opts.logger.warn('partition is claimed by another worker but listed in queue.nats.partitions_owned; taking it over', { partition: p, owner });
    }
    await kv.put(claimKey(p), utf8.encode(opts.id));
  }
}
