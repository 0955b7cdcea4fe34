import { CurrencyUnavailableError, type CurrencyConverter } from '../../../columns/currency/converter.js';
import { roundCentsHalfEven } from '../../../columns/currency/rounding.js';
import { BrokenEventError, errorMessage } from '../../../src/schema/errors.js';

export const USD = 'USD';

/**
 * The converter the GA4 columns use when none is configured: US dollars pass through (rounded
 * to cents when spelled differently, like `usd`, as any converter does), every other currency
 * has no rate, so its `_in_usd` values are null.
 */
export const USD_ONLY_CONVERTER: CurrencyConverter = {
  convert(amount: number, from: string, to: string): number | null {
    if (from === to) return amount;
    return from.trim().toUpperCase() === to.trim().toUpperCase() ? roundCentsHalfEven(amount) : null;
  },
};

/**
 * `value` (in `currency`) in US dollars, or null when either is missing or the currency has no
 * rate. An amount already in `USD` (exact spelling) is returned untouched; the converter rounds
 * every other result to cents. Rates not loaded yet also give null, so a tracker without rates
 * keeps writing rows; any other converter failure (an empty code) makes the event broken.
 */
export function amountInUsd(converter: CurrencyConverter, currency: unknown, value: unknown): number | null {
  if (typeof currency !== 'string' || typeof value !== 'number') return null;
  if (currency === USD) return value;
  // Without rates every other currency gives null; asking would throw for each event.
  if (converter.hasRates === false) {
    const code = currency.trim().toUpperCase();
    if (code !== '' && code !== USD) return null;
  }
  try {
    return converter.convert(value, currency, USD);
  } catch (err) {
    if (err instanceof CurrencyUnavailableError) return null;
    throw new BrokenEventError(`currency conversion from ${currency} failed: ${errorMessage(err)}`);
  }
}
