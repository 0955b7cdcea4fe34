/**
 * Walks a checked expression tree against one environment, with expr-lang's runtime rules:
 * operators refuse operands of the wrong type (a nil where a string is needed is an error, not
 * false), `and` / `or` need a boolean on the left and yield the right operand as it is, and a
 * variable that the environment does not hold is nil.
 */
import type { ExpressionNode } from './ast.js';
import { ExpressionRuntimeError } from './errors.js';
import { compileRe2, RegexSyntaxError } from './regex.js';
import { orderValues, toValue, typeOfValue, valuesEqual, type Value } from './values.js';

export type Environment = Readonly<Record<string, unknown>>;

function lookup(env: Environment, name: string): Value {
  // Own properties only: `constructor`, `toString` or `__proto__` never reach the prototype.
  if (!Object.prototype.hasOwnProperty.call(env, name)) return null;
  return toValue(env[name], name);
}

function describe(value: Value): string {
  return typeOfValue(value);
}

function requireBoolean(value: Value, context: string): boolean {
  if (typeof value !== 'boolean') throw new ExpressionRuntimeError(`${context} needs a bool, got ${describe(value)}`);
  return value;
}

function requireNumber(value: Value, operator: string): number {
  if (typeof value !== 'number') throw new ExpressionRuntimeError(`invalid operation: ${operator} on ${describe(value)}`);
  return value;
}

/** Dynamic patterns (not literals) are compiled on first use and kept, up to a bound. */
const DYNAMIC_PATTERN_LIMIT = 256;
const dynamicPatterns = new Map<string, RegExp>();

function dynamicPattern(source: string): RegExp {
  const cached = dynamicPatterns.get(source);
  if (cached !== undefined) return cached;
  let compiled: RegExp;
  try {
    compiled = compileRe2(source);
  } catch (error) {
    const detail = error instanceof RegexSyntaxError ? error.message : String(error);
    throw new ExpressionRuntimeError(`invalid regular expression ${JSON.stringify(source)}: ${detail}`);
  }
  if (dynamicPatterns.size >= DYNAMIC_PATTERN_LIMIT) dynamicPatterns.clear();
  dynamicPatterns.set(source, compiled);
  return compiled;
}

function arithmetic(operator: '+' | '-' | '*' | '/' | '%', left: Value, right: Value): Value {
  if (operator === '+') {
    if (typeof left === 'number' && typeof right === 'number') return left + right;
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    throw new ExpressionRuntimeError(`invalid operation: ${describe(left)} + ${describe(right)}`);
  }
  const a = requireNumber(left, operator);
  const b = requireNumber(right, operator);
  switch (operator) {
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      // expr-lang's modulo is defined on integers only.
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new ExpressionRuntimeError('invalid operation: % needs integers');
      if (b === 0) throw new ExpressionRuntimeError('integer divide by zero');
      return a % b;
  }
}

export function evaluateNode(node: ExpressionNode, env: Environment): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'variable':
      return lookup(env, node.name);
    case 'array':
      return node.elements.map((element) => evaluateNode(element, env));
    case 'not':
      return !requireBoolean(evaluateNode(node.operand, env), 'not');
    case 'sign': {
      const value = requireNumber(evaluateNode(node.operand, env), node.negative ? 'unary -' : 'unary +');
      return node.negative ? -value : value;
    }
    case 'logical': {
      const left = requireBoolean(evaluateNode(node.left, env), node.operator);
      if (node.operator === 'and' ? !left : left) return left;
      return evaluateNode(node.right, env);
    }
    case 'equality':
      return valuesEqual(evaluateNode(node.left, env), evaluateNode(node.right, env)) !== node.negated;
    case 'ordering':
      return orderValues(node.operator, evaluateNode(node.left, env), evaluateNode(node.right, env));
    case 'arithmetic':
      return arithmetic(node.operator, evaluateNode(node.left, env), evaluateNode(node.right, env));
    case 'string-test': {
      const left = evaluateNode(node.left, env);
      const right = evaluateNode(node.right, env);
      if (typeof left !== 'string' || typeof right !== 'string') {
        throw new ExpressionRuntimeError(`invalid operation: ${describe(left)} ${node.operator} ${describe(right)}`);
      }
      const result = node.operator === 'contains' ? left.includes(right) : node.operator === 'startsWith' ? left.startsWith(right) : left.endsWith(right);
      return result !== node.negated;
    }
    case 'match': {
      const subject = evaluateNode(node.subject, env);
      let pattern: RegExp;
      if (node.pattern instanceof RegExp) {
        pattern = node.pattern;
      } else {
        const source = evaluateNode(node.pattern, env);
        if (typeof source !== 'string') throw new ExpressionRuntimeError(`invalid operation: matches with a ${describe(source)} pattern`);
        pattern = dynamicPattern(source);
      }
      if (typeof subject !== 'string') throw new ExpressionRuntimeError(`invalid operation: ${describe(subject)} matches string`);
      return pattern.test(subject) !== node.negated;
    }
    case 'membership': {
      const needle = evaluateNode(node.needle, env);
      const haystack = evaluateNode(node.haystack, env);
      if (haystack === null) return node.negated;
      if (!Array.isArray(haystack)) throw new ExpressionRuntimeError(`invalid operation: in on ${describe(haystack)}`);
      const items: readonly Value[] = haystack;
      return items.some((item) => valuesEqual(item, needle)) !== node.negated;
    }
    case 'conditional':
      return requireBoolean(evaluateNode(node.test, env), 'the condition of ?:') ? evaluateNode(node.consequent, env) : evaluateNode(node.alternate, env);
    case 'call':
      return node.fn.call(node.args.map((arg) => evaluateNode(arg, env)));
  }
}
