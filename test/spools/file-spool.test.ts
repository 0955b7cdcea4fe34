import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpoolClosedError, SpoolFlushError, SpoolFullError, SpoolKeyError } from '../../src/spools/errors.js';
import { FileSpool } from '../../src/spools/file-spool.js';
import { encodeFrame } from '../../src/spools/frame-reader.js';
import { payloadLength, writeAllAndSync } from '../../src/spools/durable-write.js';
import { open, type FileHandle } from 'node:fs/promises';
import { FakeTimers, recordingLogger, tempDir, waitFor } from '../queue/helpers.js';
import { gate, recordingHandler, text } from './helpers.js';

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

test('append then flush: every key gets its frames in order, in batches of at most flushBatchSize; files are removed', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler });
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const pending: Promise<void>[] = [];
    for (let n = 0; n < 30; n++) for (const k of keys) pending.push(spool.append(k, text(`${k}:${n}`)));
    await Promise.all(pending);
    assert.equal(files(dir), keys.map((k) => `${k}.spool`).sort());
    const raw = readFileSync(join(dir, 'key-0.spool'));
    assert.is(raw.readUInt32LE(0), 'key-0:0'.length, 'little-endian length prefix');
    assert.is(raw.subarray(4, 11).toString(), 'key-0:0');
    await spool.flush();
    assert.equal(rec.keys(), [...keys].sort());
    for (const k of keys) assert.equal(rec.framesOf(k), Array.from({ length: 30 }, (_, n) => `${k}:${n}`));
    for (const c of rec.calls) for (const b of c.batches) assert.ok(b.length >= 1 && b.length <= 5);
    assert.equal(files(dir), []);
    const calls = rec.calls.length;
    await spool.flush();
    assert.is(rec.calls.length, calls, 'nothing left to flush');
    await spool.close();
  } finally {
    cleanup();
  }
});

test('a payload of pieces is one frame of their concatenation; a single buffer is copied when appended, pieces are not', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, flushBatchSize: 1000 });
    // More pieces than one writev takes, empty ones among them, in frames queued together.
    const many = Array.from({ length: 2500 }, (_, i) => text(i % 7 === 0 ? '' : String(i % 10)));
    const single = text('single');
    const appends = [spool.append('k', [text('head:'), text(''), text('body')]), spool.append('k', many), spool.append('k', single), spool.append('k', [])];
    single.fill(0x21);
    await Promise.all(appends);
    await spool.close();
    assert.equal(rec.framesOf('k'), ['head:body', many.map((p) => Buffer.from(p).toString()).join(''), 'single', '']);
  } finally {
    cleanup();
  }
});

test('writeAllAndSync writes pieces in order across partial writes and the per-call limit of buffers', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const path = join(dir, 'pieces');
    const pieces = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(i % 5 === 0 ? 0 : i % 50 === 1 ? 2500 : (i * 37) % 300, i % 251));
    const fh = await open(path, 'w');
    // A handle whose writev takes at most 1,000 bytes a call, as a full disk or a signal might.
    const partial = Object.create(fh) as FileHandle;
    let calls = 0;
    partial.writev = async <T extends readonly NodeJS.ArrayBufferView[]>(buffers: T) => {
      calls++;
      assert.ok(buffers.length <= 1024, `${buffers.length} buffers in one call`);
      const bytes = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))).subarray(0, 1000);
      const { bytesWritten } = await fh.write(bytes);
      return { bytesWritten, buffers };
    };
    await writeAllAndSync(partial, pieces);
    await fh.close();
    assert.equal(readFileSync(path), Buffer.concat(pieces));
    assert.ok(calls > 3);
    assert.is(payloadLength(pieces), Buffer.concat(pieces).byteLength);
  } finally {
    cleanup();
  }
});

test('batches respect flushBatchMaxBytes; a frame larger than the limit comes alone', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, flushBatchSize: 10, flushBatchMaxBytes: 10 });
    for (const s of ['aaaa', 'bbbb', 'cccc', 'dddddddddddddddd', 'e']) await spool.append('k', text(s));
    await spool.flush();
    assert.equal(rec.calls[0]?.batches, [['aaaa', 'bbbb'], ['cccc'], ['dddddddddddddddd'], ['e']]);
    await spool.close();
  } finally {
    cleanup();
  }
});

test('many concurrent appends to one key land in call order', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, flushBatchSize: 1000 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => spool.append('one', text(String(i)))));
    await spool.close();
    assert.equal(rec.framesOf('one'), Array.from({ length: 500 }, (_, i) => String(i)));
  } finally {
    cleanup();
  }
});

test('rename before read: appends made while the handler runs go to a new active file and are flushed next cycle', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const hold = gate();
    const entered = gate();
    const seen: string[][] = [];
    const dec = new TextDecoder();
    const spool = await FileSpool.open({
      directory: dir,
      handler: async (_key, next) => {
        entered.open();
        await hold.promise;
        for (let b = await next(); b !== null; b = await next()) seen.push(b.map((f) => dec.decode(f)));
      },
    });
    await spool.append('k', text('old-1'));
    await spool.append('k', text('old-2'));
    const first = spool.flush();
    await entered.promise;
    const names = files(dir);
    assert.is(names.length, 1);
    assert.match(names[0] as string, /^k\.spool\.inflight\.\d{20}$/);
    await spool.append('k', text('new-1'));
    assert.ok(existsSync(join(dir, 'k.spool')), 'a fresh active file takes the new append');
    hold.open();
    await first;
    assert.equal(seen, [['old-1', 'old-2']]);
    assert.equal(files(dir), ['k.spool']);
    await spool.flush();
    assert.equal(seen, [['old-1', 'old-2'], ['new-1']]);
    await spool.close();
  } finally {
    cleanup();
  }
});

test('flush cycles never overlap', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    let running = 0;
    let most = 0;
    const spool = await FileSpool.open({
      directory: dir,
      handler: async (_key, next) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        while ((await next()) !== null);
        running -= 1;
      },
    });
    const cycles: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      await spool.append(`k${i % 2}`, text(`x${i}`));
      cycles.push(spool.flush());
    }
    await Promise.all(cycles);
    await spool.close();
    assert.is(most, 1);
  } finally {
    cleanup();
  }
});

test('a torn frame at the end of an active file is dropped with a warning; the frames before it and later appends survive', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const first = await FileSpool.open({ directory: dir, handler: recordingHandler().handler, flushOnClose: false });
    for (const s of ['one', 'two', 'three']) await first.append('k', text(s));
    await first.close();
    // A header promising 100 bytes followed by 10: what a crash in the middle of a write leaves.
    const torn = encodeFrame(new Uint8Array(100)).subarray(0, 14);
    appendFileSync(join(dir, 'k.spool'), torn);

    const logger = recordingLogger();
    const rec = recordingHandler();
    const second = await FileSpool.open({ directory: dir, handler: rec.handler, logger });
    assert.ok(!existsSync(join(dir, 'k.spool')), 'the leftover active file is sealed at start-up, not appended to');
    await second.append('k', text('four'));
    await second.flush();
    assert.equal(rec.framesOf('k'), ['one', 'two', 'three', 'four']);
    const warning = logger.entries.find((e) => e.level === 'warn' && e.msg.includes('torn frame'));
    assert.ok(warning);
    assert.is(warning?.fields?.['bytesLeft'], 14);
    assert.is(warning?.fields?.['bytesNeeded'], 104);
    assert.equal(files(dir), []);
    await second.close();
  } finally {
    cleanup();
  }
});

test('recovery at start: empty inflight files are deleted, non-empty ones flushed oldest first, foreign files left alone', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const frames = (...xs: string[]): Buffer => Buffer.concat(xs.map((x) => encodeFrame(text(x))));
    writeFileSync(join(dir, 'k.spool.inflight.00000000000000000001'), '');
    writeFileSync(join(dir, 'k.spool.inflight.00000000000000000003'), frames('c'));
    writeFileSync(join(dir, 'k.spool.inflight.00000000000000000002'), frames('a', 'b'));
    writeFileSync(join(dir, 'k.spool'), frames('d'));
    writeFileSync(join(dir, 'k.spool.inflight.00000000000000000000.quarantine'), frames('never'));
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler });
    assert.ok(!existsSync(join(dir, 'k.spool.inflight.00000000000000000001')));
    assert.is(rec.calls.length, 0, 'no flush at start-up');
    await spool.flush();
    assert.equal(rec.framesOf('k'), ['a', 'b', 'c', 'd']);
    assert.is(rec.calls.length, 3, 'one handler call per inflight file');
    assert.equal(files(dir), ['k.spool.inflight.00000000000000000000.quarantine', 'notes.txt']);
    await spool.close();
  } finally {
    cleanup();
  }
});

test('delete strategy: after maxFailures consecutive failures the key\'s files are deleted; other keys keep flushing', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    let failing = true;
    const rec = recordingHandler((key) => key === 'bad' && failing);
    const logger = recordingLogger();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, maxFailures: 3, logger });
    await spool.append('bad', text('b1'));
    await spool.append('good', text('g1'));
    for (let i = 0; i < 2; i++) {
      const err = await spool.flush().then(() => null, (e: unknown) => e);
      assert.instance(err, SpoolFlushError);
      assert.equal((err as SpoolFlushError).failures.map((f) => f.key), ['bad']);
      await spool.append('bad', text(`b${i + 2}`));
    }
    assert.equal(rec.framesOf('good'), ['g1']);
    // b1 and b2 sealed by the two failed cycles; b3 still active.
    assert.is(files(dir).filter((f) => f.startsWith('bad.spool.inflight.')).length, 2);
    assert.ok(files(dir).includes('bad.spool'));
    await spool.flush(); // third consecutive failure: the strategy takes all three files; the cycle itself succeeds
    assert.equal(files(dir), []);
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('deleting')));

    // The counter restarts, and a success in between resets it.
    await spool.append('bad', text('b9'));
    await spool.flush().catch(() => undefined);
    await spool.flush().catch(() => undefined);
    failing = false;
    await spool.flush();
    assert.equal(rec.framesOf('bad'), ['b9']);
    await spool.close();
  } finally {
    cleanup();
  }
});

test('quarantine strategy: failed files are renamed .quarantine and never read again', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    let failing = true;
    const rec = recordingHandler(() => failing);
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, maxFailures: 2, failureStrategy: 'quarantine' });
    await spool.append('k', text('kept-aside'));
    await spool.flush().catch(() => undefined);
    await spool.flush();
    const names = files(dir);
    assert.is(names.length, 1);
    assert.match(names[0] as string, /^k\.spool\.inflight\.\d{20}\.quarantine$/);
    failing = false;
    await spool.append('k', text('later'));
    await spool.flush();
    assert.equal(rec.framesOf('k'), ['later']);
    assert.equal(files(dir), names);
    await spool.close();
  } finally {
    cleanup();
  }
});

test('keys are encoded so none escapes the folder, and the handler gets the original key back', async () => {
  const { dir: root, cleanup } = tempDir('spool');
  try {
    const dir = join(root, 'a', 'b', 'spool');
    const keys = ['../../etc', 'x/y', 'x\\y', 'x_y', 'nul\u0000byte', '.', '..', 'ü-ß', 'UPPER', '%41'];
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler });
    for (const k of keys) await spool.append(k, text(`for ${k}`));
    assert.equal(files(root), ['a']);
    assert.equal(files(join(root, 'a')), ['b']);
    assert.equal(files(join(root, 'a', 'b')), ['spool']);
    const names = files(dir);
    assert.is(names.length, keys.length, 'distinct keys, distinct files');
    for (const n of names) assert.match(n, /^[A-Za-z0-9_%-]+\.spool$/);
    assert.ok(names.includes('%2E%2E%2F%2E%2E%2Fetc.spool'));
    await spool.flush();
    assert.equal(rec.keys(), [...keys].sort());
    for (const k of keys) assert.equal(rec.framesOf(k), [`for ${k}`]);
    for (const bad of ['', 'lone \ud800 surrogate', 'x'.repeat(300)]) {
      const err = await spool.append(bad, text('no')).then(() => null, (e: unknown) => e);
      assert.instance(err, SpoolKeyError, JSON.stringify(bad.slice(0, 20)));
    }
    await spool.close();
  } finally {
    cleanup();
  }
});

test('maxTotalBytes: an append that would overfill the folder rejects with SpoolFullError; a flush makes room', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, maxTotalBytes: 100 });
    const payload = text('x'.repeat(40)); // 44 bytes with its header
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => spool.append('k', payload)));
    assert.equal(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
    const reason: unknown = results[2]?.status === 'rejected' ? results[2].reason : null;
    assert.instance(reason, SpoolFullError);
    assert.is(spool.totalBytes, 88);
    await spool.flush();
    assert.is(spool.totalBytes, 0);
    await spool.append('k', payload);
    await spool.close();
    assert.is(rec.framesOf('k').length, 3);
  } finally {
    cleanup();
  }
});

test('maxTotalBytes counts files already on disk at start-up, quarantined ones included', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    writeFileSync(join(dir, 'k.spool.inflight.00000000000000000001.quarantine'), Buffer.alloc(80));
    const spool = await FileSpool.open({ directory: dir, handler: recordingHandler().handler, maxTotalBytes: 100 });
    assert.is(spool.totalBytes, 80);
    const err = await spool.append('k', text('x'.repeat(20))).then(() => null, (e: unknown) => e);
    assert.instance(err, SpoolFullError);
    await spool.append('k', text('x'.repeat(16)));
    await spool.close();
  } finally {
    cleanup();
  }
});

test('maxActiveSize seals a full active file right after the append', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, maxActiveSize: 30 });
    for (let i = 0; i < 5; i++) await spool.append('k', text(`frame-number-${i}`)); // 18 bytes each
    const names = files(dir);
    assert.is(names.filter((n) => n.includes('.inflight.')).length, 2);
    assert.ok(names.includes('k.spool'));
    await spool.flush();
    assert.equal(rec.framesOf('k'), Array.from({ length: 5 }, (_, i) => `frame-number-${i}`));
    await spool.close();
  } finally {
    cleanup();
  }
});

test('the flush interval runs cycles on the injected clock', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const timers = new FakeTimers();
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, flushIntervalMs: 60_000, timers });
    await spool.append('k', text('a'));
    await timers.advance(59_999);
    assert.is(rec.calls.length, 0);
    await timers.advance(1);
    await waitFor(() => rec.calls.length === 1);
    await waitFor(() => timers.pendingTimers === 1); // re-armed after the cycle
    await spool.append('k', text('b'));
    await timers.advance(60_000);
    await waitFor(() => rec.calls.length === 2);
    assert.equal(rec.framesOf('k'), ['a', 'b']);
    await spool.close();
    assert.is(timers.pendingTimers, 0);
  } finally {
    cleanup();
  }
});

test('append-count and byte thresholds start a cycle early', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler, maxAppendsBeforeFlush: 3 });
    await spool.append('k', text('1'));
    await spool.append('k', text('2'));
    await new Promise((r) => setTimeout(r, 20));
    assert.is(rec.calls.length, 0);
    await spool.append('k', text('3'));
    await waitFor(() => rec.framesOf('k').length === 3);
    await spool.close();

    const rec2 = recordingHandler();
    const bySize = await FileSpool.open({ directory: dir, handler: rec2.handler, maxBytesBeforeFlush: 10 });
    await bySize.append('k', text('12345'));
    await new Promise((r) => setTimeout(r, 20));
    assert.is(rec2.calls.length, 0);
    await bySize.append('k', text('67890'));
    await waitFor(() => rec2.framesOf('k').length === 2);
    await bySize.close();
  } finally {
    cleanup();
  }
});

test('close: accepted appends finish, a final flush runs, later appends and flushes are refused', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const rec = recordingHandler();
    const spool = await FileSpool.open({ directory: dir, handler: rec.handler });
    const accepted = [spool.append('k', text('a')), spool.append('j', text('b'))];
    const closed = spool.close();
    const late = await spool.append('k', text('late')).then(() => null, (e: unknown) => e);
    assert.instance(late, SpoolClosedError);
    await Promise.all(accepted);
    await closed;
    assert.equal(rec.framesOf('k'), ['a']);
    assert.equal(rec.framesOf('j'), ['b']);
    assert.instance(await spool.flush().then(() => null, (e: unknown) => e), SpoolClosedError);
    assert.equal(files(dir), []);

    const keep = await FileSpool.open({ directory: dir, handler: recordingHandler().handler, flushOnClose: false });
    await keep.append('k', text('stays'));
    await keep.close();
    assert.equal(files(dir), ['k.spool']);
  } finally {
    cleanup();
  }
});

test('close rejects when the final flush fails, and leaves the data for the next start', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const failing = await FileSpool.open({ directory: dir, handler: recordingHandler(() => true).handler });
    await failing.append('k', text('a'));
    const err = await failing.close().then(() => null, (e: unknown) => e);
    assert.instance(err, SpoolFlushError);
    const rec = recordingHandler();
    const next = await FileSpool.open({ directory: dir, handler: rec.handler });
    await next.close();
    assert.equal(rec.framesOf('k'), ['a']);
  } finally {
    cleanup();
  }
});

test('inflight names keep increasing across restarts even when the clock goes back', async () => {
  const { dir, cleanup } = tempDir('spool');
  try {
    const far = '99999999999999999990';
    writeFileSync(join(dir, `k.spool.inflight.${far}`), encodeFrame(text('old')));
    const rec = recordingHandler();
    const hold = gate();
    const spool = await FileSpool.open({
      directory: dir,
      handler: async (key, next) => {
        await hold.promise;
        await rec.handler(key, next);
      },
    });
    await spool.append('k', text('new'));
    const cycle = spool.flush();
    await waitFor(() => files(dir).filter((n) => n.includes('.inflight.')).length === 2);
    const sealed = files(dir).find((n) => n !== `k.spool.inflight.${far}`) as string;
    assert.ok(BigInt(sealed.split('.').pop() as string) > BigInt(far));
    hold.open();
    await cycle;
    assert.equal(rec.framesOf('k'), ['old', 'new']);
    assert.ok(statSync(dir).isDirectory());
    await spool.close();
  } finally {
    cleanup();
  }
});

test.run();
