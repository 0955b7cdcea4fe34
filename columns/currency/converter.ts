/**
 * Converts money amounts between currencies for the `*_in_usd` columns. Implementations read
 * rates snapshots (columns.md §6.3); columns only see this interface.
 */
export interface CurrencyConverter {
  /**
   * `amount` in `from` (ISO 4217, any case) expressed in `to`, rounded as the reference rounds;
   * null when the currency is unknown. Throws `CurrencyUnavailableError` when no rates are
   * loaded at all (a retryable condition for the column that asked).
   */
  convert(amount: number, from: string, to: string): number | null;
  /** False while no rates are loaded: every conversion between two currencies would fail. */
  readonly hasRates?: boolean;
}

export class CurrencyUnavailableError extends Error {
  override readonly name = 'CurrencyUnavailableError';
}
