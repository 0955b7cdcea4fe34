import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { loadSettings, SettingsError } from '../../src/settings/load.js';
import type { Settings } from '../../src/settings/types.js';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory to act as the working directory of one load; removed when the process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-settings-'));
  created.push(dir);
  return dir;
}

/** Writes `config.yaml` (or `name`) into a fresh directory and returns the directory. */
export function withConfig(yaml: string | Buffer, name = 'config.yaml'): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), yaml);
  return dir;
}

export interface LoadInput {
  yaml?: string | Buffer;
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function load(input: LoadInput = {}): Settings {
  const cwd = input.cwd ?? (input.yaml === undefined ? tempDir() : withConfig(input.yaml));
  return loadSettings({ args: input.args ?? [], env: input.env ?? {}, cwd }).settings;
}

/** Loads expecting failure and returns the issues. */
export function issues(input: LoadInput = {}): string[] {
  try {
    load(input);
  } catch (err) {
    if (err instanceof SettingsError) return err.issues;
    throw err;
  }
  assert.unreachable('expected a SettingsError');
  return [];
}

/** Asserts that exactly one issue mentions every fragment, and returns it. */
export function findIssue(list: string[], ...fragments: string[]): string {
  const hits = list.filter((i) => fragments.every((f) => i.includes(f)));
  assert.ok(hits.length >= 1, `no issue contains ${JSON.stringify(fragments)}; issues:\n${list.join('\n')}`);
  return hits[0] ?? '';
}
