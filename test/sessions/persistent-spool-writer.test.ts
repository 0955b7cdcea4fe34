import { readdirSync } from 'node:fs';
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSessionFrame, encodeSessionEntry, encodeSessionFrame, SESSION_FRAME_VERSION, SessionFrameDecodeError, sessionFramePieces } from '../../src/sessions/session-frames.js';
import { plainCborEncoder } from '../../src/hits/cbor.js';
import { decodeHit, encodeHit, encodeHits } from '../../src/hits/hit-codec.js';
import { newEvent, newSession } from '../../src/schema/session.js';
import { PersistentSpoolWriter } from '../../src/sessions/persistent-spool-writer.js';
import { SpoolFlushError, SpoolFullError } from '../../src/spools/errors.js';
import { recordingLogger, tempDir } from '../queue/helpers.js';
import { makeSession, RecordingSessionWriter, sessionTag } from './helpers.js';

test('session frames round-trip the hits of every session, in order', () => {
  const sessions = [makeSession('p', 3), makeSession('p', 1)];
  const back = decodeSessionFrame(encodeSessionFrame(sessions));
  assert.is(back.length, 2);
  for (let i = 0; i < 2; i++) {
    const original = sessions[i]!;
    const decoded = back[i]!;
    assert.is(decoded.propertyId, 'p');
    assert.equal(decoded.events.map((e) => e.hit), original.events.map((e) => e.hit));
    for (const e of decoded.events) {
      assert.equal(Object.keys(e.values), []);
      assert.equal(Object.keys(e.metadata), []);
      assert.is(e.brokenReason, null);
    }
  }
  for (const bad of [Uint8Array.from([0xff]), encodeSessionFrame([]).subarray(0, 1), Uint8Array.from([0x82, 0x02, 0x80])]) {
    assert.throws(() => decodeSessionFrame(bad), (e: unknown) => e instanceof SessionFrameDecodeError);
  }
});

test('write spools one frame per property; a flush hands them to the child grouped by property', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const writer = new PersistentSpoolWriter({ child, directory: dir });
    const a1 = makeSession('a', 2);
    const b1 = makeSession('b', 1);
    const a2 = makeSession('a', 4);
    await writer.write([a1, b1, a2]);
    const b2 = makeSession('b', 1);
    await writer.write([b2]);
    assert.equal(readdirSync(dir).sort(), ['a.spool', 'b.spool']);
    assert.is(child.calls.length, 0, 'nothing reaches the child before a flush');
    await writer.flush();
    assert.equal(
      child.calls.map((c) => c.map(sessionTag)),
      [[a1, a2].map(sessionTag), [b1, b2].map(sessionTag)],
      'one child write per batch of up to 50 frames, per property',
    );
    assert.equal(child.calls[0]?.[1]?.events.map((e) => e.hit), a2.events.map((e) => e.hit));
    assert.equal(readdirSync(dir), []);
    await writer.close();
    assert.is(child.closed, false);
  } finally {
    cleanup();
  }
});

test('batches follow flushBatchSize in frames', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const writer = new PersistentSpoolWriter({ child, directory: dir, flushBatchSize: 2 });
    for (let i = 0; i < 5; i++) await writer.write([makeSession('p'), makeSession('p')]);
    await writer.flush();
    assert.equal(child.calls.map((c) => c.length), [4, 4, 2]);
    await writer.close();
  } finally {
    cleanup();
  }
});

test('child writes end with the session that reaches maxEventsPerWrite, within and across frames; sessions stay whole and in order', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const writer = new PersistentSpoolWriter({ child, directory: dir, maxEventsPerWrite: 5 });
    const sessions = [[3, 1, 4], [2, 2], [6], [1]].map((sizes) => sizes.map((n) => makeSession('p', n)));
    for (const group of sessions) await writer.write(group);
    await writer.flush();
    // 3+1+4 reaches 5 at the third session; 2+2+6 at the sixth; the last one is what is left.
    assert.equal(
      child.calls.map((c) => c.map((s) => s.events.length)),
      [[3, 1, 4], [2, 2, 6], [1]],
    );
    assert.equal(child.calls.flat().map(sessionTag), sessions.flat().map(sessionTag));
    await writer.close();
  } finally {
    cleanup();
  }
});

test('a frame that does not decode is skipped with an error log; the rest of the file is delivered', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const logger = recordingLogger();
    const writer = new PersistentSpoolWriter({ child, directory: dir, logger, flushBatchSize: 1 });
    const before = makeSession('p');
    const after = makeSession('p');
    await writer.write([before]);
    await writer.spool.append('p', Uint8Array.from([1, 2, 3]));
    await writer.write([after]);
    await writer.flush();
    assert.equal(child.tags(), [sessionTag(before), sessionTag(after)]);
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('cannot be decoded') && e.fields?.['key'] === 'p'));
    assert.equal(readdirSync(dir), []);
    await writer.close();
  } finally {
    cleanup();
  }
});

test('a session of a frame that does not decode is skipped alone; the frame\'s other sessions are delivered', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const logger = recordingLogger();
    const writer = new PersistentSpoolWriter({ child, directory: dir, logger });
    const first = makeSession('p');
    const last = makeSession('p', 2);
    const [version, entries, writeId] = cborDecode(encodeSessionFrame([first, last])) as [number, Uint8Array[], null];
    await writer.spool.append('p', cborEncode([version, [entries[0], Uint8Array.from([0x82, 0x01]), entries[1]], writeId]));
    await writer.flush();
    assert.equal(child.tags(), [sessionTag(first), sessionTag(last)]);
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('session that cannot be decoded') && e.fields?.['key'] === 'p'));
    await writer.close();
  } finally {
    cleanup();
  }
});

test('a failing child write fails the file; it is retried whole by the next cycle', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const writer = new PersistentSpoolWriter({ child, directory: dir, flushBatchSize: 1 });
    const s1 = makeSession('p');
    const s2 = makeSession('p');
    await writer.write([s1]);
    await writer.write([s2]);
    const record = child.write.bind(child);
    let n = 0;
    // The first batch goes through, the second fails: the file stays, and both are written again.
    child.write = async (sessions) => {
      n += 1;
      if (n === 2) throw new Error('warehouse down');
      await record(sessions);
    };
    const err = await writer.flush().then(() => null, (e: unknown) => e);
    assert.instance(err, SpoolFlushError);
    assert.match((err as Error).message, /child write for key "p": warehouse down/);
    assert.equal(readdirSync(dir).length, 1);
    await writer.flush();
    assert.equal(child.tags(), [s1, s1, s2].map(sessionTag));
    await writer.close();
  } finally {
    cleanup();
  }
});

test('write rejects with SpoolFullError when the spool would exceed maxTotalBytes', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const first = makeSession('p');
    const firstFrameBytes = 4 + encodeSessionFrame([first]).byteLength;
    const writer = new PersistentSpoolWriter({ child, directory: dir, maxTotalBytes: firstFrameBytes + 10 });
    await writer.write([first]);
    const err = await writer.write([makeSession('p', 3)]).then(() => null, (e: unknown) => e);
    assert.instance(err, SpoolFullError);
    await writer.close();
    assert.is(child.sessions.length, 1);
  } finally {
    cleanup();
  }
});

test('sessions without a property id are skipped with a warning', async () => {
  const { dir, cleanup } = tempDir('psw');
  try {
    const child = new RecordingSessionWriter();
    const logger = recordingLogger();
    const writer = new PersistentSpoolWriter({ child, directory: dir, logger });
    const orphan = makeSession('x');
    orphan.propertyId = '';
    await writer.write([orphan]);
    await writer.close();
    assert.is(child.calls.length, 0);
    assert.ok(logger.entries.some((e) => e.level === 'warn'));
  } finally {
    cleanup();
  }
});

test('a retried close (same write id) is spooled once, also after a restart before the commit', async () => {
  const { dir, cleanup } = tempDir('psw-ids');
  try {
    const child = new RecordingSessionWriter();
    const first = new PersistentSpoolWriter({ child, directory: dir });
    const s = makeSession('p', 2);
    await first.write([s], { writeId: 'bucket-7/p' });
    await first.write([s], { writeId: 'bucket-7/p' });
    // Restart: a new writer on the same folder learns the id from the spooled frame.
    const second = new PersistentSpoolWriter({ child, directory: dir });
    await second.write([s], { writeId: 'bucket-7/p' });
    await second.write([makeSession('p', 1)], { writeId: 'bucket-8/p' });
    await second.close();
    await first.close();
    assert.is(child.calls.flat().length, 2);
  } finally {
    cleanup();
  }
});


test('a frame of sessions read from storage is written from their stored bytes: the same bytes cbor-x writes, readable back', () => {
  const stored = (s: ReturnType<typeof makeSession>) => newSession(s.events.map((e) => newEvent(decodeHit(encodeHit(e.hit)))));
  const cases: [ReturnType<typeof makeSession>[], string | null][] = [
    [[stored(makeSession('p', 1))], null],
    [[stored(makeSession('p', 3)), stored(makeSession('p', 30))], 'close-7/p'],
    [Array.from({ length: 40 }, (_, i) => stored(makeSession('p', 1 + (i % 5)))), 'x'.repeat(300)],
  ];
  for (const [sessions, writeId] of cases) {
    const generic = plainCborEncoder.encode([SESSION_FRAME_VERSION, sessions.map((s) => encodeHits(s.events.map((e) => e.hit))), writeId]);
    const frame = encodeSessionFrame(sessions, writeId);
    assert.equal(Buffer.from(frame), Buffer.from(generic));
    assert.equal(decodeSessionFrame(frame).map(sessionTag), sessions.map(sessionTag));
  }
  // One hit that was never stored sends the frame through the general encoder, with the same result.
  const mixed = [stored(makeSession('p', 2)), makeSession('p', 2)];
  const frame = encodeSessionFrame(mixed, null);
  assert.equal(Buffer.from(frame), Buffer.from(plainCborEncoder.encode([SESSION_FRAME_VERSION, mixed.map((s) => encodeHits(s.events.map((e) => e.hit))), null])));
  // Its own memory: a later frame does not overwrite it.
  const copy = Buffer.from(frame);
  encodeSessionFrame([makeSession('q', 5)], 'other');
  assert.equal(Buffer.from(frame), copy);
});

test('sessions encoded one by one as entries make, joined, the frame of the same sessions, stored or not', () => {
  const stored = (s: ReturnType<typeof makeSession>) => newSession(s.events.map((e) => newEvent(decodeHit(encodeHit(e.hit)))));
  const cases: [ReturnType<typeof makeSession>[], string | null][] = [
    [[stored(makeSession('p', 1))], null],
    [[stored(makeSession('p', 3)), makeSession('p', 2), stored(makeSession('p', 30))], 'close-9/p'],
    [Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? stored(makeSession('p', 1 + (i % 7))) : makeSession('p', 1 + (i % 4)))), null],
    [[], null],
  ];
  for (const [sessions, writeId] of cases) {
    const entries = sessions.map(encodeSessionEntry);
    const joined = Buffer.concat(sessionFramePieces(entries, writeId));
    assert.equal(joined, Buffer.from(encodeSessionFrame(sessions, writeId)));
    assert.equal(decodeSessionFrame(joined).map(sessionTag), sessions.map(sessionTag));
  }
  // Each entry is memory of its own: encoding more sessions leaves it as it was.
  const entry = encodeSessionEntry(stored(makeSession('p', 4)));
  const copy = Buffer.from(entry);
  for (let i = 0; i < 20; i++) encodeSessionEntry(stored(makeSession('p', 9)));
  assert.equal(Buffer.from(entry), copy);
});

test('entries written for a property are spooled as one frame and reach the child as their sessions', async () => {
  const { dir, cleanup } = tempDir('psw-entries');
  try {
    const child = new RecordingSessionWriter();
    const logger = recordingLogger();
    const writer = new PersistentSpoolWriter({ child, directory: dir, logger });
    const a = [makeSession('a', 2), makeSession('a', 3)];
    await writer.writeEntries('a', a.map(encodeSessionEntry));
    await writer.writeEntries('b', []);
    await writer.writeEntries('', [encodeSessionEntry(makeSession('', 1))]);
    assert.equal(readdirSync(dir), ['a.spool']);
    assert.ok(logger.entries.some((r) => r.level === 'warn' && /without a property id/.test(r.msg)));
    await writer.flush();
    assert.equal(child.calls.map((c) => c.map(sessionTag)), [a.map(sessionTag)]);
    assert.equal(child.calls[0]?.[1]?.events.map((e) => e.hit), a[1]!.events.map((e) => e.hit));
    await writer.close();
  } finally {
    cleanup();
  }
});

test.run();
