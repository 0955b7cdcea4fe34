/**
 * Names of queue files. A name must be unique across every process that writes the directory
 * (several receivers; containers that all run as pid 1) and sort in publication order within a
 * process, because the consumer processes tasks in name order.
 *
 * Layout: `<ns>-<pid>-<counter>-<random>`, where `<ns>` is a 20-digit zero-padded nanosecond
 * timestamp read from a monotonic clock anchored to wall time at start-up, and strictly
 * increasing within the process. Wall-clock steps therefore cannot reorder one process's tasks;
 * across processes the order is as good as the machines' clocks.
 */
import { randomBytes } from 'node:crypto';

export const TASK_SUFFIX = '.task';
export const TMP_SUFFIX = '.tmp';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function randomChars(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[(b[i] as number) & 31];
  return s;
}

export interface TaskNamerOptions {
  /** Nanoseconds since the epoch; defaults to the anchored monotonic clock. */
  nowNs?: () => bigint;
  pid?: number;
}

function anchoredClock(): () => bigint {
  const wallNs = BigInt(Date.now()) * 1_000_000n;
  const hr = process.hrtime.bigint();
  return () => wallNs + (process.hrtime.bigint() - hr);
}

export class TaskNamer {
  private readonly nowNs: () => bigint;
  private readonly pid: string;
  private lastNs = 0n;
  private counter = 0;

  constructor(options: TaskNamerOptions = {}) {
    this.nowNs = options.nowNs ?? anchoredClock();
    this.pid = String(options.pid ?? process.pid).padStart(10, '0');
  }

  /** A fresh name without suffix. */
  next(): string {
    let ns = this.nowNs();
    if (ns <= this.lastNs) ns = this.lastNs + 1n;
    this.lastNs = ns;
    this.counter += 1;
    return `${ns.toString().padStart(20, '0')}-${this.pid}-${String(this.counter).padStart(12, '0')}-${randomChars(6)}`;
  }
}

/** Shared by every publisher of the process, so two publishers on one directory keep a single order. */
export const processTaskNamer = new TaskNamer();

/** The leading timestamp of a name; names without one (foreign files) sort first, as in the reference. */
function leadingNumber(name: string): bigint {
  const m = /^\d+/.exec(name);
  return m === null ? 0n : BigInt(m[0]);
}

/**
 * Orders queue file names by their timestamp, then by the whole name. Comparing the number
 * (rather than the text) also orders the reference's plain `<unixnano>.task` names correctly
 * among ours.
 */
export function compareTaskNames(a: string, b: string): number {
  const na = leadingNumber(a);
  const nb = leadingNumber(b);
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
