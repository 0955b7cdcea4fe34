import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CurrencyUnavailableError } from '../../columns/currency/converter.js';
import { InvalidCurrencyCodeError, RatesCurrencyConverter } from '../../columns/currency/rates-converter.js';
import type { RatesSnapshot } from '../../columns/currency/rates-snapshot.js';
import { amountInUsd } from '../../protocols/ga4/columns/usd-conversion.js';
import { BrokenEventError } from '../../src/schema/errors.js';

function snapshot(rates: Record<string, Record<string, number>>): RatesSnapshot {
  return {
    createdAt: new Date('2025-06-01T00:00:00Z'),
    rates: new Map(Object.entries(rates).map(([base, quotes]) => [base, new Map(Object.entries(quotes))])),
  };
}

const converter = new RatesCurrencyConverter(snapshot({ eur: { usd: 1.0823, gbp: 0.85 }, gbp: { usd: 1.27 }, usd: { usd: 1, eur: 0.924 } }));

test('amount × rate, rounded half-to-even to cents', () => {
  assert.is(converter.convert(100, 'EUR', 'USD'), 108.23);
  assert.is(converter.convert(10, 'GBP', 'USD'), 12.7);
  assert.is(converter.convert(0.125, 'eur', 'gbp'), 0.11); // 0.10625 → 0.11
});

test('the conformance factor: 30.03 EUR at 0.5 is 15.02 USD', () => {
  const half = new RatesCurrencyConverter(snapshot({ eur: { usd: 0.5 }, usd: { usd: 1 } }));
  assert.is(half.convert(30.03, 'EUR', 'USD'), 15.02);
  assert.is(half.convert(40, 'EUR', 'USD'), 20);
});

test('USD to USD: the amount unchanged, not even rounded', () => {
  assert.is(converter.convert(12.3456, 'USD', 'USD'), 12.3456);
  // Without any rates too: nothing needs converting.
  assert.is(new RatesCurrencyConverter().convert(12.3456, 'USD', 'USD'), 12.3456);
});

test('the same currency spelled differently: the amount, rounded', () => {
  assert.is(converter.convert(12.3456, 'usd', 'USD'), 12.35);
  assert.is(converter.convert(12.3456, ' USD ', 'USD'), 12.35);
  assert.is(new RatesCurrencyConverter().convert(12.345, 'usd', 'USD'), 12.34);
});

test('codes are trimmed and read in any case', () => {
  assert.is(converter.convert(100, ' eUr ', 'usd'), 108.23);
});

test('an unknown currency: null', () => {
  assert.is(converter.convert(100, 'PLN', 'USD'), null);
  assert.is(converter.convert(100, 'EUR', 'JPY'), null);
});

test('only direct rates count: no inverse of a known rate', () => {
  const oneWay = new RatesCurrencyConverter(snapshot({ eur: { usd: 1.08 } }));
  assert.is(oneWay.convert(100, 'USD', 'EUR'), null);
});

test('no rates loaded at all: CurrencyUnavailableError', () => {
  const empty = new RatesCurrencyConverter();
  assert.not.ok(empty.hasRates);
  assert.throws(() => empty.convert(10, 'EUR', 'USD'), (err: unknown) => err instanceof CurrencyUnavailableError);
});

test('an empty currency code is an error of its own, not "unknown"', () => {
  assert.throws(() => converter.convert(10, '', 'USD'), (err: unknown) => err instanceof InvalidCurrencyCodeError);
  assert.throws(() => converter.convert(10, '   ', 'USD'), (err: unknown) => err instanceof InvalidCurrencyCodeError);
  assert.throws(() => new RatesCurrencyConverter().convert(10, '', 'USD'), (err: unknown) => err instanceof InvalidCurrencyCodeError);
});

test('a new snapshot replaces the rates in use', () => {
  const c = new RatesCurrencyConverter(snapshot({ eur: { usd: 1 } }));
  c.setSnapshot(snapshot({ eur: { usd: 2 } }));
  assert.is(c.convert(10, 'EUR', 'USD'), 20);
  assert.is(c.ratesCreatedAt?.toISOString(), '2025-06-01T00:00:00.000Z');
});

test('amountInUsd before any rates: other currencies null, dollars in any spelling rounded, empty codes broken', () => {
  const none = new RatesCurrencyConverter();
  assert.is(amountInUsd(none, 'EUR', 10), null);
  assert.is(amountInUsd(none, 'USD', 10.005), 10.005);
  assert.is(amountInUsd(none, ' usd ', 10.005), 10.01);
  assert.throws(() => amountInUsd(none, '  ', 10), (err: unknown) => err instanceof BrokenEventError);
  assert.is(amountInUsd(none, 'EUR', '10'), null);
});

test.run();
