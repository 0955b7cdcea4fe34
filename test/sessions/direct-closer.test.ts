import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DirectCloser } from '../../src/sessions/direct-closer.js';
import { recordingLogger } from '../queue/helpers.js';
import { makeHits, RecordingSessionWriter } from './helpers.js';

test('one session per proto-session, grouped by property, written in sorted property order', async () => {
  const writer = new RecordingSessionWriter();
  const closer = new DirectCloser(writer);
  const b1 = makeHits('beta', 2);
  const a1 = makeHits('alpha', 3);
  const c1 = makeHits('gamma', 1);
  const a2 = makeHits('alpha', 1);
  await closer.close([b1, a1, [], c1, a2]);
  assert.equal(
    writer.calls.map((group) => group.map((s) => s.propertyId)),
    [['alpha', 'alpha'], ['beta'], ['gamma']],
  );
  const [alpha] = writer.calls;
  assert.equal(alpha?.map((s) => s.events.map((e) => e.hit.id)), [a1.map((h) => h.id), a2.map((h) => h.id)]);
  const event = alpha?.[0]?.events[0];
  assert.is(event?.hit, a1[0], 'events carry the hit itself');
  assert.equal(Object.keys(event?.values ?? { x: 1 }), []);
  assert.equal(Object.keys(event?.metadata ?? { x: 1 }), []);
  assert.is(event?.brokenReason, null);
});

test('hits are ordered by server-received time (stably) without touching the caller\'s array', async () => {
  const writer = new RecordingSessionWriter();
  const hits = makeHits('p', 4);
  const [h0, h1, h2, h3] = hits as [typeof hits[0], typeof hits[0], typeof hits[0], typeof hits[0]];
  h2.request.serverReceivedTime = h0.request.serverReceivedTime - 1;
  h3.request.serverReceivedTime = h1.request.serverReceivedTime;
  const input = [h0, h1, h3, h2];
  await new DirectCloser(writer).close([input]);
  assert.equal(writer.calls[0]?.[0]?.events.map((e) => e.hit.id), [h2.id, h0.id, h1.id, h3.id]);
  assert.equal(input, [h0, h1, h3, h2]);
});

test('a failed write is logged and rejects at once; later properties are not written', async () => {
  const writer = new RecordingSessionWriter();
  const logger = recordingLogger();
  const closer = new DirectCloser(writer, logger);
  writer.failNext = 0;
  let calls = 0;
  const failingOnBeta = {
    write: async (sessions: Parameters<typeof writer.write>[0]) => {
      calls += 1;
      if (sessions[0]?.propertyId === 'beta') throw new Error('warehouse down');
      await writer.write(sessions);
    },
    close: async () => undefined,
  };
  const started = Date.now();
  const err = await new DirectCloser(failingOnBeta, logger)
    .close([makeHits('gamma', 1), makeHits('beta', 1), makeHits('alpha', 1)])
    .then(() => null, (e: unknown) => e);
  assert.ok(Date.now() - started < 1000, 'no sleeping inside the closer');
  assert.instance(err, Error);
  assert.is((err as Error).message, 'warehouse down');
  assert.is(calls, 2);
  assert.equal(writer.calls.map((g) => g[0]?.propertyId), ['alpha']);
  const entry = logger.entries.find((e) => e.level === 'error');
  assert.is(entry?.fields?.['propertyId'], 'beta');
  await closer.close([]);
  assert.is(writer.calls.length, 1, 'nothing to write for no proto-sessions');
});

test.run();
