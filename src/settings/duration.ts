/**
 * Go `time.ParseDuration` syntax, because d8a configs carry values such as `1h30m` or `300ms`
 * and must mean the same thing here. The arithmetic is done in integer nanoseconds (BigInt)
 * like Go, so `1.1s` is exactly 1100 ms rather than a float approximation.
 */

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek small letter mu, which Go also accepts
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go keeps durations in an int64 of nanoseconds; anything beyond is an overflow there too. */
const MAX_NS = (1n << 63n) - 1n;

export class DurationSyntaxError extends Error {
  constructor(readonly input: string, readonly reason: string) {
    super(`invalid duration ${JSON.stringify(input)}: ${reason}`);
    this.name = 'DurationSyntaxError';
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Parses a Go duration and returns milliseconds (fractional below 1 ms, e.g. `300us` → 0.3).
 * Negative durations are returned as negative numbers; callers decide whether they make sense.
 */
export function parseGoDuration(input: string): number {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new DurationSyntaxError(input, 'empty value');

  let totalNs = 0n;
  let i = 0;
  while (i < s.length) {
    const intStart = i;
    while (isDigit(s[i])) i++;
    const intPart = s.slice(intStart, i);
    let fracPart = '';
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      while (isDigit(s[i])) i++;
      fracPart = s.slice(fracStart, i);
    }
    if (intPart === '' && fracPart === '') {
      throw new DurationSyntaxError(input, `expected a number at position ${intStart + (input.length - s.length)}`);
    }
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i])) i++;
    const unit = s.slice(unitStart, i);
    if (unit === '') throw new DurationSyntaxError(input, 'a unit is missing');
    const perUnit = NS_PER_UNIT.get(unit);
    if (perUnit === undefined) {
      throw new DurationSyntaxError(input, `unknown unit ${JSON.stringify(unit)}`);
    }
    let ns = BigInt(intPart === '' ? '0' : intPart) * perUnit;
    if (fracPart !== '') {
      // Truncate the fractional part to whole nanoseconds, as Go does.
      ns += (BigInt(fracPart) * perUnit) / 10n ** BigInt(fracPart.length);
    }
    totalNs += ns;
    if (totalNs > MAX_NS) throw new DurationSyntaxError(input, 'out of range (more than about 292 years)');
  }
  const ms = Number(totalNs) / 1e6;
  return negative ? -ms : ms;
}

/** Renders milliseconds back in Go style (`1h30m0s`), for messages and docs. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = rest / 1000;
  if (h > 0) return `${sign}${h}h${m}m${sec}s`;
  if (m > 0) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}
