import { CurrencyUnavailableError, type CurrencyConverter } from './converter.js';
import type { RatesSnapshot } from './rates-snapshot.js';
import { roundCentsHalfEven } from './rounding.js';

/**
 * A currency code that cannot name any currency (empty after trimming). The reference treats
 * it as a failure of the column, not as "unknown": the event is broken rather than NULL.
 */
export class InvalidCurrencyCodeError extends Error {
  override readonly name = 'InvalidCurrencyCodeError';
}

/**
 * Converts with the rates of the newest snapshot, exactly as the reference does:
 *
 * - `from` identical to `to` (same text) → the amount unchanged, not rounded (the reference
 *   skips conversion when the currency is literally `USD`);
 * - either code empty after trimming → `InvalidCurrencyCodeError`;
 * - the same code in another case or with spaces (`usd`) → the amount, rounded;
 * - no snapshot loaded → `CurrencyUnavailableError`;
 * - no rate from `from` to `to` → null (only a direct rate counts: no inverse, no cross rate);
 * - else `amount × rate`, rounded to cents half-to-even.
 */
const NO_RATES = new CurrencyUnavailableError('no exchange rates loaded');

export class RatesCurrencyConverter implements CurrencyConverter {
  private snapshot: RatesSnapshot | null;

  constructor(snapshot: RatesSnapshot | null = null) {
    this.snapshot = snapshot;
  }

  get hasRates(): boolean {
    return this.snapshot !== null;
  }

  /** When the rates in use were fetched; null before the first snapshot. */
  get ratesCreatedAt(): Date | null {
    return this.snapshot?.createdAt ?? null;
  }

  /** Replaces the rates in use (a newer snapshot appeared). */
  setSnapshot(snapshot: RatesSnapshot): void {
    this.snapshot = snapshot;
  }

  convert(amount: number, from: string, to: string): number | null {
    if (from === to && from !== '') return amount;
    const base = from.trim().toLowerCase();
    const quote = to.trim().toLowerCase();
    if (base === '' || quote === '') throw new InvalidCurrencyCodeError(`currency codes must not be empty (from "${from}" to "${to}")`);
    if (base === quote) return roundCentsHalfEven(amount);
    // One shared error: before the first snapshot every non-USD amount asks, and building an
    // error (with its stack) per event was a visible share of the worker's time.
    if (this.snapshot === null) throw NO_RATES;
    const rate = this.snapshot.rates.get(base)?.get(quote);
    return rate === undefined ? null : roundCentsHalfEven(amount * rate);
  }
}
