import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import { waitFor, workDirPerTest } from '../support/work-dir.js';
import * as assert from 'uvu/assert';
import { freePort, startCli, waitForHealthy } from '../support/cli.js';
import { readCsvRows } from '../support/csv.js';
import { csvFilesWarehouse, storageUnder } from '../support/config.js';

/** The part of the `matomo-tracker` package (Matomo's Node client, CommonJS, untyped) this test uses. */
interface MatomoTrackerClient {
  on(event: 'error', listener: (err: unknown) => void): void;
  track(options: Record<string, string | number>): void;
  trackBulk(events: Record<string, string | number>[], callback: (body: string) => void): void;
}

type MatomoTrackerConstructor = new (siteId: number, trackerUrl: string, noUrlValidation?: boolean) => MatomoTrackerClient;

function loadMatomoTracker(): MatomoTrackerConstructor {
  const loaded: unknown = createRequire(import.meta.url)('matomo-tracker');
  if (typeof loaded !== 'function') throw new Error('matomo-tracker did not export a constructor');
  return loaded as MatomoTrackerConstructor;
}

const dir = workDirPerTest(test, 'cairn-e2e-matomo');


test('matomo-tracker (Matomo\'s Node client) against cairn server: its visits become sessions in the CSV', async () => {
  const work = dir.path;
  const port = await freePort();
  const out = join(work, 'out');
  writeFileSync(
    join(work, 'config.yaml'),
    [
      'protocol: matomo',
      'server: {host: 127.0.0.1, port: ' + port + '}',
      // Every request of this test comes from one process (same IP, same headers), so joining
      // by the computed session stamp would merge all visitors into one session.
      'sessions: {timeout: 2s, join_by_session_stamp: false}',
      'receiver: {batch_timeout: 200ms}',
      'matomo: {tracking_endpoints: [/analytics/track]}',
      storageUnder(work),
      csvFilesWarehouse(out, '1s'),
      '',
    ].join('\n'),
  );
  const proc = startCli(['server', '--config', join(work, 'config.yaml')], { cwd: work });
  try {
    await waitForHealthy(port, proc);
    const MatomoTracker = loadMatomoTracker();
    const errors: unknown[] = [];
    const matomo = new MatomoTracker(7, `http://127.0.0.1:${port}/matomo.php`);
    matomo.on('error', (err) => errors.push(err));

    // A visitor with the client's cookie id and a user id: a page view, then an event.
    matomo.track({ url: 'https://app.example/home', action_name: 'Home', _id: '0a1b2c3d4e5f6071', uid: 'user-17', _idn: 0, res: '1280x800', lang: 'nl-NL' });
    await new Promise((r) => setTimeout(r, 300));
    matomo.track({ url: 'https://app.example/pricing', e_c: 'Pricing', e_a: 'Toggle yearly', e_v: 1, _id: '0a1b2c3d4e5f6071', uid: 'user-17' });
    // A server-side call without any visitor id: Cairn derives one from the request.
    matomo.track({ url: 'https://app.example/api-doc', action_name: 'API docs' });
    // A bulk of two for another visitor: a page view and a site search.
    const bulkBody = await new Promise<string>((resolve) =>
      matomo.trackBulk(
        [
          { url: 'https://app.example/blog', action_name: 'Blog', _id: 'ffeeddccbbaa9988' },
          { url: 'https://app.example/blog?s=sessions', search: 'sessions', search_count: 4, _id: 'ffeeddccbbaa9988' },
        ],
        resolve,
      ),
    );
    assert.is(bulkBody, '', 'a bulk request that does not ask for JSON gets 204');
    // The Node client also accepts a renamed endpoint when told not to check the URL.
    const renamed = new MatomoTracker(7, `http://127.0.0.1:${port}/analytics/track`, true);
    renamed.on('error', (err) => errors.push(err));
    renamed.track({ url: 'https://app.example/download', download: 'https://app.example/app.dmg', _id: '1111222233334444' });

    const rows = await waitFor('six rows in the CSV', () => {
      const rows = readCsvRows(out);
      return rows.length >= 6 ? rows : undefined;
    }, 30_000);
    assert.equal(errors, [], 'the client saw no error status');
    proc.child.kill('SIGTERM');
    assert.is((await proc.exited).code, 0, proc.stderr());

    assert.is(rows.length, 6);
    for (const r of rows) {
      assert.is(r['tracking_protocol'], 'matomo');
      assert.is(r['params_site_id'], '7');
      assert.is(r['property_id'], 'default');
    }
    const byClient = new Map<string, Record<string, string>[]>();
    for (const r of rows) byClient.set(r['client_id']!, [...(byClient.get(r['client_id']!) ?? []), r]);
    const ordered = (id: string): Record<string, string>[] => (byClient.get(id) ?? []).sort((a, b) => Number(a['session_hit_number']) - Number(b['session_hit_number']));

    const user = ordered('0a1b2c3d4e5f6071');
    assert.equal(user.map((r) => r['name']), ['page_view', 'custom_event']);
    assert.is(user[0]!['session_id'], user[1]!['session_id']);
    assert.is(user[0]!['user_id'], 'user-17');
    assert.is(user[0]!['page_title'], 'Home');
    assert.is(user[0]!['device_language'], 'nl-NL');
    assert.is(user[0]!['device_screen_resolution'], '1280x800');
    assert.is(user[1]!['params_category'], 'Pricing');
    assert.is(user[1]!['params_action'], 'Toggle yearly');
    assert.is(user[0]!['session_returning_user'], 'true');
    assert.is(user[0]!['session_total_page_views'], '1');

    const bulk = ordered('ffeeddccbbaa9988');
    assert.equal(bulk.map((r) => r['name']), ['page_view', 'site_search']);
    assert.is(bulk[1]!['params_search_term'], 'sessions');
    assert.is(bulk[1]!['params_search_count'], '4');
    assert.is(bulk[0]!['session_total_site_searches'], '1');
    assert.is.not(bulk[0]!['session_id'], user[0]!['session_id']);

    assert.equal(ordered('1111222233334444').map((r) => r['name']), ['download']);
    assert.is(ordered('1111222233334444')[0]!['params_download_url'], 'https://app.example/app.dmg');

    const anonymous = rows.filter((r) => r['page_title'] === 'API docs');
    assert.is(anonymous.length, 1);
    assert.match(anonymous[0]!['client_id']!, /^[0-9a-f]{16}$/, 'a derived visitor id');
  } finally {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  }
});

test.run();
