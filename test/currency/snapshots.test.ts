import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Logger } from '../../src/monitoring/logger.js';
import { CurrencyUnavailableError } from '../../columns/currency/converter.js';
import { createCurrencyConverter, currencySettings } from '../../columns/currency/create-converter.js';
import { InvalidRatesSnapshotError, latestRatesSnapshot, parseRatesSnapshot } from '../../columns/currency/rates-snapshot.js';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-currency-'));
  created.push(dir);
  return dir;
}

function recordingLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const settingsWith = (keys: Record<string, unknown>) => ({ keys: new Map(Object.entries(keys)) });

/** What the conformance runner writes for `currency:factor=0.5`. */
function runnerSnapshot(factor: number): string {
  const rates: Record<string, Record<string, number>> = {};
  for (const c of ['eur', 'gbp', 'pln', 'jpy']) rates[c] = { usd: factor };
  rates['usd'] = { usd: 1.0 };
  return JSON.stringify({ created_at: '2025-06-01T00:00:00Z', rates });
}

test('parse: the reference shape, codes normalised', () => {
  const s = parseRatesSnapshot('{"created_at":"2025-06-01T12:30:00.123456789Z","rates":{" EUR ":{"USD":1.08,"gbp":0.85},"x":{}}}');
  assert.is(s.createdAt.toISOString(), '2025-06-01T12:30:00.123Z');
  assert.equal([...s.rates.keys()], ['eur']);
  assert.equal([...(s.rates.get('eur')?.entries() ?? [])], [
    ['usd', 1.08],
    ['gbp', 0.85],
  ]);
});

test('parse: unusable files are refused', () => {
  const bad = [
    'not json',
    '[]',
    '{"rates":{"eur":{"usd":1}}}',
    '{"created_at":"yesterday","rates":{"eur":{"usd":1}}}',
    '{"created_at":"0001-01-01T00:00:00Z","rates":{"eur":{"usd":1}}}',
    '{"created_at":"2025-06-01T00:00:00Z"}',
    '{"created_at":"2025-06-01T00:00:00Z","rates":{}}',
    '{"created_at":"2025-06-01T00:00:00Z","rates":{"eur":{"usd":"1.08"}}}',
    '{"created_at":"2025-06-01T00:00:00Z","rates":{"eur":5}}',
  ];
  for (const text of bad) assert.throws(() => parseRatesSnapshot(text), (err: unknown) => err instanceof InvalidRatesSnapshotError, text);
});

test('latest: the greatest file name that parses; unusable newer files are skipped', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'rates-20250101T000000Z.json'), runnerSnapshot(0.1));
  writeFileSync(join(dir, 'rates-20250601T000000Z.json'), runnerSnapshot(0.5));
  writeFileSync(join(dir, 'rates-20250701T000000Z.json'), '{"broken":');
  writeFileSync(join(dir, 'zz-notes.txt'), 'ignored');
  const skipped: string[] = [];
  const latest = latestRatesSnapshot(dir, (path) => skipped.push(path));
  assert.ok(latest?.path.endsWith('rates-20250601T000000Z.json'));
  assert.is(latest?.snapshot.rates.get('eur')?.get('usd'), 0.5);
  assert.equal(skipped.length, 1);
});

test('latest: a missing or empty directory has no snapshot', () => {
  assert.is(latestRatesSnapshot(join(tempDir(), 'missing')), null);
  assert.is(latestRatesSnapshot(tempDir()), null);
});

test('createCurrencyConverter: converts with the runner\'s snapshot', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'rates-20250601T000000Z.json'), runnerSnapshot(0.5));
  const converter = createCurrencyConverter(settingsWith({ 'currency.destination_directory': dir, 'currency.refresh_interval': 0 }), recordingLogger());
  assert.is(converter.convert(30.03, 'EUR', 'USD'), 15.02);
  assert.is(converter.convert(100, 'CHF', 'USD'), null);
  converter.close();
});

test('createCurrencyConverter: no snapshot → unavailable, with a warning', () => {
  const logger = recordingLogger();
  const converter = createCurrencyConverter(settingsWith({ 'currency.destination_directory': tempDir(), 'currency.refresh_interval': 0 }), logger);
  assert.throws(() => converter.convert(1, 'EUR', 'USD'), (err: unknown) => err instanceof CurrencyUnavailableError);
  assert.ok(logger.lines.some((l) => l.level === 'warn'));
});

test('createCurrencyConverter: a refresh interval says downloading is unavailable and re-reads the directory', () => {
  const dir = tempDir();
  const logger = recordingLogger();
  const converter = createCurrencyConverter(settingsWith({ 'currency.destination_directory': dir, 'currency.refresh_interval': 3_600_000 }), logger);
  assert.ok(logger.lines.some((l) => l.level === 'info' && /not available/.test(l.msg)));
  writeFileSync(join(dir, 'rates-20250601T000000Z.json'), runnerSnapshot(2));
  assert.ok(converter.reload());
  assert.is(converter.convert(10, 'GBP', 'USD'), 20);
  converter.close();
});

test('settings: defaults and type checks', () => {
  assert.equal(currencySettings(settingsWith({})), { directory: './currency', refreshIntervalMs: 0 });
  assert.throws(() => currencySettings(settingsWith({ 'currency.destination_directory': 1 })), /currency\.destination_directory/);
  assert.throws(() => currencySettings(settingsWith({ 'currency.refresh_interval': '6h' })), /currency\.refresh_interval/);
});

test.run();
