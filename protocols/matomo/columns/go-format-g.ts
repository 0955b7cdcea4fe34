/**
 * A number as Go's `%g` prints it, which is how d8a turns a numeric ecommerce SKU into text:
 * the shortest digits that read back as the same number, in exponent form when the decimal
 * exponent is below -4 or at least 6 (`1234567` → `1.234567e+06`, `0.00001` → `1e-05`), plain
 * otherwise (`123456`, `0.0001`).
 */
export function goFormatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // toExponential() without digits gives the shortest round-trip mantissa, like Go's shortest mode.
  const [mantissa = '', exponentText = '0'] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Inside this range JavaScript prints plain decimals with the same shortest digits.
  return String(v);
}
