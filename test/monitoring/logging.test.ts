import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitoring } from '../../src/monitoring/monitoring.js';
import { createPinoLogger } from '../../src/monitoring/pino-logger.js';
import { RejectionLog } from '../../src/monitoring/rejection-log.js';
import type { Outcome, RejectionReason } from '../../src/receiver/hit-pipeline.js';
import { load } from '../settings/helpers.js';
import { recordingLogger } from '../support/logger.js';

function lineSink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('the pino logger writes one JSON object per line: ISO time, level as a word, msg, fields at the top', () => {
  const sink = lineSink();
  const logger = createPinoLogger({ level: 'info', destination: sink.stream });
  logger.debug('hidden at info');
  logger.info('receiver listening', { port: 8080 });
  logger.warn('failed', { error: new Error('disk full'), file: 'a.task' });
  const [first, second, third] = sink.lines();
  assert.is(sink.lines().length, 2);
  assert.is(first?.['level'], 'info');
  assert.is(first?.['msg'], 'receiver listening');
  assert.is(first?.['port'], 8080);
  assert.match(String(first?.['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.is(second?.['level'], 'warn');
  assert.is(second?.['error'], 'disk full', 'errors are logged by their message');
  assert.is(second?.['file'], 'a.task');
  assert.is(third, undefined);
  assert.not.ok('pid' in (first ?? {}) || 'hostname' in (first ?? {}));
});

test('--debug and --trace levels open up the quieter lines', () => {
  for (const [level, expected] of [
    ['debug', ['debug', 'info']],
    ['trace', ['trace', 'debug', 'info']],
  ] as const) {
    const sink = lineSink();
    const logger = createPinoLogger({ level, destination: sink.stream });
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    assert.equal(
      sink.lines().map((l) => l['level']),
      [...expected],
    );
  }
});

test('a rejection reason is logged once per minute; the next line says how many were left out', () => {
  const logger = recordingLogger();
  let now = 1_000_000;
  const log = new RejectionLog(logger, 60_000, () => now);
  for (let i = 0; i < 500; i++) log.record('validation', `missing cid ${i}`, 400);
  log.record('protocol', 'bad query', 400);
  assert.is(logger.entries.length, 2, 'one line per reason');
  assert.equal(logger.entries[0]?.fields, { reason: 'validation', status: 400, message: 'missing cid 0' });
  now += 59_999;
  log.record('validation', 'still within the minute', 400);
  assert.is(logger.entries.length, 2);
  now += 1;
  log.record('validation', 'a minute later', 400);
  assert.is(logger.entries.length, 3);
  assert.equal(logger.entries[2]?.fields, { reason: 'validation', status: 400, message: 'a minute later', suppressed_since_last: 500 });
});

function rejected(reason: RejectionReason): Outcome {
  return { status: 400, headers: {}, body: 'Bad Request', hits: [], rejection: { reason, message: `${reason} problem` } };
}

test('the receiver hooks every command uses keep the rejection log, with monitoring off too', async () => {
  const logger = recordingLogger();
  const monitoring = await Monitoring.start(load({ yaml: 'server: {port: 18080}\n' }), logger, { role: 'receiver' });
  const hooks = monitoring.receiverHooks();
  for (let i = 0; i < 1000; i++) hooks.onOutcome(rejected('validation'), { rawQuery: '' });
  for (let i = 0; i < 10; i++) hooks.onOutcome(rejected('storage_full'), { rawQuery: '' });
  const lines = logger.entries.filter((e) => e.msg === 'request rejected');
  assert.equal(
    lines.map((e) => e.fields?.['reason']),
    ['validation', 'storage_full'],
  );
  await monitoring.stop();
});

test.run();
