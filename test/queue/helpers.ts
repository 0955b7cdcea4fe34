/** Shared by the queue, codec and batching tests: hit fixtures, temp dirs, a fake clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hit } from '../../src/hits/hit.js';
import type { TimerHandle, Timers } from '../../src/queue/timers.js';

let seq = 0;

export function makeHit(overrides: Partial<Hit> = {}, n: number = ++seq): Hit {
  return {
    id: `hit-${n}`,
    authoritativeClientId: `client-${n}`,
    clientId: `client-${n}`,
    eventName: 'page_view',
    propertyId: 'default',
    userId: null,
    metadata: { protocol: 'ga4' },
    request: {
      ip: '203.0.113.7',
      host: 'example.com',
      serverReceivedTime: 1_700_000_000_123 + n,
      queryParams: new Map([
        ['v', ['2']],
        ['en', ['page_view']],
      ]),
      body: new Uint8Array(0),
      path: '/g/collect',
      method: 'POST',
      headers: new Map([['User-Agent', ['test']]]),
    },
    ...overrides,
  };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cairn-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

import { recordingLogger, type LogEntry } from '../support/logger.js';
export { recordingLogger, type LogEntry };

/** Lets pending promise chains (and a little real I/O) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A manual clock: timers fire only inside `advance`, in due order. */
export class FakeTimers implements Timers {
  private t: number;
  private nextId = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  set(fn: () => void, ms: number): TimerHandle {
    const id = ++this.nextId;
    this.due.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clear(handle: TimerHandle): void {
    if (typeof handle === 'number') this.due.delete(handle);
  }

  get pendingTimers(): number {
    return this.due.size;
  }

  /** Moves the clock forward, firing every timer that falls due (including ones set meanwhile). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, d] of this.due) {
        if (d.at <= end && d.at < nextAt) {
          nextAt = d.at;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const d = this.due.get(nextId);
      this.due.delete(nextId);
      this.t = nextAt;
      d?.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
