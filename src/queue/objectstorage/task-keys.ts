/**
 * Object keys of queued tasks, as the reference writes them: `<prefix>/<unix ns>_<task id>`.
 * The timestamp orders the queue; the task id (a UUID) keeps keys of different receivers apart
 * even when their clocks agree to the nanosecond.
 */
import { randomUUID } from 'node:crypto';

export const DEAD_LETTER_FOLDER = 'dead-letter';
export const REASON_SUFFIX = '.reason';

/** The prefix without leading or trailing slashes, as the reference trims it. */
export function trimPrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

/** What to list for the queue's tasks: `<prefix>/`, or everything at the root for an empty prefix. */
export function listingPrefix(prefix: string): string {
  const p = trimPrefix(prefix);
  return p === '' ? '' : `${p}/`;
}

export function joinKey(prefix: string, name: string): string {
  const p = trimPrefix(prefix);
  return p === '' ? name : `${p}/${name}`;
}

/** Where a task's object goes when it is given up on; a deeper folder, so listings skip it. */
export function deadLetterKey(prefix: string, taskKey: string): string {
  return joinKey(joinKey(prefix, DEAD_LETTER_FOLDER), lastSegment(taskKey));
}

export function lastSegment(key: string): string {
  const at = key.lastIndexOf('/');
  return at < 0 ? key : key.slice(at + 1);
}

/** The timestamp of a task key, or undefined when the key is not one the queue wrote. */
export function taskKeyTime(key: string): bigint | undefined {
  const name = lastSegment(key);
  const cut = name.indexOf('_');
  const digits = cut < 0 ? name : name.slice(0, cut);
  if (!/^-?\d{1,19}$/.test(digits)) return undefined;
  const n = BigInt(digits);
  // Go parses it as an int64; anything outside is not a key of ours.
  return n > 9_223_372_036_854_775_807n || n < -9_223_372_036_854_775_808n ? undefined : n;
}

/** Oldest first; equal timestamps by key, so the order is total. */
export function compareTaskKeys(a: { key: string; time: bigint }, b: { key: string; time: bigint }): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Nanoseconds since the epoch from a monotonic clock anchored to wall time at start-up, strictly
 * increasing within the process, so one receiver's tasks keep their order across clock steps.
 */
export class TaskKeyClock {
  private readonly wallNs: bigint;
  private readonly hr: bigint;
  private last = 0n;

  constructor(private readonly source?: () => bigint) {
    this.wallNs = BigInt(Date.now()) * 1_000_000n;
    this.hr = process.hrtime.bigint();
  }

  next(): bigint {
    let ns = this.source !== undefined ? this.source() : this.wallNs + (process.hrtime.bigint() - this.hr);
    if (ns <= this.last) ns = this.last + 1n;
    this.last = ns;
    return ns;
  }
}

export function taskKey(prefix: string, ns: bigint, taskId: string = randomUUID()): string {
  // A task id with a slash would put the object in a sub-folder the consumer never lists.
  return joinKey(prefix, `${ns}_${taskId.replace(/\//g, '-')}`);
}
