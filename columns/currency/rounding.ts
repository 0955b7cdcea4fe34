/**
 * Rounds a converted amount to cents the way the reference does, step by step: scale by 100,
 * truncate, and look at the remainder. A remainder of exactly 0.5 goes to the even cent;
 * above it rounds up. The arithmetic is kept literal on purpose, because floating point
 * decides what "exactly 0.5" is (15.015 × 100 is 1501.5, so it becomes 15.02) and because
 * negative amounts therefore always truncate toward zero (their remainder is never ≥ 0.5).
 */
export function roundCentsHalfEven(value: number): number {
  const scaled = value * 100;
  const whole = Math.trunc(scaled);
  const remainder = scaled - whole;
  let cents: number;
  if (remainder === 0.5) cents = whole % 2 === 0 ? whole : whole + 1;
  else if (remainder >= 0.5) cents = whole + 1;
  else cents = whole;
  return cents / 100;
}
