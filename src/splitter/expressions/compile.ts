/**
 * Turns expression text into a checked tree: jsep parses, then every node is validated and
 * rebuilt as an ExpressionNode. Anything outside the language (member access, `this`, calls to
 * unknown functions, several expressions side by side) and any operand whose type is known and
 * can never fit (`ip_address startsWith 10`) is a compile error carrying its position.
 */
import type jsep from 'jsep';
import type { ArithmeticOperator, ExpressionNode, StringOperator } from './ast.js';
import { ExpressionError, ExpressionRuntimeError } from './errors.js';
import { evaluateNode, type Environment } from './evaluate.js';
import { findBuiltin, type StaticType } from './functions.js';
import { parseExpression } from './grammar.js';
import { compileRe2, RegexSyntaxError } from './regex.js';
import type { OrderingOperator, Value } from './values.js';

export interface CompiledExpression {
  /** The text it was compiled from. */
  readonly source: string;
  /** Runs the expression; throws ExpressionRuntimeError when an operation fails. */
  evaluate(env: Record<string, unknown>): unknown;
}

/** Deeper trees are refused, which keeps compiling and evaluating far from the stack limit. */
const MAX_TREE_DEPTH = 1000;

/** Words that are operators; as operands they are syntax errors, as in expr-lang. */
const RESERVED_WORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'startsWith', 'endsWith', 'matches']);

type RawNode = jsep.Expression;

interface Checked {
  node: ExpressionNode;
  type: StaticType;
}

function isRawNode(value: unknown): value is RawNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function child(raw: RawNode, key: string, position: number): RawNode {
  const value: unknown = raw[key];
  if (!isRawNode(value)) throw new ExpressionError('malformed expression', position);
  return value;
}

function children(raw: RawNode, key: string, position: number): (RawNode | null)[] {
  const value: unknown = raw[key];
  if (!Array.isArray(value)) throw new ExpressionError('malformed expression', position);
  const items: unknown[] = value;
  return items.map((item) => {
    if (item === null) return null;
    if (!isRawNode(item)) throw new ExpressionError('malformed expression', position);
    return item;
  });
}

/** Where a raw node's text starts: tokens carry it; operators and conditionals take their first operand's. */
function positionOf(raw: RawNode, fallback: number): number {
  for (let node: RawNode = raw, hops = 0; hops <= MAX_TREE_DEPTH; hops++) {
    if (typeof node.start === 'number') return node.start;
    const first: unknown = node.type === 'ConditionalExpression' ? node.test : node.type === 'BinaryExpression' ? node.left : undefined;
    if (!isRawNode(first)) return fallback;
    node = first;
  }
  return fallback;
}

function describeType(type: StaticType): string {
  return type === 'unknown' ? 'a value of unknown type' : type;
}

/** Refuses an operand whose type is known and not among `allowed`. */
function expectType(operand: Checked, allowed: readonly StaticType[], what: string): void {
  if (operand.type !== 'unknown' && !allowed.includes(operand.type)) {
    throw new ExpressionError(`${what} needs ${allowed.join(' or ')}, got ${describeType(operand.type)}`, operand.node.position);
  }
}

function literalType(value: Value): StaticType {
  // nil is typed as unknown, as expr-lang's checker does, so `x == nil`-style code never fails to compile.
  if (value === null) return 'unknown';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return 'array';
}

const ORDERING = new Set<string>(['<', '>', '<=', '>=']);
const ARITHMETIC = new Set<string>(['+', '-', '*', '/', '%']);
const STRING_TESTS = new Set<string>(['contains', 'startsWith', 'endsWith']);

class Compiler {
  constructor(private readonly source: string) {}

  check(raw: RawNode, depth: number, fallback: number): Checked {
    const position = positionOf(raw, fallback);
    if (depth > MAX_TREE_DEPTH) throw new ExpressionError('expression is nested too deeply', position);
    switch (raw.type) {
      case 'Literal':
        return this.literal(raw, position);
      case 'Identifier':
        return this.identifier(raw, position);
      case 'ArrayExpression':
        return this.array(raw, depth, position);
      case 'UnaryExpression':
        return this.unary(raw, depth, position);
      case 'BinaryExpression':
        return this.binary(raw, depth, position);
      case 'ConditionalExpression':
        return this.conditional(raw, depth, position);
      case 'CallExpression':
        return this.call(raw, depth, position);
      case 'MemberExpression':
        throw new ExpressionError('member access is not allowed', this.memberPosition(raw, position));
      case 'ThisExpression':
        throw new ExpressionError('"this" is not allowed', position);
      case 'Compound':
      case 'SequenceExpression': {
        const parts = children(raw, raw.type === 'Compound' ? 'body' : 'expressions', position).filter((p): p is RawNode => p !== null);
        const second = parts[1];
        if (parts.length === 0) throw new ExpressionError('empty expression', position);
        if (second === undefined) return this.check(parts[0] as RawNode, depth + 1, position);
        throw new ExpressionError('unexpected token', positionOf(second, position));
      }
      default:
        throw new ExpressionError(`unsupported syntax (${raw.type})`, position);
    }
  }

  /** Points at the `.` or `[` of the outermost access, which is where the refused part begins. */
  private memberPosition(raw: RawNode, position: number): number {
    const object: unknown = raw.object;
    if (!isRawNode(object)) return position;
    const property: unknown = raw.property;
    const computed = raw.computed === true;
    if (!computed && isRawNode(property) && typeof property.name === 'string') {
      const at = this.source.lastIndexOf('.' + property.name);
      if (at >= position) return at;
    }
    const bracket = this.source.indexOf(computed ? '[' : '.', position);
    return bracket >= 0 ? bracket : position;
  }

  private literal(raw: RawNode, position: number): Checked {
    const value: unknown = raw.value;
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))) {
      return { node: { kind: 'literal', value, position }, type: literalType(value) };
    }
    throw new ExpressionError('unsupported literal', position);
  }

  private identifier(raw: RawNode, position: number): Checked {
    const name: unknown = raw.name;
    if (typeof name !== 'string' || name === '') throw new ExpressionError('malformed identifier', position);
    if (RESERVED_WORDS.has(name)) throw new ExpressionError(`unexpected operator "${name}"`, position);
    return { node: { kind: 'variable', name, position }, type: 'unknown' };
  }

  private array(raw: RawNode, depth: number, position: number): Checked {
    const elements: ExpressionNode[] = [];
    for (const element of children(raw, 'elements', position)) {
      if (element === null) throw new ExpressionError('empty array element', position);
      elements.push(this.check(element, depth + 1, position).node);
    }
    return { node: { kind: 'array', elements, position }, type: 'array' };
  }

  private unary(raw: RawNode, depth: number, position: number): Checked {
    const operator: unknown = raw.operator;
    const operand = this.check(child(raw, 'argument', position), depth + 1, position + 1);
    if (operator === '!' || operator === 'not') {
      expectType(operand, ['bool'], `"${operator}"`);
      return { node: { kind: 'not', operand: operand.node, position }, type: 'bool' };
    }
    if (operator === '-' || operator === '+') {
      expectType(operand, ['number'], `unary "${operator}"`);
      return { node: { kind: 'sign', negative: operator === '-', operand: operand.node, position }, type: 'number' };
    }
    throw new ExpressionError(`unsupported operator "${String(operator)}"`, position);
  }

  private binary(raw: RawNode, depth: number, position: number): Checked {
    const written = raw.operator;
    if (typeof written !== 'string') throw new ExpressionError('malformed expression', position);
    const left = this.check(child(raw, 'left', position), depth + 1, position);
    const right = this.check(child(raw, 'right', position), depth + 1, position);
    const negated = written.startsWith('not ');
    const operator = negated ? written.slice(4) : written;
    const label = `"${written}"`;

    if (operator === '||' || operator === 'or' || operator === '&&' || operator === 'and') {
      expectType(left, ['bool'], label);
      expectType(right, ['bool'], label);
      const kind = operator === '||' || operator === 'or' ? 'or' : 'and';
      return { node: { kind: 'logical', operator: kind, left: left.node, right: right.node, position }, type: right.type === 'bool' ? 'bool' : 'unknown' };
    }
    if (operator === '==' || operator === '!=') {
      return { node: { kind: 'equality', negated: operator === '!=', left: left.node, right: right.node, position }, type: 'bool' };
    }
    if (ORDERING.has(operator)) {
      expectType(left, ['number', 'string'], label);
      expectType(right, ['number', 'string'], label);
      if (left.type !== 'unknown' && right.type !== 'unknown' && left.type !== right.type) {
        throw new ExpressionError(`${label} cannot compare ${left.type} with ${right.type}`, right.node.position);
      }
      return { node: { kind: 'ordering', operator: operator as OrderingOperator, left: left.node, right: right.node, position }, type: 'bool' };
    }
    if (ARITHMETIC.has(operator)) {
      const arithmeticOperator = operator as ArithmeticOperator;
      if (arithmeticOperator === '+') {
        expectType(left, ['number', 'string'], label);
        expectType(right, ['number', 'string'], label);
        if (left.type !== 'unknown' && right.type !== 'unknown' && left.type !== right.type) {
          throw new ExpressionError(`${label} cannot add ${left.type} and ${right.type}`, right.node.position);
        }
      } else {
        expectType(left, ['number'], label);
        expectType(right, ['number'], label);
      }
      const type: StaticType = arithmeticOperator === '+' ? (left.type !== 'unknown' ? left.type : right.type) : 'number';
      return { node: { kind: 'arithmetic', operator: arithmeticOperator, left: left.node, right: right.node, position }, type };
    }
    if (STRING_TESTS.has(operator)) {
      expectType(left, ['string'], label);
      expectType(right, ['string'], label);
      const node: ExpressionNode = { kind: 'string-test', operator: operator as StringOperator, negated, left: left.node, right: right.node, position };
      return { node, type: 'bool' };
    }
    if (operator === 'matches') {
      expectType(left, ['string'], label);
      expectType(right, ['string'], label);
      let pattern: RegExp | ExpressionNode = right.node;
      if (right.node.kind === 'literal' && typeof right.node.value === 'string') {
        try {
          pattern = compileRe2(right.node.value);
        } catch (error) {
          const detail = error instanceof RegexSyntaxError ? error.message : String(error);
          throw new ExpressionError(`invalid regular expression: ${detail}`, right.node.position);
        }
      }
      return { node: { kind: 'match', negated, subject: left.node, pattern, position }, type: 'bool' };
    }
    if (operator === 'in') {
      expectType(right, ['array'], label);
      return { node: { kind: 'membership', negated, needle: left.node, haystack: right.node, position }, type: 'bool' };
    }
    throw new ExpressionError(`unsupported operator ${label}`, position);
  }

  private conditional(raw: RawNode, depth: number, position: number): Checked {
    const test = this.check(child(raw, 'test', position), depth + 1, position);
    expectType(test, ['bool'], 'the condition of "?:"');
    const consequent = this.check(child(raw, 'consequent', position), depth + 1, position);
    const alternate = this.check(child(raw, 'alternate', position), depth + 1, position);
    const node: ExpressionNode = { kind: 'conditional', test: test.node, consequent: consequent.node, alternate: alternate.node, position };
    return { node, type: consequent.type === alternate.type ? consequent.type : 'unknown' };
  }

  private call(raw: RawNode, depth: number, position: number): Checked {
    const callee = child(raw, 'callee', position);
    if (callee.type !== 'Identifier' || typeof callee.name !== 'string') {
      // Report what is wrong inside the callee first (member access, an unknown function).
      const calleeChecked = this.check(callee, depth + 1, position);
      throw new ExpressionError('only built-in functions can be called', calleeChecked.node.position);
    }
    const fn = findBuiltin(callee.name);
    if (fn === undefined) throw new ExpressionError(`unknown function "${callee.name}"`, position);
    const rawArgs = children(raw, 'arguments', position);
    if (rawArgs.length < fn.minArgs) throw new ExpressionError(`not enough arguments to call ${fn.name}`, position);
    if (rawArgs.length > fn.maxArgs) throw new ExpressionError(`too many arguments to call ${fn.name}`, position);
    const args: ExpressionNode[] = [];
    rawArgs.forEach((rawArg, i) => {
      if (rawArg === null) throw new ExpressionError('missing argument', position);
      const arg = this.check(rawArg, depth + 1, position);
      const allowed = fn.argumentTypes[i];
      if (allowed !== undefined) expectType(arg, allowed, `argument ${i + 1} of ${fn.name}`);
      args.push(arg.node);
    });
    return { node: { kind: 'call', fn, args, position }, type: fn.resultType };
  }
}

class CheckedExpression implements CompiledExpression {
  constructor(
    readonly source: string,
    private readonly root: ExpressionNode,
  ) {}

  evaluate(env: Environment): unknown {
    try {
      return evaluateNode(this.root, env);
    } catch (error) {
      if (error instanceof ExpressionRuntimeError) throw error;
      throw new ExpressionRuntimeError(error instanceof Error ? error.message : String(error));
    }
  }
}

/** Compiles `text`; throws ExpressionError (and nothing else) when it is not a valid expression. */
export function compileExpression(text: string): CompiledExpression {
  try {
    const raw = parseExpression(text);
    const { node } = new Compiler(text).check(raw, 0, 0);
    return new CheckedExpression(text, node);
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    // Only an exhausted stack or a bug gets here; either way the text is not usable.
    throw new ExpressionError('expression could not be compiled', 0);
  }
}
