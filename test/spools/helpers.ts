/** Shared by the spool tests: a handler that records what it is given. */
import type { NextBatch, SpoolFlushHandler } from '../../src/spools/spool.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

export function text(s: string): Uint8Array {
  return enc.encode(s);
}

export interface RecordedCall {
  key: string;
  batches: string[][];
}

export interface RecordingHandler {
  handler: SpoolFlushHandler;
  calls: RecordedCall[];
  /** Every frame received for a key, in order, as text. */
  framesOf(key: string): string[];
  keys(): string[];
}

/** Reads every batch; `fail(key)` returning true makes that call throw after reading. */
export function recordingHandler(fail: (key: string) => boolean = () => false): RecordingHandler {
  const calls: RecordedCall[] = [];
  const handler = async (key: string, next: NextBatch): Promise<void> => {
    const call: RecordedCall = { key, batches: [] };
    for (let b = await next(); b !== null; b = await next()) call.batches.push(b.map((f) => dec.decode(f)));
    if (fail(key)) throw new Error(`handler refuses ${key}`);
    calls.push(call);
  };
  return {
    handler,
    calls,
    framesOf: (key) => calls.filter((c) => c.key === key).flatMap((c) => c.batches.flat()),
    keys: () => [...new Set(calls.map((c) => c.key))].sort(),
  };
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
