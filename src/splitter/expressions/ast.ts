/**
 * The checked tree the evaluator walks. It is built from jsep's output by the compiler and
 * contains only what the language offers: there is no node for member access, `this`, or a
 * call to anything but a built-in, so such things cannot be evaluated.
 */
import type { BuiltinFunction } from './functions.js';
import type { OrderingOperator, Value } from './values.js';

export type StringOperator = 'contains' | 'startsWith' | 'endsWith';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

interface Positioned {
  /** Where the node's text starts in the source (0-based). */
  readonly position: number;
}

export type ExpressionNode =
  | (Positioned & { readonly kind: 'literal'; readonly value: Value })
  | (Positioned & { readonly kind: 'variable'; readonly name: string })
  | (Positioned & { readonly kind: 'array'; readonly elements: readonly ExpressionNode[] })
  | (Positioned & { readonly kind: 'not'; readonly operand: ExpressionNode })
  | (Positioned & { readonly kind: 'sign'; readonly negative: boolean; readonly operand: ExpressionNode })
  | (Positioned & { readonly kind: 'logical'; readonly operator: 'and' | 'or'; readonly left: ExpressionNode; readonly right: ExpressionNode })
  | (Positioned & { readonly kind: 'equality'; readonly negated: boolean; readonly left: ExpressionNode; readonly right: ExpressionNode })
  | (Positioned & { readonly kind: 'ordering'; readonly operator: OrderingOperator; readonly left: ExpressionNode; readonly right: ExpressionNode })
  | (Positioned & { readonly kind: 'arithmetic'; readonly operator: ArithmeticOperator; readonly left: ExpressionNode; readonly right: ExpressionNode })
  | (Positioned & {
      readonly kind: 'string-test';
      readonly operator: StringOperator;
      readonly negated: boolean;
      readonly left: ExpressionNode;
      readonly right: ExpressionNode;
    })
  | (Positioned & {
      readonly kind: 'match';
      readonly negated: boolean;
      readonly subject: ExpressionNode;
      /** Compiled once when the pattern is a literal; otherwise the node that yields it. */
      readonly pattern: RegExp | ExpressionNode;
    })
  | (Positioned & { readonly kind: 'membership'; readonly negated: boolean; readonly needle: ExpressionNode; readonly haystack: ExpressionNode })
  | (Positioned & {
      readonly kind: 'conditional';
      readonly test: ExpressionNode;
      readonly consequent: ExpressionNode;
      readonly alternate: ExpressionNode;
    })
  | (Positioned & { readonly kind: 'call'; readonly fn: BuiltinFunction; readonly args: readonly ExpressionNode[] });
