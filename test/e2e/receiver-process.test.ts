import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstParam, type Hit } from '../../src/hits/hit.js';
import { decodeHitsTask, isPing } from '../../src/queue/hits-task.js';
import { deserializeTask } from '../../src/queue/message-format.js';
import { freePort, runCli, startCli, waitForHealthy } from '../support/cli.js';
import { send } from '../support/http.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

function queuedHits(queueDir: string): Hit[] {
  const hits: Hit[] = [];
  for (const name of readdirSync(queueDir).filter((n) => n.endsWith('.task')).sort()) {
    const task = deserializeTask(readFileSync(join(queueDir, name)));
    if (!isPing(task)) hits.push(...decodeHitsTask(task));
  }
  return hits;
}

for (const backend of ['memory', 'filesystem']) {
  test(`cairn receiver (${backend} batching): GA4 GET and multi-event POST end as hits in the queue folder`, async () => {
    const port = await freePort();
    const queue = join(work, 'queue');
    writeFileSync(
      join(work, 'config.yaml'),
      `server:\n  host: 127.0.0.1\n  port: ${port}\nstorage:\n  queue_directory: ${queue}\nreceiver:\n  batching_backend: ${backend}\n  batch_timeout: 100ms\n`,
    );
    const proc = startCli(['receiver', '--config', join(work, 'config.yaml')], { cwd: work });
    await waitForHealthy(port, proc);
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    let r = await send(port, 'GET', '/g/collect?v=2&tid=G-E2E&cid=111.222&en=page_view&dl=https%3A%2F%2Fshop.example%2F&dt=Home&uid=u-1', {
      headers: { 'User-Agent': ua, 'Accept-Language': 'pl-PL' },
    });
    assert.is(r.status, 204);
    r = await send(port, 'POST', '/g/collect?v=2&tid=G-E2E&cid=111.222&dl=https%3A%2F%2Fshop.example%2Fcart&sid=99&sct=2', {
      headers: { 'User-Agent': ua, Origin: 'https://shop.example', 'Content-Type': 'text/plain;charset=UTF-8' },
      body: 'en=view_cart&_et=120&epn.value=19.99\nen=scroll&epn.percent_scrolled=90',
    });
    assert.is(r.status, 204);
    r = await send(port, 'GET', '/g/collect?v=2&tid=G-E2E&en=page_view');
    assert.is(r.status, 400);
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited;
    assert.is(code, 0, proc.stderr());

    const hits = queuedHits(queue);
    assert.equal(hits.map((h) => h.eventName), ['page_view', 'view_cart', 'scroll']);
    const [pv, cart, scroll] = hits as [Hit, Hit, Hit];
    assert.is(pv.clientId, '111.222');
    assert.is(pv.userId, 'u-1');
    assert.is(pv.propertyId, 'default');
    assert.is(pv.metadata['protocol'], 'ga4');
    assert.is(pv.request.method, 'GET');
    assert.is(pv.request.ip, '127.0.0.1');
    assert.is(pv.request.host, `127.0.0.1:${port}`);
    assert.equal(pv.request.headers.get('User-Agent'), [ua]);
    assert.equal(pv.request.headers.get('Accept-Language'), ['pl-PL']);
    assert.is(firstParam(pv.request.queryParams, 'dl'), 'https://shop.example/');
    assert.is(firstParam(pv.request.queryParams, 'dt'), 'Home');
    assert.is(cart.request.method, 'POST');
    assert.is(firstParam(cart.request.queryParams, 'epn.value'), '19.99');
    assert.is(firstParam(cart.request.queryParams, 'sct'), '2');
    assert.is(firstParam(scroll.request.queryParams, 'epn.percent_scrolled'), '90');
    assert.is(firstParam(scroll.request.queryParams, 'dl'), 'https://shop.example/cart');
    assert.is(cart.request.serverReceivedTime, scroll.request.serverReceivedTime);
    assert.ok(pv.request.serverReceivedTime <= cart.request.serverReceivedTime);
    assert.is(Buffer.from(scroll.request.body).toString(), 'en=view_cart&_et=120&epn.value=19.99\nen=scroll&epn.percent_scrolled=90');
    assert.is(new Set(hits.map((h) => h.id)).size, 3);
  });
}

test('an invalid configuration exits 2 before binding the port, naming every bad key', async () => {
  const port = await freePort();
  writeFileSync(join(work, 'config.yaml'), `server:\n  port: ${port}\nreceiver:\n  batch_size: lots\nsesions:\n  timeout: 5s\n`);
  const run = runCli(['receiver', '-c', join(work, 'config.yaml')], { cwd: work });
  const { code, stderr } = await run;
  assert.is(code, 2);
  assert.match(stderr, 'receiver.batch_size');
  assert.match(stderr, 'lots');
  assert.match(stderr, 'sesions');
  assert.match(stderr, 'sessions');
});

test('a taken port exits 3', async () => {
  const port = await freePort();
  const first = startCli(['receiver', '--server-host', '127.0.0.1', '--server-port', String(port), '--storage-queue-directory', join(work, 'q1')], { cwd: work });
  await waitForHealthy(port, first);
  const second = await runCli(['receiver', '--server-host', '127.0.0.1', '--server-port', String(port), '--storage-queue-directory', join(work, 'q2')], { cwd: work });
  assert.is(second.code, 3, second.stderr);
  first.child.kill('SIGTERM');
  assert.is((await first.exited).code, 0);
});

test('--help on every command exits 0 and names the command', async () => {
  for (const cmd of [[], ['server'], ['receiver'], ['config-docs']]) {
    const r = await runCli([...cmd, '--help'], { cwd: work });
    assert.is(r.code, 0, cmd.join(' '));
    assert.match(r.stdout, cmd.length ? `cairn ${cmd[0]}` : 'Usage: cairn');
  }
  const v = await runCli(['--version'], { cwd: work });
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
});

test('config-docs prints every key with its flag and env name', async () => {
  const r = await runCli(['config-docs', '--markdown'], { cwd: work });
  assert.is(r.code, 0);
  assert.match(r.stdout, 'server.port');
  assert.match(r.stdout, '--server-port');
  assert.match(r.stdout, 'SERVER_PORT');
  assert.match(r.stdout, 'telemetry.url');
});

test.run();
