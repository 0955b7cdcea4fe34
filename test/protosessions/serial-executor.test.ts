import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialExecutor } from '../../src/protosessions/serial-executor.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('steps run one at a time in call order, even when an earlier one awaits', async () => {
  const ex = new SerialExecutor();
  const log: string[] = [];
  const slow = ex.run(async () => {
    log.push('slow start');
    await tick();
    await tick();
    log.push('slow end');
    return 1;
  });
  const fast = ex.run(() => {
    log.push('fast');
    return 2;
  });
  assert.is(ex.size, 2);
  assert.equal(await Promise.all([slow, fast]), [1, 2]);
  assert.equal(log, ['slow start', 'slow end', 'fast']);
  assert.is(ex.size, 0);
});

test('a failing step rejects its own promise and does not stop the next', async () => {
  const ex = new SerialExecutor();
  const failing = ex.run(() => {
    throw new Error('boom');
  });
  const after = ex.run(async () => 'still runs');
  let caught: unknown;
  try {
    await failing;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error);
  assert.is(await after, 'still runs');
});

test('idle waits for every step queued so far', async () => {
  const ex = new SerialExecutor();
  let done = false;
  void ex.run(async () => {
    await tick();
    done = true;
  });
  await ex.idle();
  assert.ok(done);
});

test.run();
