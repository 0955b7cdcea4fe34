import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemorySpoolWriter, SessionWriterStoppedError } from '../../src/sessions/in-memory-spool-writer.js';
import { FakeTimers, recordingLogger, settle } from '../queue/helpers.js';
import { gate } from '../spools/helpers.js';
import { makeSession, RecordingSessionWriter, sessionTag } from './helpers.js';
import { decodeSessionFrame, sessionFramePieces } from '../../src/sessions/session-frames.js';
import type { SessionEntryWriter } from '../../src/sessions/session-writer.js';
import type { Session } from '../../src/schema/session.js';

/** A child that takes frame entries; it keeps what it was given as the sessions they decode to. */
class EntryRecordingWriter extends RecordingSessionWriter implements SessionEntryWriter {
  readonly entryCalls: [string, number][] = [];

  async writeEntries(propertyId: string, entries: readonly Uint8Array[]): Promise<void> {
    this.entryCalls.push([propertyId, entries.length]);
    const sessions: Session[] = decodeSessionFrame(Buffer.concat(sessionFramePieces(entries)));
    await this.write(sessions);
  }
}

function setup(options: Partial<ConstructorParameters<typeof InMemorySpoolWriter>[0]> = {}) {
  const child = new RecordingSessionWriter();
  const timers = new FakeTimers();
  const logger = recordingLogger();
  const writer = new InMemorySpoolWriter({ child, timers, logger, ...options });
  return { child, timers, logger, writer };
}

test('a property buffer is flushed once it reaches maxSessionsPerProperty; others keep waiting', async () => {
  const { child, writer } = setup({ maxSessionsPerProperty: 3 });
  const a = [makeSession('a'), makeSession('a')];
  await writer.write(a);
  await writer.write([makeSession('b')]);
  await settle();
  assert.is(child.calls.length, 0);
  const more = [makeSession('a'), makeSession('a')];
  await writer.write(more);
  await settle();
  assert.is(child.calls.length, 1);
  assert.equal(child.calls[0]?.map(sessionTag), [...a, ...more].map(sessionTag));
  assert.is(writer.bufferedSessions, 1);
  await writer.close();
});

test('the default count limit is 100 sessions per property', async () => {
  const { child, writer } = setup();
  await writer.write(Array.from({ length: 99 }, () => makeSession('p')));
  await settle();
  assert.is(child.calls.length, 0);
  await writer.write([makeSession('p')]);
  await settle();
  assert.is(child.calls[0]?.length, 100);
  await writer.close();
});

test('the sweep flushes buffers whose first session is maxAge old (30 s, swept every 5 s)', async () => {
  const { child, timers, writer } = setup();
  await writer.write([makeSession('p')]);
  await timers.advance(12_000);
  await writer.write([makeSession('p')]); // joins the buffer; its age still counts from the first
  await writer.write([makeSession('q')]);
  await timers.advance(17_999);
  assert.is(child.calls.length, 0, 'the sweep at 25 s finds nothing old enough');
  await timers.advance(1); // sweep at 30 s
  assert.equal(child.calls.map((c) => [c[0]?.propertyId, c.length]), [['p', 2]]);
  await timers.advance(10_000); // q was created at 12 s: flushed by the sweep at 45 s
  assert.is(child.calls.length, 1);
  await timers.advance(5_000);
  assert.equal(child.calls.map((c) => [c[0]?.propertyId, c.length]), [['p', 2], ['q', 1]]);
  await writer.close();
});

test('a failed flush keeps the buffer and its age; the next sweep tries again', async () => {
  const { child, timers, logger, writer } = setup({ maxAgeMs: 1_000, sweepIntervalMs: 1_000 });
  child.failNext = 2;
  const s = makeSession('p');
  await writer.write([s]);
  await timers.advance(1_000);
  await timers.advance(1_000);
  assert.is(child.calls.length, 0);
  assert.is(logger.entries.filter((e) => e.level === 'error' && e.msg.includes('keeping them')).length, 2);
  assert.is(writer.bufferedSessions, 1);
  await timers.advance(1_000);
  assert.equal(child.tags(), [sessionTag(s)]);
  assert.is(writer.bufferedSessions, 0);
  await writer.close();
});

test('total caps: sessions beyond maxBufferedSessions or maxBufferedEvents are dropped with an error log', async () => {
  const bySessions = setup({ maxBufferedSessions: 3 });
  await bySessions.writer.write([makeSession('a'), makeSession('b'), makeSession('c'), makeSession('a'), makeSession('d')]);
  await settle();
  assert.is(bySessions.writer.bufferedSessions, 3);
  const dropped = bySessions.logger.entries.filter((e) => e.level === 'error' && e.msg.includes('dropping'));
  assert.equal(dropped.map((e) => [e.fields?.['propertyId'], e.fields?.['sessions']]), [['a', 1], ['d', 1]]);
  await bySessions.writer.close();
  assert.is(bySessions.child.sessions.length, 3);

  const byEvents = setup({ maxBufferedEvents: 10 });
  await byEvents.writer.write([makeSession('a', 6), makeSession('a', 5), makeSession('a', 4)]);
  await settle();
  assert.is(byEvents.writer.bufferedEvents, 10);
  assert.is(byEvents.writer.bufferedSessions, 2);
  await byEvents.writer.close();
  assert.equal(byEvents.child.sessions.map((s) => s.events.length), [6, 4]);
});

test('sessions without a property id are skipped with a warning', async () => {
  const { child, logger, writer } = setup();
  const orphan = makeSession('x');
  orphan.propertyId = '';
  await writer.write([orphan, makeSession('p')]);
  await writer.close();
  assert.is(child.sessions.length, 1);
  assert.ok(logger.entries.some((e) => e.level === 'warn' && e.msg.includes('without a property id')));
});

test('bounded intake: write waits while the queue is full and resumes as the child catches up', async () => {
  const { child, writer } = setup({ maxSessionsPerProperty: 1, writeQueueCapacity: 2 });
  const hold = gate();
  child.hold = hold.promise;
  const settled: number[] = [];
  const writes = Array.from({ length: 5 }, (_, i) => writer.write([makeSession('p')]).then(() => settled.push(i)));
  await settle();
  // One write is with the child, two wait in the queue, two callers are held back.
  assert.equal(settled, [0, 1, 2]);
  hold.open();
  await Promise.all(writes);
  await writer.close();
  assert.equal(settled, [0, 1, 2, 3, 4]);
  assert.is(child.sessions.length, 5);
});

test('close drains every accepted write, including blocked ones; later writes get "writer is stopped"', async () => {
  const { child, writer } = setup({ writeQueueCapacity: 1 });
  const hold = gate();
  child.hold = hold.promise;
  const sent = Array.from({ length: 20 }, (_, i) => makeSession(`p${i % 3}`, 1 + (i % 2)));
  const writes = sent.map((s) => writer.write([s]));
  const closed = writer.close();
  const late = await writer.write([makeSession('p0')]).then(() => null, (e: unknown) => e);
  assert.instance(late, SessionWriterStoppedError);
  assert.is((late as Error).message, 'writer is stopped');
  await writer.write([]); // an empty write is a no-op even now
  hold.open();
  await Promise.all(writes);
  await closed;
  assert.equal([...child.tags()].sort(), sent.map(sessionTag).sort());
  assert.equal(child.calls.map((c) => c[0]?.propertyId), ['p0', 'p1', 'p2'], 'one write per property, in property order');
  assert.is(child.closed, false, 'the child is not closed by its parent');
});

test('close keeps going when the final flush fails, logging what is lost', async () => {
  const { child, logger, writer } = setup();
  child.failNext = 1;
  await writer.write([makeSession('a'), makeSession('b')]);
  await writer.close();
  assert.equal(child.calls.map((c) => c[0]?.propertyId), ['b']);
  assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('lost') && e.fields?.['propertyId'] === 'a'));
  assert.is(writer.bufferedSessions, 0);
});

test('close stops the sweep timer', async () => {
  const { timers, writer } = setup();
  assert.is(timers.pendingTimers, 1);
  await writer.close();
  assert.is(timers.pendingTimers, 0);
});

test('a child that takes frame entries gets each session encoded when it was written, not when the buffer flushes', async () => {
  const child = new EntryRecordingWriter();
  const timers = new FakeTimers();
  const writer = new InMemorySpoolWriter({ child, timers, logger: recordingLogger(), maxSessionsPerProperty: 3 });
  const first = [makeSession('a', 2), makeSession('b', 1)];
  const tags = first.map(sessionTag);
  const hits = first.map((s) => s.events.map((e) => structuredClone(e.hit)));
  await writer.write(first);
  // The caller is done with its objects once write resolves; changing them changes nothing spooled.
  for (const s of first) for (const e of s.events) e.hit.id = `changed-${e.hit.id}`;
  first[0]!.events.pop();
  await writer.write([makeSession('', 1)]);
  assert.is(writer.bufferedSessions, 2, 'a session without a property is not buffered');
  assert.is(writer.bufferedEvents, 3);
  await writer.write([makeSession('a', 1), makeSession('a', 1)]);
  await settle();
  assert.equal(child.entryCalls, [['a', 3]]);
  assert.is(child.calls[0]![0]!.events.length, 2);
  assert.is(sessionTag(child.calls[0]![0]!), tags[0]);
  assert.equal(child.calls[0]![0]!.events.map((e) => e.hit), hits[0]);
  await writer.close();
  assert.equal(child.entryCalls, [['a', 3], ['b', 1]]);
  assert.is(sessionTag(child.calls[1]![0]!), tags[1]);
  assert.equal(child.calls[1]![0]!.events.map((e) => e.hit), hits[1]);
});

test.run();
