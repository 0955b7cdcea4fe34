import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FilesystemConsumer,
  FilesystemPublisher,
  TaskNamer,
  compareTaskNames,
  listTaskFiles,
  queueDepth,
} from '../../src/queue/filesystem/index.js';
import { deserializeTask, serializeTask } from '../../src/queue/message-format.js';
import { DropTaskError, type Task } from '../../src/queue/task.js';
import { recordingLogger, tempDir, waitFor } from './helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function task(label: string): Task {
  return { type: 'test', headers: { task_id: label }, body: enc.encode(label) };
}

/** Runs a consumer until `count` tasks were handled, then stops it. */
async function consumeAll(dir: string, count: number, options: ConstructorParameters<typeof FilesystemConsumer>[1] = {}): Promise<string[]> {
  const consumer = new FilesystemConsumer(dir, options);
  const seen: string[] = [];
  const done = consumer.consume(async (t) => {
    seen.push(dec.decode(t.body));
  });
  await waitFor(() => seen.length >= count, 20_000);
  await consumer.stop();
  await done;
  return seen;
}

test('names are unique and sort in generation order, even on a frozen clock with a shared pid', () => {
  const frozen = (): bigint => 1_700_000_000_000_000_000n;
  const a = new TaskNamer({ nowNs: frozen, pid: 1 });
  const b = new TaskNamer({ nowNs: frozen, pid: 1 });
  const fromA: string[] = [];
  const fromB: string[] = [];
  for (let i = 0; i < 1000; i++) {
    fromA.push(a.next());
    fromB.push(b.next());
  }
  assert.is(new Set([...fromA, ...fromB]).size, 2000);
  assert.equal([...fromA].sort(compareTaskNames), fromA);
  assert.equal([...fromB].sort(compareTaskNames), fromB);
  const real = new TaskNamer();
  const names = Array.from({ length: 1000 }, () => real.next());
  assert.equal([...names].sort(compareTaskNames), names);
  assert.equal([...names].sort(), names, 'plain text order agrees too');
});

test('the reference\'s <unixnano>.task names order by number among ours', () => {
  const ours = new TaskNamer({ nowNs: () => 1_700_000_000_000_000_500n, pid: 3 }).next() + '.task';
  const names = ['1700000000000000900.task', ours, '1700000000000000100.task', 'garbage.task'];
  assert.equal(names.sort(compareTaskNames), ['garbage.task', '1700000000000000100.task', ours, '1700000000000000900.task']);
});

test('publish writes a complete .task file and leaves no .tmp behind', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(join(dir, 'nested', 'queue'));
    assert.ok(await pub.ready());
    await pub.publish(task('one'));
    const files = readdirSync(pub.dir);
    assert.is(files.length, 1);
    assert.match(files[0]!, /^\d{20}-\d{10}-\d{12}-[a-z2-7]{6}\.task$/);
    assert.equal(deserializeTask(readFileSync(join(pub.dir, files[0]!))), task('one'));
    assert.is(await queueDepth(pub.dir), 1);
    await pub.close();
    assert.not.ok(await pub.ready());
    let closedError: unknown;
    await pub.publish(task('late')).catch((e: unknown) => (closedError = e));
    assert.instance(closedError, Error);
  } finally {
    cleanup();
  }
});

test('ready() is false when the directory is gone', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(join(dir, 'q'));
    rmSync(join(dir, 'q'), { recursive: true });
    assert.not.ok(await pub.ready());
    assert.is(await queueDepth(join(dir, 'q')), 0);
  } finally {
    cleanup();
  }
});

test('1,000 tasks from two publishers on one frozen millisecond: none lost, each publisher in order', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const frozen = (): bigint => 1_700_000_000_000_000_000n;
    const a = new FilesystemPublisher(dir, { namer: new TaskNamer({ nowNs: frozen, pid: 1 }) });
    const b = new FilesystemPublisher(dir, { namer: new TaskNamer({ nowNs: frozen, pid: 1 }) });
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) {
      pending.push(a.publish(task(`a-${i}`)), b.publish(task(`b-${i}`)));
    }
    await Promise.all(pending);
    assert.is((await listTaskFiles(dir)).length, 1000);
    const seen = await consumeAll(dir, 1000);
    assert.is(seen.length, 1000);
    assert.equal(seen.filter((s) => s.startsWith('a-')), Array.from({ length: 500 }, (_, i) => `a-${i}`));
    assert.equal(seen.filter((s) => s.startsWith('b-')), Array.from({ length: 500 }, (_, i) => `b-${i}`));
    assert.is(await queueDepth(dir), 0);
  } finally {
    cleanup();
  }
});

test('two processes publishing at once: none lost, each process in order', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const moduleUrl = new URL('../../src/queue/filesystem/publisher.js', import.meta.url).href;
    const script = `
      import { FilesystemPublisher } from ${JSON.stringify(moduleUrl)};
      const pub = new FilesystemPublisher(process.argv[1]);
      const enc = new TextEncoder();
      const all = [];
      for (let i = 0; i < 500; i++) all.push(pub.publish({ type: 'test', headers: {}, body: enc.encode('child-' + i) }));
      await Promise.all(all);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    const childDone = new Promise<number | null>((resolve) => child.on('close', resolve));
    const pub = new FilesystemPublisher(dir);
    const mine: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) mine.push(pub.publish(task(`parent-${i}`)));
    await Promise.all(mine);
    assert.is(await childDone, 0);
    const seen = await consumeAll(dir, 1000);
    assert.is(new Set(seen).size, 1000);
    assert.equal(seen.filter((s) => s.startsWith('parent-')), Array.from({ length: 500 }, (_, i) => `parent-${i}`));
    assert.equal(seen.filter((s) => s.startsWith('child-')), Array.from({ length: 500 }, (_, i) => `child-${i}`));
  } finally {
    cleanup();
  }
});

test('empty task files are removed; .tmp files are never read nor removed', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    writeFileSync(join(dir, '00000000000000000001-empty.task'), '');
    writeFileSync(join(dir, '00000000000000000000-partial.tmp'), serializeTask(task('partial')));
    writeFileSync(join(dir, '00000000000000000002-good.task'), serializeTask(task('good')));
    const seen = await consumeAll(dir, 1);
    assert.equal(seen, ['good']);
    assert.equal(readdirSync(dir).sort(), ['00000000000000000000-partial.tmp']);
  } finally {
    cleanup();
  }
});

test('a corrupt task is dead-lettered with its reason and the next task still runs', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const bad = '00000000000000000001-bad.task';
    writeFileSync(join(dir, bad), Uint8Array.from([40, 1, 2]));
    writeFileSync(join(dir, '00000000000000000002-next.task'), serializeTask(task('next')));
    const logger = recordingLogger();
    const seen = await consumeAll(dir, 1, { logger });
    assert.equal(seen, ['next']);
    assert.ok(existsSync(join(dir, 'dead-letter', bad)));
    const reason = readFileSync(join(dir, 'dead-letter', bad + '.reason'), 'utf8');
    assert.match(reason, /cannot deserialize task: message too short for its 40-byte task type/);
    assert.equal(await listTaskFiles(dir), []);
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('dead letters')));
  } finally {
    cleanup();
  }
});

test('a DropTaskError from the handler dead-letters the task; others continue', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(dir);
    await pub.publish(task('poison'));
    await pub.publish(task('fine'));
    const consumer = new FilesystemConsumer(dir);
    const handled: string[] = [];
    const done = consumer.consume(async (t) => {
      const label = dec.decode(t.body);
      if (label === 'poison') throw new DropTaskError('cannot use this one');
      handled.push(label);
    });
    await waitFor(() => handled.length === 1);
    await consumer.stop();
    await done;
    const dl = readdirSync(join(dir, 'dead-letter')).sort();
    assert.is(dl.length, 2);
    assert.match(readFileSync(join(dir, 'dead-letter', dl.find((n) => n.endsWith('.reason'))!), 'utf8'), /handler dropped task: cannot use this one/);
    assert.equal(handled, ['fine']);
  } finally {
    cleanup();
  }
});

test('a failing handler is retried with back-off and holds back later tasks', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(dir);
    await pub.publish(task('flaky'));
    await pub.publish(task('after'));
    const consumer = new FilesystemConsumer(dir, { retryInitialMs: 20, retryMaxMs: 40 });
    const calls: { label: string; at: number }[] = [];
    const done = consumer.consume(async (t) => {
      const label = dec.decode(t.body);
      calls.push({ label, at: Date.now() });
      if (label === 'flaky' && calls.length < 4) throw new Error('warehouse down');
    });
    await waitFor(() => calls.some((c) => c.label === 'after'));
    await consumer.stop();
    await done;
    assert.equal(calls.map((c) => c.label), ['flaky', 'flaky', 'flaky', 'flaky', 'after']);
    const gaps = calls.slice(1, 4).map((c, i) => c.at - calls[i]!.at);
    assert.ok(gaps[0]! >= 15 && gaps[1]! >= 35 && gaps[2]! >= 35, `back-off gaps ${gaps.join(',')}`);
    assert.is(await queueDepth(dir), 0);
  } finally {
    cleanup();
  }
});

test('stop() lets the task in hand finish, then consume() resolves', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(dir);
    await pub.publish(task('slow'));
    await pub.publish(task('never'));
    const consumer = new FilesystemConsumer(dir);
    let release: () => void = () => {};
    const started: string[] = [];
    let finished = false;
    const done = consumer.consume(async (t) => {
      started.push(dec.decode(t.body));
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    await waitFor(() => started.length === 1);
    const stopped = consumer.stop();
    release();
    await stopped;
    await done;
    assert.ok(finished);
    assert.equal(started, ['slow']);
    assert.is(await queueDepth(dir), 1);
    let again: unknown;
    await consumer.consume(async () => {}).catch((e: unknown) => (again = e));
    assert.instance(again, Error);
  } finally {
    cleanup();
  }
});

test('an idle consumer stops promptly', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const consumer = new FilesystemConsumer(dir, { pollIntervalMs: 10_000 });
    const done = consumer.consume(async () => {});
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await consumer.stop();
    await done;
    assert.ok(Date.now() - t0 < 1000);
  } finally {
    cleanup();
  }
});

test('the test file location is what the child process expects', () => {
  assert.ok(existsSync(fileURLToPath(new URL('../../src/queue/filesystem/publisher.js', import.meta.url))));
});

test('with two tasks in flight the next task is handed over while the first finishes; each is removed only once it has', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(dir);
    for (const label of ['a', 'b', 'c']) await pub.publish(task(label));
    const names = await listTaskFiles(dir);
    const consumer = new FilesystemConsumer(dir, { maxInFlight: 2 });
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const done = consumer.consume(async (t) => {
      const label = dec.decode(t.body);
      started.push(label);
      await new Promise<void>((r) => finish.set(label, r));
    });
    await waitFor(() => started.length === 2);
    assert.equal(started, ['a', 'b'], 'b is handed over before a has finished, c is not');
    assert.equal(await listTaskFiles(dir), names);
    finish.get('b')!();
    await waitFor(() => !existsSync(join(dir, names[1]!)));
    assert.ok(existsSync(join(dir, names[0]!)), 'a is still in hand');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(started, ['a', 'b'], 'c waits until a, the oldest in flight, has finished');
    finish.get('a')!();
    await waitFor(() => started.length === 3);
    assert.equal(started, ['a', 'b', 'c']);
    assert.equal(await listTaskFiles(dir), [names[2]!]);
    const stopped = consumer.stop();
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(existsSync(join(dir, names[2]!)), 'stop waits for the task in flight');
    finish.get('c')!();
    await stopped;
    await done;
    assert.is(await queueDepth(dir), 0);
  } finally {
    cleanup();
  }
});

test('with two tasks in flight a failed task stays and comes again before the tasks not yet handed over', async () => {
  const { dir, cleanup } = tempDir('fsq');
  try {
    const pub = new FilesystemPublisher(dir);
    for (const label of ['flaky', 'next', 'last']) await pub.publish(task(label));
    const consumer = new FilesystemConsumer(dir, { maxInFlight: 2, retryInitialMs: 10, retryMaxMs: 20 });
    const calls: string[] = [];
    let failures = 0;
    const done = consumer.consume(async (t) => {
      const label = dec.decode(t.body);
      calls.push(label);
      if (label === 'flaky' && failures++ === 0) throw new Error('disk busy');
    });
    await waitFor(() => calls.includes('last'));
    await consumer.stop();
    await done;
    // `next` was handed over with `flaky` and finished; `flaky` came again before `last`.
    assert.equal(calls, ['flaky', 'next', 'flaky', 'last']);
    assert.is(await queueDepth(dir), 0);
  } finally {
    cleanup();
  }
});

test.run();
