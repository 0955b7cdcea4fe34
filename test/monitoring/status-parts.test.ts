import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hit } from '../../src/hits/hit.js';
import { DebugHub, type DebugEvent } from '../../src/monitoring/debug-hub.js';
import { queueFiles, spoolUsage } from '../../src/monitoring/disk-probes.js';
import { MonitoringServer } from '../../src/monitoring/monitoring-server.js';
import { WriteLedger } from '../../src/monitoring/metered-driver.js';
import { StatusReader } from '../../src/monitoring/status.js';
import { TrafficHistory } from '../../src/monitoring/traffic-history.js';
import { recordingLogger } from '../support/logger.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-status-parts-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

function hit(clientId: string, eventName = 'page_view'): Hit {
  return {
    id: `${clientId}-${eventName}`,
    authoritativeClientId: clientId,
    clientId,
    eventName,
    propertyId: 'shop',
    userId: null,
    metadata: { protocol: 'ga4' },
    request: {
      ip: '198.51.100.7',
      host: 'shop.example',
      serverReceivedTime: Date.UTC(2025, 5, 2, 10),
      queryParams: new Map([
        ['en', [eventName]],
        ['dl', ['https://shop.example/']],
      ]),
      body: new Uint8Array(0),
      path: '/g/collect',
      method: 'GET',
      headers: new Map([
        ['User-Agent', ['Firefox']],
        ['Cookie', ['secret=1']],
      ]),
    },
  };
}

test('traffic history: per-second counts over the window, old seconds forgotten', () => {
  let now = 1_000_000_000;
  const h = new TrafficHistory(5, () => now);
  h.recordHits(3);
  h.recordHits(2);
  h.recordRejected();
  now += 2000;
  h.recordHits(7);
  let s = h.series();
  assert.equal(s.hits, [0, 0, 5, 0, 7]);
  assert.equal(s.rejected, [0, 0, 1, 0, 0]);
  assert.is(s.start, 1_000_000 - 2);
  now += 4000;
  s = h.series();
  assert.equal(s.hits, [7, 0, 0, 0, 0], 'the first second has slid out');
  now += 10_000;
  h.recordRejected();
  assert.equal(h.series().hits, [0, 0, 0, 0, 0], 'a reused slot starts from zero');
});

test('debug hub: only watched client ids are captured, with their parsed fields and later their rows', () => {
  const hub = new DebugHub();
  hub.captureHits([hit('nobody')]);
  const seen: DebugEvent[] = [];
  const stop = hub.subscribe('42.1', (e) => seen.push(e));
  hub.captureHits([hit('42.1'), hit('7.7')]);
  hub.captureRows('events', [
    { client_id: '42.1', session_id: 's1', name: 'page_view', session_total_events: 1n, page_title: null },
    { client_id: '7.7', session_id: 's2' },
  ]);
  stop();
  assert.is(seen.length, 2);
  const first = seen[0]!;
  assert.is(first.kind, 'hit');
  if (first.kind === 'hit') {
    assert.is(first.hit.eventName, 'page_view');
    assert.equal(first.hit.params['dl'], ['https://shop.example/']);
    assert.equal(first.hit.headers, { 'User-Agent': 'Firefox' }, 'cookies stay out of the page');
    assert.is(first.hit.protocol, 'ga4');
  }
  const row = seen[1]!;
  assert.is(row.kind, 'row');
  if (row.kind === 'row') assert.equal(row.row, { client_id: '42.1', session_id: 's1', name: 'page_view', session_total_events: '1' });
  assert.is(hub.watch('42.1').length, 2, 'a page opened later gets what was captured');
  assert.equal(
    hub.recentClients().map((c) => c.clientId),
    ['42.1', 'nobody'],
  );
});

test('debug hub: a watch outlives its viewers for a while, then ends', () => {
  let now = 0;
  const hub = new DebugHub({ retainMs: 1000, now: () => now });
  hub.subscribe('a', () => undefined)();
  hub.captureHits([hit('a')]);
  now = 999;
  assert.equal(hub.watchedClientIds(), ['a']);
  now = 1000;
  assert.equal(hub.watchedClientIds(), []);
});

test('disk probes: queue depth and dead letters; spool folders with their bytes and quarantined files', async () => {
  const queue = join(work, 'queue');
  mkdirSync(join(queue, 'dead-letter'), { recursive: true });
  writeFileSync(join(queue, '0001.task'), 'x');
  writeFileSync(join(queue, '0002.task'), 'x');
  writeFileSync(join(queue, '0003.task.tmp'), 'x');
  writeFileSync(join(queue, 'dead-letter', '0000.task'), 'x');
  writeFileSync(join(queue, 'dead-letter', '0000.task.reason'), 'why');
  assert.equal(await queueFiles(queue), { depth: 2, deadLetters: 1 });
  assert.equal(await queueFiles(join(work, 'missing')), { depth: 0, deadLetters: 0 });

  const spool = join(work, 'spool');
  mkdirSync(join(spool, 'sessionwriter'), { recursive: true });
  mkdirSync(join(spool, 'warehouse', 'files', 'spool'), { recursive: true });
  writeFileSync(join(spool, 'sessionwriter', 'shop.spool'), Buffer.alloc(100));
  writeFileSync(join(spool, 'sessionwriter', 'shop.spool.inflight.00000000000000000001.quarantine'), Buffer.alloc(50));
  writeFileSync(join(spool, 'sessionwriter', 'notes.txt'), Buffer.alloc(999));
  writeFileSync(join(spool, 'warehouse', 'files', 'spool', 'events.spool.inflight.00000000000000000002'), Buffer.alloc(10));
  assert.equal(await spoolUsage(spool), [
    { dir: 'sessionwriter', bytes: 150, files: 2, quarantinedFiles: 1, quarantinedBytes: 50 },
    { dir: join('warehouse', 'files', 'spool'), bytes: 10, files: 1, quarantinedFiles: 0, quarantinedBytes: 0 },
  ]);
});

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('monitoring server: the page with its cookie and policy, the snapshot, the event stream', async () => {
  const ledger = new WriteLedger();
  ledger.record('events', 3, Date.UTC(2025, 5, 2));
  const hub = new DebugHub();
  const reader = new StatusReader({
    role: 'server',
    version: '9.9.9',
    startedAt: Date.now(),
    traffic: new TrafficHistory(),
    engine: { openProtoSessions: () => 12, oldestOpenProtoSessionAgeMs: () => 5000, now: () => Date.now() - 2000 },
    queueDirectory: join(work, 'queue'),
    spoolDirectory: join(work, 'spool'),
    writes: ledger,
    hub,
  });
  const server = new MonitoringServer({ host: '127.0.0.1', port: 0, role: 'server', version: '9.9.9', status: reader, hub, metrics: null, logger: recordingLogger() });
  const { port } = await server.listen();
  try {
    const page = await get(port, '/status?debug_cid=42.1');
    assert.is(page.status, 200);
    assert.match(String(page.headers['set-cookie']), /^cairn_debug_cid=42\.1; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'nonce-/);
    assert.match(page.body, /"debugClientId":"42.1"/);
    const remembered = await get(port, '/status', { Cookie: 'other=1; cairn_debug_cid=42.1' });
    assert.match(remembered.body, /"debugClientId":"42.1"/, 'the cookie brings the client id back');
    const hostile = await get(port, `/status?debug_cid=${encodeURIComponent('</script><script>alert(1)</script>')}`);
    assert.not.match(hostile.body, /<\/script><script>alert/, 'a client id cannot close the script element');

    const snapshot = JSON.parse((await get(port, '/status.json')).body) as Record<string, unknown>;
    assert.is(snapshot['role'], 'server');
    assert.equal(snapshot['protoSessions'], { open: 12, oldestAgeSeconds: 5, hitTimeClock: (snapshot['protoSessions'] as { hitTimeClock: string }).hitTimeClock, lagSeconds: (snapshot['protoSessions'] as { lagSeconds: number }).lagSeconds });
    assert.equal(snapshot['queue'], { depth: 0, deadLetters: 0 });
    assert.equal((snapshot['writes'] as unknown[]).length, 1);
    assert.is(((snapshot['traffic'] as { hits: number[] }).hits).length, 900);

    assert.is((await get(port, '/metrics')).status, 404, 'no Prometheus reader in this process');
    assert.is((await get(port, '/debug/events')).status, 400);

    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/debug/events?cid=42.1', agent: false }, (res) => {
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        res.on('data', (c: Buffer) => {
          events.push(c.toString());
          if (events.join('').includes('event: debug')) {
            req.destroy();
            resolve();
          }
        });
        setTimeout(() => hub.captureHits([hit('42.1', 'purchase')]), 20);
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(events.join(''), /"eventName":"purchase"/);
  } finally {
    await server.close();
  }
});

test.run();
