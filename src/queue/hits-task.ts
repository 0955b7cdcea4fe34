/**
 * The `process-hits` task: how a batch of hits, or a ping that moves the worker's clock on while
 * traffic is idle, travels through the queue.
 */
import { randomUUID } from 'node:crypto';
import { createDeflate, deflateSync, inflateSync } from 'node:zlib';
import { assembledPieces, batchEnvelope, decodeHitItems, decodeHits, encodeHitItem, encodeHits, EncodedHits } from '../hits/hit-codec.js';
import type { Hit } from '../hits/hit.js';
import {
  DropTaskError,
  PING_HEADER,
  PING_TIMESTAMP_HEADER,
  PROCESS_HITS_TASK,
  TASK_ID_HEADER,
  type Publisher,
  type Task,
} from './task.js';

/**
 * zlib format at the fastest level: task bodies shrink about 25 times, and native zlib does it
 * in about a microsecond per hit where a JavaScript deflate takes ten.
 */
function compress(bytes: Uint8Array): Uint8Array {
  return deflateSync(bytes, { level: 1 });
}

/**
 * `compress` of the concatenated pieces, on libuv's thread pool: the same bytes (deflate's output
 * does not depend on how its input is cut), without holding the event loop (and the requests
 * waiting on it) while a batch of thousands of hits is compressed, and without copying the
 * pieces into one buffer first. Output comes in chunks of 64 KiB: a batch compresses about 25
 * times, so that is a few round trips through the event loop, and a small buffer to fill.
 */
const OFF_THREAD_CHUNK = 64 * 1024;

const MIN_INFLATE_CHUNK = 64 * 1024;
const MAX_INFLATE_CHUNK = 16 * 1024 * 1024;

function inflateChunkSize(compressedBytes: number): number {
  return Math.min(MAX_INFLATE_CHUNK, Math.max(MIN_INFLATE_CHUNK, compressedBytes * 32));
}

function compressOffThread(pieces: readonly Uint8Array[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const deflate = createDeflate({ level: 1, chunkSize: OFF_THREAD_CHUNK });
    const out: Buffer[] = [];
    let length = 0;
    deflate.on('data', (chunk: Buffer) => {
      out.push(chunk);
      length += chunk.length;
    });
    deflate.once('end', () => resolve(out.length === 1 ? out[0]! : Buffer.concat(out, length)));
    deflate.once('error', reject);
    for (const p of pieces) deflate.write(p);
    deflate.end();
  });
}

export function createHitsTask(hits: readonly Hit[], taskId: string = randomUUID()): Task {
  return {
    type: PROCESS_HITS_TASK,
    headers: { [TASK_ID_HEADER]: taskId },
    body: compress(encodeHits(hits)),
  };
}

export function createPingTask(now: Date = new Date(), taskId: string = randomUUID()): Task {
  return {
    type: PROCESS_HITS_TASK,
    headers: { [TASK_ID_HEADER]: taskId, [PING_HEADER]: 'true', [PING_TIMESTAMP_HEADER]: formatRfc3339Seconds(now) },
    body: compress(encodeHits([])),
  };
}

/**
 * Hits already encoded one by one (`encodeHitItem`), on their way to becoming one task: a list
 * of items, or the runs a receiver's memory staging holds them in.
 */
export class HitBatch {
  private list: readonly Uint8Array[] | undefined;
  private readonly encoded: EncodedHits | undefined;

  constructor(items: readonly Uint8Array[] | EncodedHits) {
    if (items instanceof EncodedHits) this.encoded = items;
    else this.list = items;
  }

  static of(hits: readonly Hit[]): HitBatch {
    return new HitBatch(hits.map(encodeHitItem));
  }

  /** One view per item (made on first use when the batch is held as runs). */
  get items(): readonly Uint8Array[] {
    return (this.list ??= this.encoded!.items());
  }

  get length(): number {
    return this.encoded !== undefined ? this.encoded.length : this.list!.length;
  }

  /** What `encodeHits` gives for these hits, as pieces to be taken in order. */
  pieces(): Uint8Array[] {
    return this.piecesOf(this.encoded?.pieces());
  }

  /**
   * `pieces` for a reader that is done with them before it returns or resolves, so that the
   * staging can reuse their memory once the batch is published (see `EncodedHits.recycle`).
   */
  transientPieces(): Uint8Array[] {
    return this.piecesOf(this.encoded?.transientPieces());
  }

  private piecesOf(runs: Uint8Array[] | undefined): Uint8Array[] {
    if (runs === undefined) return assembledPieces(this.list!);
    runs.unshift(batchEnvelope(this.encoded!.length));
    return runs;
  }

  /** Decodes the hits again (tests and diagnostics; the queue path never needs it). */
  hits(): Hit[] {
    return decodeHitItems(this.items);
  }
}

/** Where a batch of hits goes when the batching storage flushes: one task per call. */
export type HitsSink = (batch: HitBatch) => Promise<void>;

export function createHitsTaskFromBatch(batch: HitBatch, taskId: string = randomUUID()): Task {
  return { type: PROCESS_HITS_TASK, headers: { [TASK_ID_HEADER]: taskId }, body: compress(Buffer.concat(batch.transientPieces())) };
}

/** `createHitsTaskFromBatch`, compressing on the thread pool (the receivers' flush path). */
export async function createHitsTaskFromBatchOffThread(batch: HitBatch, taskId: string = randomUUID()): Promise<Task> {
  return { type: PROCESS_HITS_TASK, headers: { [TASK_ID_HEADER]: taskId }, body: await compressOffThread(batch.transientPieces()) };
}

export function hitsTaskSink(publisher: Publisher): HitsSink {
  return async (batch) => publisher.publish(await createHitsTaskFromBatchOffThread(batch));
}

/** A ping needs both the flag and a readable timestamp; anything else is an ordinary batch. */
export function isPing(task: Task): boolean {
  return pingTime(task) !== undefined;
}

/** The ping's timestamp in ms since the epoch, or undefined when the task is not a ping. */
export function pingTime(task: Task): number | undefined {
  if (task.headers[PING_HEADER] !== 'true') return undefined;
  const ts = task.headers[PING_TIMESTAMP_HEADER];
  return ts === undefined ? undefined : parseRfc3339(ts);
}

/**
 * The hits of a `process-hits` task. A body that does not inflate or decode can never succeed,
 * so it is reported as a `DropTaskError` (the consumer dead-letters it) rather than retried.
 */
export function decodeHitsTask(task: Task): Hit[] {
  if (task.type !== PROCESS_HITS_TASK) throw new DropTaskError(`not a ${PROCESS_HITS_TASK} task: ${JSON.stringify(task.type)}`);
  let raw: Uint8Array;
  try {
    // Bodies shrink about 25 times: output chunks sized for that take one or two allocations
    // where zlib's default 16 KiB chunks took hundreds, and then a copy of them all into one.
    raw = inflateSync(task.body, { chunkSize: inflateChunkSize(task.body.byteLength) });
  } catch (err) {
    throw new DropTaskError(`task body does not inflate: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    return decodeHits(raw);
  } catch (err) {
    throw new DropTaskError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

// ---- RFC 3339 -------------------------------------------------------------------------------

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local time with its offset, whole seconds, `Z` when the offset is zero (as Go's time.RFC3339). */
export function formatRfc3339Seconds(d: Date): string {
  const offsetMin = -d.getTimezoneOffset();
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin > 0 ? '+' : '-'}${pad2(Math.floor(Math.abs(offsetMin) / 60))}:${pad2(Math.abs(offsetMin) % 60)}`;
  return (
    `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${zone}`
  );
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an RFC 3339 timestamp the way Go's time.Parse(time.RFC3339) accepts it (upper-case
 * `T` and `Z`, optional fraction, ranges checked); returns ms since the epoch or undefined.
 */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac === undefined ? 0 : Math.floor(Number(frac.padEnd(3, '0').slice(0, 3)));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offsetMin * 60_000;
}
