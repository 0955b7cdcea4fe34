/** Shared by the warehouse tests: temp folders, a CSV reader, fake timers, file listings. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TimerHandle, Timers } from '../../src/queue/timers.js';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed when the process exits. */
export function tempDir(prefix = 'warehouse'): string {
  const dir = mkdtempSync(join(tmpdir(), `cairn-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Every file below `root`, as `/`-separated paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * An RFC 4180 reader written independently of the code under test: fields separated by
 * commas, records by `\n` (or `\r\n`), quoted fields may hold anything with `""` for a quote.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
      i += 1;
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
      i += ch === '\r' ? 2 : 1;
    } else {
      field += ch;
      fieldStarted = true;
      i += 1;
    }
  }
  if (field !== '' || fieldStarted || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Header-keyed records, as Python's csv.DictReader gives them to the conformance runner. */
export function csvDicts(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** Timers that fire only when the test moves the clock. */
export class FakeTimers implements Timers {
  private clock: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 15, 12, 0, 0)) {
    this.clock = start;
  }

  now(): number {
    return this.clock;
  }

  set(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { at: this.clock + ms, fn });
    return id;
  }

  clear(handle: TimerHandle): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  get scheduled(): number {
    return this.pending.size;
  }

  /** Moves the clock and runs every timer that came due, in due order. */
  advance(ms: number): void {
    const target = this.clock + ms;
    for (;;) {
      let nextId: number | null = null;
      let nextAt = Infinity;
      for (const [id, t] of this.pending) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const due = this.pending.get(nextId);
      this.pending.delete(nextId);
      this.clock = nextAt;
      due?.fn();
    }
    this.clock = target;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

import { recordingLogger, type LogEntry } from '../support/logger.js';
export { recordingLogger, type LogEntry };
