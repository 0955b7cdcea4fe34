import type { Int64 } from '../../src/schema/go-number.js';

const TWO_TO_63 = 2 ** 63;

/**
 * Go's `int64(f)` where Go defines it: the float cut toward zero. NaN, the infinities and
 * values outside the int64 range give null — Go leaves those to the CPU (amd64 gives the
 * smallest int64, arm64 saturates), so there is no single reference value to copy.
 */
export function truncateToInt64(f: number): Int64 | null {
  if (!Number.isFinite(f) || f >= TWO_TO_63 || f < -TWO_TO_63) return null;
  const whole = Math.trunc(f);
  if (Number.isSafeInteger(whole)) return whole === 0 ? 0 : whole;
  return BigInt(whole);
}

/** The sum of int64 values with Go's wrap-around on overflow; a number while it is exact. */
export function sumInt64(values: Iterable<Int64>): Int64 {
  let total = 0n;
  for (const v of values) total = BigInt.asIntN(64, total + BigInt(v));
  const asNumber = Number(total);
  return Number.isSafeInteger(asNumber) ? asNumber : total;
}
