import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, runCli, startCli, waitForHealthy } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { send } from '../support/http.js';

let work: string;
test.before.each(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-rawlog-'));
});
test.after.each(() => {
  rmSync(work, { recursive: true, force: true });
});

function config(name: string, extra: string): string {
  const dir = join(work, name);
  const path = join(work, `${name}.yaml`);
  writeFileSync(
    path,
    [
      `storage: {bolt_directory: ${join(dir, 'state')}, queue_directory: ${join(dir, 'queue')}, spool_directory: ${join(dir, 'spool')}}`,
      `warehouse: {driver: files, table: events, files: {storage: filesystem, format: csv, filesystem: {path: ${join(dir, 'out')}}}}`,
      extra,
      '',
    ].join('\n'),
  );
  return path;
}

test('the raw log records accepted requests in the replay format; replaying it twice gives the same rows and ids', async () => {
  const port = await freePort();
  const rawLog = join(work, 'raw.ndjson');
  const live = config('live', `server: {host: 127.0.0.1, port: ${port}}\nreceiver: {raw_log: {path: ${rawLog}}}`);
  const proc = startCli(['receiver', '--config', live], { cwd: work });
  await waitForHealthy(port, proc);
  const ua = { 'User-Agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15' };
  assert.is((await send(port, 'GET', '/g/collect?v=2&tid=G-1&cid=1.1&en=page_view&dl=https%3A%2F%2Fa.example%2F', { headers: ua })).status, 204);
  assert.is((await send(port, 'POST', '/g/collect?v=2&tid=G-1&cid=1.1&dl=https%3A%2F%2Fa.example%2Fb', { headers: ua, body: 'en=page_view\nen=scroll' })).status, 204);
  assert.is((await send(port, 'GET', '/g/collect?v=2&tid=G-1&en=page_view', { headers: ua })).status, 400);
  proc.child.kill('SIGTERM');
  assert.is((await proc.exited).code, 0);

  const lines = readFileSync(rawLog, 'utf8').trim().split('\n');
  assert.is(lines.length, 2, 'only accepted requests are logged');
  assert.is(JSON.parse(lines[1]!).body, 'en=page_view\nen=scroll');

  const summaries = [];
  const rowSets = [];
  for (const name of ['replay1', 'replay2']) {
    const r = await runCli(['replay', '--config', config(name, ''), rawLog], { cwd: work });
    assert.is(r.code, 0, r.stderr);
    summaries.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    rowSets.push(readCsvRows(join(work, name, 'out')).sort((a, b) => Number(a['session_hit_number']) - Number(b['session_hit_number'])));
  }
  assert.equal(summaries[0], { requests: 2, accepted: 2, hits: 3, rejected: 0, rejections: {}, sessions: 1, rows: 3 });
  assert.equal(summaries[1], summaries[0]);
  assert.equal(rowSets[0]!.map((r) => r['name']), ['page_view', 'page_view', 'scroll']);
  assert.equal(rowSets[0]!.map((r) => r['id']), rowSets[1]!.map((r) => r['id']), 'event ids are derived from the records');
  assert.equal(rowSets[0], rowSets[1]);
});

test('replay counts bad records and requests the receiver would refuse, and still exits 0', async () => {
  const file = join(work, 'mixed.ndjson');
  writeFileSync(
    file,
    [
      JSON.stringify({ at: '2025-06-02T10:00:00Z', method: 'GET', url: '/g/collect?v=2&tid=G&cid=c&en=page_view', headers: {}, ip: '10.0.0.1' }),
      'this is not json',
      JSON.stringify({ at: '2025-06-02T10:00:01Z', method: 'GET', url: '/g/collect?v=2&tid=G&en=page_view', headers: {}, ip: '10.0.0.1' }),
      JSON.stringify({ at: '2025-06-02T10:00:02Z', method: 'GET', url: '/nowhere', headers: {}, ip: '10.0.0.1' }),
      '',
    ].join('\n'),
  );
  const r = await runCli(['replay', '--config', config('mixed', ''), file], { cwd: work });
  assert.is(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.is(summary.requests, 4);
  assert.is(summary.accepted, 1);
  assert.is(summary.rejected, 3);
  assert.is(summary.rows, 1);
  assert.equal(Object.values(summary.rejections).reduce((a: number, b) => a + Number(b), 0), 3);
});

test('replay without a file or with a missing file exits 2', async () => {
  assert.is((await runCli(['replay', '--config', config('none', '')], { cwd: work })).code, 2);
  assert.is((await runCli(['replay', '--config', config('none2', ''), join(work, 'missing.ndjson')], { cwd: work })).code, 2);
});

test.run();
