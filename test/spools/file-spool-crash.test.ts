import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileSpool } from '../../src/spools/file-spool.js';
import { tempDir, waitFor } from '../queue/helpers.js';
import { recordingHandler } from './helpers.js';

function ackedIds(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);
}

test('SIGKILL in the middle of appends: every append that resolved is flushed after restart, none twice', async () => {
  const { dir: root, cleanup } = tempDir('spool-crash');
  try {
    const dir = join(root, 'spool');
    const acks = join(root, 'acks.txt');
    const moduleUrl = new URL('../../src/spools/file-spool.js', import.meta.url).href;
    // Eight lanes append concurrently to three keys (so rounds group several appends), with a
    // small rotation size so sealed files pile up too; each id is acknowledged once its append resolves.
    const script = `
      import { appendFileSync } from 'node:fs';
      import { FileSpool } from ${JSON.stringify(moduleUrl)};
      const [dir, acks] = process.argv.slice(1);
      const spool = new FileSpool({ directory: dir, handler: async () => { throw new Error('the child never flushes'); }, maxActiveSize: 4096 });
      const enc = new TextEncoder();
      let nextId = 0;
      async function lane() {
        for (;;) {
          const id = nextId++;
          await spool.append('key-' + (id % 3), enc.encode(id + ':' + 'x'.repeat(id % 97)));
          appendFileSync(acks, id + '\\n');
        }
      }
      await Promise.all(Array.from({ length: 8 }, lane));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir, acks], { stdio: ['ignore', 'inherit', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => ackedIds(acks).length >= 1500, 30_000);
    child.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
    const acked = ackedIds(acks);

    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, flushBatchSize: 100 });
    await spool.flush();
    await spool.close();

    const delivered: number[] = [];
    for (const key of ['key-0', 'key-1', 'key-2']) {
      const ids = rec.framesOf(key).map((f) => {
        const [id, pad] = f.split(':') as [string, string];
        const n = Number(id);
        assert.is(pad, 'x'.repeat(n % 97), `frame ${n} is intact`);
        assert.is(`key-${n % 3}`, key);
        return n;
      });
      for (let i = 1; i < ids.length; i++) assert.ok((ids[i] as number) > (ids[i - 1] as number), `${key} keeps append order`);
      delivered.push(...ids);
    }
    const deliveredSet = new Set(delivered);
    assert.is(deliveredSet.size, delivered.length, 'no frame delivered twice');
    const missing = acked.filter((id) => !deliveredSet.has(id));
    assert.equal(missing, [], 'every acknowledged append is delivered');
    assert.ok(delivered.length >= acked.length);
  } finally {
    cleanup();
  }
});

test.run();
