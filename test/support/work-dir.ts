import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';

/**
 * A fresh temporary folder for each test of a suite, removed afterwards. Call it at module
 * level and read `.path` inside the tests.
 */
export function workDirPerTest(suite: Test, prefix: string): { readonly path: string } {
  const holder = { path: '' };
  suite.before.each(() => {
    holder.path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  suite.after.each(() => {
    rmSync(holder.path, { recursive: true, force: true });
  });
  return holder;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
