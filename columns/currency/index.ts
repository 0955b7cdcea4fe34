export { CurrencyUnavailableError, type CurrencyConverter } from './converter.js';
export { RatesCurrencyConverter, InvalidCurrencyCodeError } from './rates-converter.js';
export { createCurrencyConverter, currencySettings, SnapshotDirectoryConverter, type CurrencySettings } from './create-converter.js';
export { parseRatesSnapshot, latestRatesSnapshot, InvalidRatesSnapshotError, type RatesSnapshot, type LoadedSnapshot } from './rates-snapshot.js';
export { roundCentsHalfEven } from './rounding.js';
