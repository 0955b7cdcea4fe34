/**
 * ClickHouse type string (as `system.columns` reports it) → Arrow type: the reverse direction
 * of `column-types.ts`, so an existing table can be compared with the schema Cairn wants.
 * Only the types Cairn creates are understood; anything else is reported, never guessed.
 */
import { DataType, Field, List, Struct } from 'apache-arrow';
import { PRIMITIVES, type Primitive } from './primitives.js';

/** A native type this driver does not create and so cannot read or write. */
export class UnsupportedClickHouseTypeError extends Error {
  override readonly name = 'UnsupportedClickHouseTypeError';
  constructor(readonly nativeType: string, reason: string) {
    super(`ClickHouse type ${JSON.stringify(nativeType)} is not supported: ${reason}`);
  }
}

/** Primitive type names, as ClickHouse writes them and in the lower-case aliases the reference also accepts. */
const PRIMITIVE_BY_NAME: ReadonlyMap<string, Primitive> = new Map([
  ['String', PRIMITIVES.string],
  ['string', PRIMITIVES.string],
  ['utf8', PRIMITIVES.string],
  ['Int64', PRIMITIVES.int64],
  ['int64', PRIMITIVES.int64],
  ['Int32', PRIMITIVES.int32],
  ['int32', PRIMITIVES.int32],
  ['Float64', PRIMITIVES.float64],
  ['float64', PRIMITIVES.float64],
  ['Float32', PRIMITIVES.float32],
  ['float32', PRIMITIVES.float32],
  ['Bool', PRIMITIVES.bool],
  ['bool', PRIMITIVES.bool],
  ['Date32', PRIMITIVES.date32],
  ['date32', PRIMITIVES.date32],
]);

/** A type expression split into its name and its top-level arguments (still as text). */
interface TypeExpression {
  name: string;
  args: string[] | null;
}

function parseExpression(text: string): TypeExpression {
  const source = text.trim();
  const open = source.indexOf('(');
  if (open < 0) return { name: source, args: null };
  if (!source.endsWith(')')) throw new UnsupportedClickHouseTypeError(text, 'unbalanced parentheses');
  return { name: source.slice(0, open).trim(), args: splitTopLevel(source.slice(open + 1, -1), text) };
}

/** Splits on commas outside parentheses, backticks and quotes. */
function splitTopLevel(inner: string, whole: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (quote !== null) {
      if (ch === '\\') i++;
      else if (ch === quote) {
        // A doubled quote character inside a quoted name stands for itself.
        if (inner[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (ch === '`' || ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) throw new UnsupportedClickHouseTypeError(whole, 'unbalanced parentheses');
    } else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0 || quote !== null) throw new UnsupportedClickHouseTypeError(whole, 'unbalanced parentheses or quotes');
  parts.push(inner.slice(start).trim());
  return parts;
}

/** `` `a b` String `` or `a String` → name and type text. */
function splitNestedMember(member: string, whole: string): { name: string; type: string } {
  const quote = member[0];
  if (quote === '`' || quote === '"') {
    let name = '';
    for (let i = 1; i < member.length; i++) {
      const ch = member[i]!;
      if (ch === '\\' && i + 1 < member.length) {
        name += member[++i];
      } else if (ch === quote) {
        if (member[i + 1] === quote) {
          name += quote;
          i++;
        } else {
          return { name, type: member.slice(i + 1).trim() };
        }
      } else {
        name += ch;
      }
    }
    throw new UnsupportedClickHouseTypeError(whole, `unterminated name in ${member}`);
  }
  const space = member.search(/\s/);
  if (space <= 0) throw new UnsupportedClickHouseTypeError(whole, `Nested member ${JSON.stringify(member)} has no type`);
  return { name: member.slice(0, space), type: member.slice(space).trim() };
}

function isUtcArgument(arg: string): boolean {
  const unquoted = arg.trim().replace(/^'(.*)'$/, '$1');
  return unquoted === 'UTC' || unquoted === 'Etc/UTC';
}

/** A scalar type: a primitive, or `DateTime64(0)` (also with an explicit UTC zone). */
function parsePrimitive(text: string): Primitive | null {
  const { name, args } = parseExpression(text);
  if (args === null) return PRIMITIVE_BY_NAME.get(name) ?? null;
  if (name !== 'DateTime64') return null;
  const [precision, zone, ...rest] = args;
  if (precision !== '0' || rest.length > 0) return null;
  if (zone !== undefined && !isUtcArgument(zone)) return null;
  return PRIMITIVES.timestamp;
}

/** What a ClickHouse column reads back as. */
export interface ReadBackType {
  type: DataType;
  /** The column takes NULL as its default (a `DEFAULT` scalar) — the "nullable" of the reference. */
  scalar: boolean;
}

/**
 * The Arrow type of a native type string. `LowCardinality` is looked through; `Array(T)` is a
 * list; `Nested(a T, …)` a list of structs whose members are all nullable (ClickHouse keeps no
 * nullability for them, and the reference reads them so). Throws
 * `UnsupportedClickHouseTypeError` for anything else, `Nullable(T)` included.
 */
export function arrowTypeOf(nativeType: string): ReadBackType {
  const { name, args } = parseExpression(nativeType);
  if (name === 'LowCardinality') {
    if (args?.length !== 1) throw new UnsupportedClickHouseTypeError(nativeType, 'LowCardinality takes one type');
    const inner = parsePrimitive(args[0]!);
    if (inner === null) throw new UnsupportedClickHouseTypeError(nativeType, 'only LowCardinality of a scalar type is read');
    return { type: inner.arrowType(), scalar: true };
  }
  if (name === 'Array') {
    if (args?.length !== 1) throw new UnsupportedClickHouseTypeError(nativeType, 'Array takes one type');
    const element = parsePrimitive(args[0]!);
    if (element === null) throw new UnsupportedClickHouseTypeError(nativeType, 'only arrays of scalar types are read');
    return { type: new List(new Field('item', element.arrowType(), false)), scalar: false };
  }
  if (name === 'Nested') {
    if (args === null || args.length === 0) throw new UnsupportedClickHouseTypeError(nativeType, 'Nested without members');
    const members = args.map((member) => {
      const { name: memberName, type } = splitNestedMember(member, nativeType);
      const primitive = parsePrimitive(type);
      if (primitive === null) throw new UnsupportedClickHouseTypeError(nativeType, `member ${memberName} has type ${type}`);
      return new Field(memberName, primitive.arrowType(), true);
    });
    return { type: new List(new Field('item', new Struct(members), true)), scalar: false };
  }
  const primitive = parsePrimitive(nativeType);
  if (primitive === null) {
    const hint = name === 'Nullable' ? 'Cairn stores NULL as a DEFAULT value and does not write Nullable columns' : 'Cairn does not create columns of this type';
    throw new UnsupportedClickHouseTypeError(nativeType, hint);
  }
  return { type: primitive.arrowType(), scalar: true };
}

/** The read-back field of a column: scalars with a `DEFAULT` count as nullable, as in the reference. */
export function readBackField(name: string, nativeType: string, defaultKind: string): Field {
  const { type, scalar } = arrowTypeOf(nativeType);
  return new Field(name, type, scalar && defaultKind === 'DEFAULT');
}
