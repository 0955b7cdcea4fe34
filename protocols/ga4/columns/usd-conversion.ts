import { CurrencyUnavailableError, type CurrencyConverter } from '../../../columns/currency/converter.js';
import { BrokenEventError, errorMessage } from '../../../src/schema/errors.js';

export const USD = 'USD';

/**
 * The converter the GA4 columns use when none is configured: US dollars pass through, every
 * other currency has no rate (so its `_in_usd` values are null).
 */
export const USD_ONLY_CONVERTER: CurrencyConverter = {
  convert(amount: number, from: string, to: string): number | null {
    return from.trim().toUpperCase() === to.trim().toUpperCase() ? amount : null;
  },
};

/**
 * Rounds to cents the way the reference does, arithmetic included: the fraction of
 * `value × 100` is compared with 0.5 as computed in floating point, exact halves go to the
 * even cent, and negative amounts are therefore always cut toward zero.
 */
export function roundToCentsHalfEven(value: number): number {
  const scaled = value * 100;
  const whole = Math.trunc(scaled);
  const fraction = scaled - whole;
  let cents = whole;
  if (fraction === 0.5) cents = whole % 2 === 0 ? whole : whole + 1;
  else if (fraction >= 0.5) cents = whole + 1;
  return cents / 100;
}

/**
 * `value` (in `currency`) in US dollars, or null when either is missing or the currency has no
 * rate. An amount already in `USD` (exact spelling) is returned untouched, without rounding.
 * Rates not loaded yet also give null, so a tracker without rates keeps writing rows; any other
 * converter failure makes the event broken.
 */
export function amountInUsd(converter: CurrencyConverter, currency: unknown, value: unknown): number | null {
  if (typeof currency !== 'string' || typeof value !== 'number') return null;
  if (currency === USD) return value;
  let converted: number | null;
  try {
    converted = converter.convert(value, currency, USD);
  } catch (err) {
    if (err instanceof CurrencyUnavailableError) return null;
    throw new BrokenEventError(`currency conversion from ${currency} failed: ${errorMessage(err)}`);
  }
  return converted === null ? null : roundToCentsHalfEven(converted);
}
