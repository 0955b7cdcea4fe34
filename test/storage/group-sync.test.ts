import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupSync } from '../../src/storage/group-sync.js';
import { settle } from '../queue/helpers.js';

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'resolved';
}

/** A flush that waits until the test lets it end, recording each start. */
function controlledFlush() {
  const ends: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      ends.push({ resolve, reject });
    });
  return { flush, ends };
}

test('callers during a running flush share the one after it, which starts once it ends', async () => {
  const { flush, ends } = controlledFlush();
  const sync = new GroupSync(flush);
  const order: string[] = [];
  const first = sync.sync().then(() => order.push('first'));
  await settle();
  assert.is(ends.length, 1);
  // These come after the first flush started: it may not cover their writes.
  const second = sync.sync().then(() => order.push('second'));
  const third = sync.sync().then(() => order.push('third'));
  await settle();
  assert.is(ends.length, 1, 'no second flush while one runs');
  ends[0]!.resolve();
  await first;
  await settle();
  assert.equal(order, ['first']);
  assert.is(ends.length, 2, 'one more flush for both waiting callers');
  ends[1]!.resolve();
  await Promise.all([second, third]);
  assert.equal(order, ['first', 'second', 'third']);
  assert.is(sync.flushCount, 2);
  // Idle again: the next call starts a flush at once.
  const fourth = sync.sync();
  await settle();
  assert.is(ends.length, 3);
  ends[2]!.resolve();
  await fourth;
});

test('a failed flush fails its own callers only; callers waiting behind it get a flush of their own', async () => {
  const { flush, ends } = controlledFlush();
  const sync = new GroupSync(flush);
  const first = sync.sync();
  await settle();
  const second = sync.sync();
  ends[0]!.reject(new Error('EIO'));
  assert.is(await rejection(first), 'EIO');
  await settle();
  assert.is(ends.length, 2);
  ends[1]!.resolve();
  await second;
});

test('a flush that throws at once rejects its callers instead of throwing from sync()', async () => {
  let calls = 0;
  const sync = new GroupSync(() => {
    calls++;
    throw new Error('no file');
  });
  let thrown: unknown;
  let result: Promise<void> | undefined;
  try {
    result = sync.sync();
  } catch (err) {
    thrown = err;
  }
  assert.is(thrown, undefined);
  assert.is(await rejection(result!), 'no file');
  assert.is(calls, 1);
  await sync.sync().catch(() => undefined);
  assert.is(calls, 2, 'the next call tries again');
});

test.run();
