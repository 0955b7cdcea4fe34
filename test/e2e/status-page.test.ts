import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, startCli, waitForHealthy, type CliProcess } from '../support/cli.js';
import { send } from '../support/http.js';
import { writeQuickServerConfig } from '../support/config.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots go outside the repository; the test prints where. */
const SCREENSHOTS = join(tmpdir(), 'cairn-status-screenshots');

const browserAgent = (variant: number | string): Record<string, string> => ({
  // A distinct user agent per visitor gives each a distinct session stamp, as distinct people would have.
  'User-Agent': `Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0.${variant}`,
});

let work: string;
let proc: CliProcess | undefined;
let context: BrowserContext | undefined;

test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'cairn-e2e-status-'));
});
test.after(async () => {
  await context?.close().catch(() => undefined);
  if (proc !== undefined && proc.child.exitCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  rmSync(work, { recursive: true, force: true });
});

async function startServer(): Promise<{ port: number; monitoringPort: number }> {
  const port = await freePort();
  const monitoringPort = await freePort();
  writeQuickServerConfig(work, port, [`monitoring: {port: ${monitoringPort}}`, 'warehouse: {driver: noop}']);
  proc = startCli(['server', '--config', join(work, 'config.yaml')], { cwd: work });
  await waitForHealthy(port, proc);
  return { port, monitoringPort };
}

async function openBrowser(): Promise<Page> {
  const profile = join(work, 'chromium-profile');
  mkdirSync(profile);
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 1400 } });
  return context.pages()[0] ?? (await context.newPage());
}

/**
 * Sends GA4 hits at a fixed average rate over keep-alive connections for a bounded time, each
 * from its own visitor. A tick that comes late sends what the schedule says is due, so a busy
 * test machine still offers the full count. Resolves with how many were answered, how many were
 * not 204, and the seconds it took.
 */
async function load(port: number, perSecond: number, seconds: number): Promise<{ sent: number; failed: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const total = perSecond * seconds;
  let sent = 0;
  let failed = 0;
  let issued = 0;
  const pending = new Set<Promise<void>>();
  const started = Date.now();
  const issue = (id: number): void => {
    const p = new Promise<void>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, agent, path: `/g/collect?v=2&tid=G-LOAD&cid=load.${id}&en=page_view&dl=https%3A%2F%2Fshop.example%2Fp${id % 50}`, headers: browserAgent(id) },
        (res) => {
          res.resume();
          res.on('end', () => {
            sent++;
            if (res.statusCode !== 204) failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
    pending.add(p);
    void p.then(() => pending.delete(p));
  };
  while (issued < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) * perSecond) / 1000));
    while (issued < due) issue(issued++);
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  agent.destroy();
  return { sent, failed, seconds: (Date.now() - started) / 1000 };
}

async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? '';
}

/**
 * Polls from the test side. (The page's Content-Security-Policy forbids evaluating strings,
 * which is what Playwright's waitForFunction does with one, and the policy stays on here.)
 */
async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the status page shows the pipeline, follows a client live, shows its rows, and stays usable at 1,000 hits/s', async () => {
  const { port, monitoringPort } = await startServer();
  const page = await openBrowser();
  const base = `http://127.0.0.1:${monitoringPort}`;

  // The debug view is opened for a client id through ?debug_cid=, which also sets the cookie.
  await page.goto(`${base}/status?debug_cid=555.1`);
  await page.getByTestId('debug-state').filter({ hasText: 'following 555.1' }).waitFor({ timeout: 10_000 });
  const cookies = await context!.cookies(base);
  assert.ok(cookies.some((c) => c.name === 'cairn_debug_cid' && c.value === '555.1' && c.httpOnly), 'the client id is remembered in a cookie');
  await page.getByTestId('last-update').filter({ hasText: 'updated' }).waitFor({ timeout: 10_000 });
  assert.is(await textOf(page, 'open-protosessions'), '0');
  // Idle pings pass through the queue, so its depth may be caught at 1.
  assert.match(await textOf(page, 'queue-depth'), /^[01]$/);
  assert.is(await textOf(page, 'dead-letters'), '0');

  // Its hits show up as they are accepted, with the parsed fields.
  const visitor = browserAgent('visitor');
  const dl = 'dl=https%3A%2F%2Fshop.example%2Fcart';
  assert.is((await send(port, 'GET', `/g/collect?v=2&tid=G-1&cid=555.1&en=page_view&${dl}&dt=Cart`, { headers: visitor })).status, 204);
  assert.is((await send(port, 'GET', `/g/collect?v=2&tid=G-1&cid=555.1&en=add_to_cart&${dl}&ep.coupon=SPRING`, { headers: visitor })).status, 204);
  assert.is((await send(port, 'GET', `/g/collect?v=2&tid=G-1&cid=999.9&en=page_view&${dl}`, { headers: browserAgent('other') })).status, 204);
  const hits = page.locator('[data-testid=debug-events] [data-kind=hit]');
  await until('both hits are shown', async () => (await hits.count()) === 2, 10_000);
  const newest = (await hits.first().textContent()) ?? '';
  assert.match(newest, 'add_to_cart');
  assert.match(newest, 'param ep.coupon');
  assert.match(newest, 'SPRING');
  assert.match((await hits.nth(1).textContent()) ?? '', 'Cart');
  assert.not.match((await page.getByTestId('debug-events').textContent()) ?? '', '999.9', 'other clients stay out of the view');

  // Once the session times out and is written, its rows follow.
  await until('both rows are shown', async () => (await page.locator('[data-testid=debug-events] [data-kind=row]').count()) >= 2, 30_000);
  const rowText = (await page.locator('[data-testid=debug-events] [data-kind=row]').first().textContent()) ?? '';
  assert.match(rowText, 'row written to events');
  assert.match(rowText, 'session_id');
  await page.getByTestId('writes').filter({ hasText: 'events' }).waitFor({ timeout: 10_000 });

  // Reopened without the query, the cookie brings the client back with what was captured.
  await page.goto(`${base}/status`);
  await until('the captured events are shown again', async () => (await page.locator('[data-testid=debug-events] li').count()) >= 4, 10_000);
  assert.is(await page.getByTestId('debug-cid').inputValue(), '555.1');

  // Under 1,000 hits/s the page keeps refreshing and answering, and the watched client's hits still arrive.
  const updates = new Set<string>();
  const responseTimes: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = Date.now();
      updates.add(await textOf(page, 'last-update'));
      responseTimes.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const during = (async () => {
    await new Promise((r) => setTimeout(r, 2000));
    await send(port, 'GET', `/g/collect?v=2&tid=G-1&cid=555.1&en=purchase&${dl}`, { headers: visitor });
  })();
  const result = await load(port, 1000, 6);
  await during;
  await until('the hit rate shows the load', async () => Number((await textOf(page, 'hits-rate')).replace(/,/g, '')) >= 300, 5_000);
  probing = false;
  await probe;
  process.stdout.write(`load: ${result.sent} requests in ${result.seconds.toFixed(1)} s\n`);
  assert.is(result.sent, 6000);
  assert.ok(result.seconds < 9, `the receiver kept up with about 1,000 hits/s (${result.seconds.toFixed(1)} s for 6,000)`);
  assert.is(result.failed, 0);
  assert.ok(updates.size >= 3, `the page kept refreshing under load (${updates.size} distinct update stamps)`);
  assert.ok(Math.max(...responseTimes) < 1500, `the page answered within 1.5 s throughout (slowest ${Math.max(...responseTimes)} ms)`);
  assert.match((await page.locator('[data-testid=debug-events] [data-kind=hit]').first().textContent()) ?? '', 'purchase');
  assert.match((await page.locator('#chart-hits').getAttribute('d')) ?? '', /^M0\.0 /);

  // Still interactive: follow a client from the recently-seen list.
  await page.getByTestId('recent-clients').locator('button').first().click();
  await page.getByTestId('debug-state').filter({ hasText: /following load\./ }).waitFor({ timeout: 5_000 });

  mkdirSync(SCREENSHOTS, { recursive: true });
  const shot = join(SCREENSHOTS, `status-${Date.now()}.png`);
  await page.goto(`${base}/status?debug_cid=555.1`);
  await until('the events are shown', async () => (await page.locator('[data-testid=debug-events] li').count()) >= 5, 10_000);
  await page.getByTestId('last-update').filter({ hasText: 'updated' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot) && statSync(shot).size > 10_000, 'a screenshot was taken');
  process.stdout.write(`status page screenshot: ${shot}\n`);

  await context!.close();
  context = undefined;
  proc!.child.kill('SIGTERM');
  assert.is((await proc!.exited).code, 0, proc!.stderr().slice(-2000));
});

test.run();
