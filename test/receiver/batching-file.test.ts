import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import type { HitBatch } from '../../src/queue/hits-task.js';
import * as assert from 'uvu/assert';
import { encodeHit } from '../../src/hits/hit-codec.js';
import type { Hit } from '../../src/hits/hit.js';
import {
  BATCHING_DIR,
  BatchingStorage,
  FileBatchingBackend,
  PENDING_FILE,
  encodeFrames,
} from '../../src/receiver/batching/index.js';
import { StorageFullError } from '../../src/receiver/hit-storage.js';
import { FakeTimers, makeHit, recordingLogger, settle, tempDir } from '../queue/helpers.js';

function collector() {
  const batches: Hit[][] = [];
  const sink = async (batch: HitBatch): Promise<void> => {
    batches.push(batch.hits());
  };
  return { batches, sink, ids: () => batches.map((b) => b.map((h) => h.id)) };
}

function stagedFiles(queueDir: string): string[] {
  const dir = join(queueDir, BATCHING_DIR);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

test('append writes length-prefixed CBOR frames; flush publishes them in order and removes the file', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const backend = new FileBatchingBackend({ queueDir: dir });
    const hits = [makeHit(), makeHit({ userId: 'ü' }), makeHit()];
    await backend.append(hits.slice(0, 2));
    await backend.append(hits.slice(2));
    const raw = readFileSync(join(dir, BATCHING_DIR, PENDING_FILE));
    const first = encodeHit(hits[0]!);
    assert.is(raw.readUInt32BE(0), first.byteLength);
    assert.equal([...raw.subarray(4, 4 + first.byteLength)], [...first]);
    assert.equal(raw, encodeFrames(hits));
    const c = collector();
    assert.is(await backend.flush(c.sink), 3);
    assert.equal(c.batches, [hits]);
    assert.equal(stagedFiles(dir), []);
    assert.is(await backend.flush(c.sink), 0);
    assert.is(c.batches.length, 1);
    await backend.close();
  } finally {
    cleanup();
  }
});

test('after a crash, a new backend on the same directory publishes what was staged, first', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const crashed = new FileBatchingBackend({ queueDir: dir });
    const before = [makeHit(), makeHit()];
    await crashed.append(before); // fsynced; the process "dies" without a flush
    await crashed.close(); // releases the descriptor only; nothing is flushed

    const timers = new FakeTimers();
    const c = collector();
    const storage = new BatchingStorage({ backend: new FileBatchingBackend({ queueDir: dir }), sink: c.sink, batchSize: 100, timeoutMs: 1000, timers });
    const after = makeHit();
    await storage.push([after]);
    await storage.flushNow();
    const published = c.batches.flat().map((h) => h.id);
    assert.equal(published, [...before.map((h) => h.id), after.id]);
    assert.equal(c.batches[0]!.map((h) => h.id).slice(0, 2), before.map((h) => h.id), 'recovered hits go out first');
    await storage.close();
    assert.equal(stagedFiles(dir), []);
  } finally {
    cleanup();
  }
});

test('a leftover .flushing file from a crash mid-flush is published with the pending file', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const b1 = new FileBatchingBackend({ queueDir: dir });
    const old = [makeHit()];
    await b1.append(old);
    // Crash while the sink runs: the pending file has been set aside but not deleted.
    await b1.flush(async () => {
      throw new Error('killed');
    }).catch(() => undefined);
    const newer = [makeHit()];
    await b1.append(newer);
    await b1.close();
    assert.equal(stagedFiles(dir).map((n) => n.replace(/\..*\./, '.X.')), ['pending_hits.X.flushing', PENDING_FILE]);

    const b2 = new FileBatchingBackend({ queueDir: dir });
    const c = collector();
    assert.is(await b2.flush(c.sink), 2);
    assert.equal(c.ids(), [[old[0]!.id, newer[0]!.id]]);
    assert.equal(stagedFiles(dir), []);
    await b2.close();
  } finally {
    cleanup();
  }
});

test('a torn frame at the end is dropped with a warning; the complete frames are published', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const b1 = new FileBatchingBackend({ queueDir: dir });
    const hits = [makeHit(), makeHit()];
    await b1.append(hits);
    const torn = encodeFrames([makeHit()]);
    await b1.close();
    appendFileSync(join(dir, BATCHING_DIR, PENDING_FILE), torn.subarray(0, torn.byteLength - 5));

    const logger = recordingLogger();
    const b2 = new FileBatchingBackend({ queueDir: dir, logger });
    const later = makeHit();
    await b2.append([later]); // must not land behind the torn frame
    const c = collector();
    assert.is(await b2.flush(c.sink), 3);
    assert.equal(c.ids(), [[hits[0]!.id, hits[1]!.id, later.id]]);
    assert.ok(logger.entries.some((e) => e.level === 'warn' && e.msg.includes('torn frame')));
    assert.equal(stagedFiles(dir), []);
    await b2.close();
  } finally {
    cleanup();
  }
});

test('a torn length prefix (fewer than 4 bytes) is tolerated too', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const h = makeHit();
    writeFileSync(join(batchingDir(dir), PENDING_FILE), Buffer.concat([encodeFrames([h]), Buffer.from([0, 0])]));
    const c = collector();
    const backend = new FileBatchingBackend({ queueDir: dir });
    assert.is(await backend.flush(c.sink), 1);
    assert.equal(c.ids(), [[h.id]]);
    await backend.close();
  } finally {
    cleanup();
  }
});

/** The backend's folder, created ahead of the backend to plant files in it. */
function batchingDir(queueDir: string): string {
  const d = join(queueDir, BATCHING_DIR);
  mkdirSync(d, { recursive: true });
  return d;
}

test('a frame that does not decode is skipped with a warning; the frames around it are published', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const a = makeHit();
    const b = makeHit();
    const junk = Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff]);
    const empty = Buffer.from([0, 0, 0, 0]);
    writeFileSync(join(batchingDir(dir), PENDING_FILE), Buffer.concat([encodeFrames([a]), junk, empty, encodeFrames([b])]));
    const logger = recordingLogger();
    const c = collector();
    const backend = new FileBatchingBackend({ queueDir: dir, logger });
    assert.is(await backend.flush(c.sink), 2);
    assert.equal(c.ids(), [[a.id, b.id]]);
    assert.is(logger.entries.filter((e) => e.msg.includes('does not decode')).length, 2);
    await backend.close();
  } finally {
    cleanup();
  }
});

test('appends during a flush go to a new file and are published by the next flush', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const backend = new FileBatchingBackend({ queueDir: dir });
    const first = makeHit();
    await backend.append([first]);
    let release: () => void = () => {};
    const batches: string[][] = [];
    const slowSink = async (batch: HitBatch): Promise<void> => {
      await new Promise<void>((r) => (release = r));
      batches.push(batch.hits().map((h) => h.id));
    };
    const flushing = backend.flush(slowSink);
    await settle(50);
    const during = makeHit();
    await backend.append([during]);
    assert.ok(stagedFiles(dir).includes(PENDING_FILE));
    release();
    assert.is(await flushing, 1);
    const c = collector();
    assert.is(await backend.flush(c.sink), 1);
    assert.equal(batches, [[first.id]]);
    assert.equal(c.ids(), [[during.id]]);
    await backend.close();
  } finally {
    cleanup();
  }
});

test('a failed flush keeps the files; the next flush publishes old and new together, once', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const backend = new FileBatchingBackend({ queueDir: dir });
    const a = makeHit();
    await backend.append([a]);
    let err: unknown;
    await backend.flush(async () => {
      throw new Error('queue down');
    }).catch((e: unknown) => (err = e));
    assert.instance(err, Error);
    const b = makeHit();
    await backend.append([b]);
    const c = collector();
    assert.is(await backend.flush(c.sink), 2);
    assert.is(await backend.flush(c.sink), 0);
    assert.equal(c.ids(), [[a.id, b.id]]);
    await backend.close();
  } finally {
    cleanup();
  }
});

test('concurrent pushes share fsyncs and every hit is staged exactly once', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const backend = new FileBatchingBackend({ queueDir: dir });
    const hits = Array.from({ length: 300 }, () => makeHit());
    await Promise.all(hits.map((h) => backend.append([h])));
    const c = collector();
    assert.is(await backend.flush(c.sink), 300);
    assert.equal(new Set(c.ids()[0]).size, 300);
    assert.equal(c.ids()[0], hits.map((h) => h.id));
    await backend.close();
  } finally {
    cleanup();
  }
});

test('maxPendingBytes: StorageFullError once staged bytes would exceed it, room again after a flush', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const one = encodeFrames([makeHit()]).byteLength;
    const backend = new FileBatchingBackend({ queueDir: dir, maxPendingBytes: one * 2 + 10 });
    await backend.append([makeHit()]);
    await backend.append([makeHit()]);
    let err: unknown;
    await backend.append([makeHit()]).catch((e: unknown) => (err = e));
    assert.instance(err, StorageFullError);
    // A failing flush does not free room: the set-aside file still counts.
    await backend.flush(async () => {
      throw new Error('down');
    }).catch(() => undefined);
    err = undefined;
    await backend.append([makeHit()]).catch((e: unknown) => (err = e));
    assert.instance(err, StorageFullError);
    const c = collector();
    assert.is(await backend.flush(c.sink), 2);
    await backend.append([makeHit()]);
    assert.is(backend.stagedBytes, one);
    await backend.close();
  } finally {
    cleanup();
  }
});

test('the staged limit counts files left from before a restart', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const b1 = new FileBatchingBackend({ queueDir: dir });
    await b1.append([makeHit(), makeHit()]);
    await b1.close();
    const one = encodeFrames([makeHit()]).byteLength;
    const b2 = new FileBatchingBackend({ queueDir: dir, maxPendingBytes: one * 2 + 10 });
    let err: unknown;
    await b2.append([makeHit()]).catch((e: unknown) => (err = e));
    assert.instance(err, StorageFullError);
    await b2.close();
  } finally {
    cleanup();
  }
});

test('BatchingStorage over the file backend: size flush, timer flush, close', async () => {
  const { dir, cleanup } = tempDir('fb');
  try {
    const timers = new FakeTimers();
    const c = collector();
    const storage = new BatchingStorage({ backend: new FileBatchingBackend({ queueDir: dir }), sink: c.sink, batchSize: 2, timeoutMs: 1000, timers });
    const [a, b, d] = [makeHit(), makeHit(), makeHit()];
    await storage.push([a!, b!]);
    assert.equal(c.ids(), [[a!.id, b!.id]]);
    await storage.push([d!]);
    await storage.flushNow();
    assert.equal(c.ids(), [[a!.id, b!.id], [d!.id]]);
    await storage.close();
    assert.equal(stagedFiles(dir), []);
  } finally {
    cleanup();
  }
});

test.run();
