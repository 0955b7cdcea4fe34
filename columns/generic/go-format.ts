/**
 * A value rendered the way Go's `%v` prints it, for keys that must match the reference (the
 * unique-event counters build their keys from it): null is `<nil>`, bools are `true`/`false`,
 * floats use the shortest form with an exponent beyond 1e21 or below 1e-4.
 */
export function goFormatValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') return goFormatFloat(value);
  return JSON.stringify(value) ?? String(value);
}

function goFormatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    // Go writes the exponent with a sign and at least two digits: 1e-05, 1e+21.
    const [mantissa = '', exponent = '0'] = v.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(v);
}
