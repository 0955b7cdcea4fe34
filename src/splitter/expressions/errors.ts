/**
 * A filter expression that cannot be compiled: bad syntax, a construct the language does not
 * offer, a type that can never fit, or a literal pattern that is not a valid regular expression.
 * `position` is the 0-based index (UTF-16 code units) in the source text where the problem starts.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

/** A compiled expression that failed on one environment (wrong operand types, a bad dynamic pattern). */
export class ExpressionRuntimeError extends Error {
  override readonly name = 'ExpressionRuntimeError';
}
