import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeliveryMode } from '../../src/settings/types.js';
import { DirectCloser } from '../../src/sessions/direct-closer.js';
import { InMemorySpoolWriter } from '../../src/sessions/in-memory-spool-writer.js';
import { PersistentSpoolWriter } from '../../src/sessions/persistent-spool-writer.js';
import { buildSessionWriterChain, type SessionWriterChainSettings } from '../../src/sessions/writer-chain.js';
import { FakeTimers, recordingLogger, tempDir, waitFor } from '../queue/helpers.js';
import { makeHits, RecordingSessionWriter, sessionTag } from './helpers.js';

function settings(dir: string, deliveryMode: DeliveryMode, spoolEnabled = true): SessionWriterChainSettings {
  return { deliveryMode, storage: { spoolEnabled, spoolDirectory: dir, spoolWriteChanBuffer: 1000 } };
}

/** The spool folder's files; the folder itself appears once the spool's start-up has run. */
function spoolFiles(dir: string): string[] {
  const spoolDir = join(dir, 'sessionwriter');
  return existsSync(spoolDir) ? readdirSync(spoolDir).sort() : [];
}

const cases: { name: string; mode: DeliveryMode; spool: boolean; layers: string[] }[] = [
  { name: 'spool disabled', mode: 'best_effort', spool: false, layers: [] },
  { name: 'best_effort', mode: 'best_effort', spool: true, layers: ['InMemorySpoolWriter', 'PersistentSpoolWriter'] },
  { name: 'at_least_once', mode: 'at_least_once', spool: true, layers: ['PersistentSpoolWriter'] },
];

for (const c of cases) {
  test(`${c.name}: every session reaches the terminal exactly once, by close at the latest`, async () => {
    const { dir, cleanup } = tempDir('chain');
    try {
      const terminal = new RecordingSessionWriter('terminal');
      const chain = buildSessionWriterChain({ settings: settings(dir, c.mode, c.spool), terminal, logger: recordingLogger() });
      const layers = [chain.inMemory, chain.persistent].filter((l) => l !== null).map((l) => l.constructor.name);
      assert.equal(layers, c.layers);
      if (!c.spool) assert.is(chain.head, terminal);
      const closer = new DirectCloser(chain.head);
      const expected: string[] = [];
      for (let round = 0; round < 10; round++) {
        const protoSessions = Array.from({ length: 7 }, (_, i) => makeHits(`prop-${(round + i) % 4}`, 1 + (i % 3)));
        for (const ps of protoSessions) expected.push(ps.map((h) => h.id).join(','));
        await closer.close(protoSessions);
      }
      await chain.close();
      assert.equal([...terminal.tags()].sort(), [...expected].sort());
      assert.is(new Set(terminal.tags()).size, expected.length);
      assert.is(terminal.journal[terminal.journal.length - 1], 'close', 'the terminal closes last');
      assert.is(terminal.journal.filter((j) => j === 'close').length, 1);
      const spoolDir = join(dir, 'sessionwriter');
      if (c.spool) assert.equal(readdirSync(spoolDir), []);
      else assert.ok(!existsSync(spoolDir));
      await chain.close(); // closing twice is harmless
    } finally {
      cleanup();
    }
  });
}

test('at_least_once: sessions the final flush could not deliver stay on disk and arrive, once, after a restart', async () => {
  const { dir, cleanup } = tempDir('chain');
  try {
    const down = new RecordingSessionWriter('down');
    down.failNext = Number.MAX_SAFE_INTEGER;
    const first = buildSessionWriterChain({ settings: settings(dir, 'at_least_once'), terminal: down, logger: recordingLogger() });
    const hits = [makeHits('p', 2), makeHits('q', 1)];
    await new DirectCloser(first.head).close(hits);
    const err = await first.close().then(() => null, (e: unknown) => e);
    assert.instance(err, Error);
    assert.ok(down.closed, 'the terminal is closed even when the spool\'s final flush fails');
    assert.equal(readdirSync(join(dir, 'sessionwriter')).length, 2);

    const up = new RecordingSessionWriter('up');
    const second = buildSessionWriterChain({ settings: settings(dir, 'at_least_once'), terminal: up, logger: recordingLogger() });
    await second.close();
    assert.equal([...up.tags()].sort(), hits.map((h) => h.map((x) => x.id).join(',')).sort());
  } finally {
    cleanup();
  }
});

test('best_effort on the clock: the buffer flushes into the spool after 30 s, the spool into the terminal at its 1-minute interval', async () => {
  const { dir, cleanup } = tempDir('chain');
  try {
    const timers = new FakeTimers();
    const terminal = new RecordingSessionWriter('terminal');
    const chain = buildSessionWriterChain({ settings: settings(dir, 'best_effort'), terminal, logger: recordingLogger(), timers });
    assert.instance(chain.inMemory, InMemorySpoolWriter);
    assert.instance(chain.persistent, PersistentSpoolWriter);
    const hits = makeHits('p', 3);
    await new DirectCloser(chain.head).close([hits]);
    await timers.advance(29_999);
    assert.equal(spoolFiles(dir), []);
    await timers.advance(1);
    await waitFor(() => spoolFiles(dir).includes('p.spool'));
    assert.is(terminal.calls.length, 0);
    await timers.advance(30_000);
    await waitFor(() => terminal.calls.length === 1);
    assert.equal(terminal.tags(), [hits.map((h) => h.id).join(',')]);
    await chain.close();
    assert.is(timers.pendingTimers, 0, 'no timer outlives close');
    assert.equal(terminal.tags().map((t) => t.split(',').length), [3]);
    assert.is(sessionTag(terminal.sessions[0]!), hits.map((h) => h.id).join(','));
  } finally {
    cleanup();
  }
});

test('the spool folder is <storage.spoolDirectory>/sessionwriter', async () => {
  const { dir, cleanup } = tempDir('chain');
  try {
    const terminal = new RecordingSessionWriter();
    const chain = buildSessionWriterChain({ settings: settings(dir, 'at_least_once'), terminal, logger: recordingLogger() });
    await chain.head.write([]);
    await new DirectCloser(chain.head).close([makeHits('p', 1)]);
    assert.equal(readdirSync(join(dir, 'sessionwriter')), ['p.spool']);
    await chain.close();
  } finally {
    cleanup();
  }
});

test.run();
