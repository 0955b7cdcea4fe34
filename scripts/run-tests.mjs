#!/usr/bin/env node
// Runs every compiled uvu test file in its own process (a crash in one file cannot hide the
// others), prints each file's output, and ends with one line: "N passed, N failed".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = join(process.cwd(), 'dist', 'test');
const filter = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = collect(root);
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));

const strip = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60 * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = strip(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let p = 0;
      let f = 0;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        f = 1; // the file crashed before uvu could report
      } else {
        p = passed;
        f = total - passed - skipped;
        if (code !== 0 && f === 0) f = 1;
      }
      resolve({ file, code, signal, text, passed: p, failed: f, ms: Date.now() - started });
    });
  });
}

const queue = [...files];
const results = [];
const workers = Array.from({ length: Math.max(1, Math.min(2, availableParallelism())) }, async () => {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const r = await runFile(file);
    results.push(r);
    const name = relative(root, r.file);
    const status = r.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${name} (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)}s)\n`);
    if (r.failed > 0) process.stdout.write(r.text.split('\n').map((l) => `     | ${l}`).join('\n') + '\n');
  }
});
await Promise.all(workers);

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
