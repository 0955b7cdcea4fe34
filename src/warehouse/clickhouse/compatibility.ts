/**
 * When an existing ClickHouse column can take what Cairn writes (reference §3.5): types must
 * match exactly (Int32 is not Int64, Float32 is not Float64), nullability of scalars and lists
 * does not matter, and storage hints (codec, low cardinality) never do.
 */
import { DataType, Field, List, Struct } from 'apache-arrow';
import { TypeComparer, type CompatibilityRule } from '../schema-diff.js';

function isListOfStructs(type: DataType): type is List<Struct> {
  return DataType.isList(type) && DataType.isStruct(type.valueType);
}

/** The same list of structs with every member nullable. */
function membersNullable(type: List<Struct>): DataType {
  const struct = type.valueType;
  const members = struct.children.map((child) => new Field(child.name, child.type, true, child.metadata));
  return new List(new Field(type.children[0]?.name ?? 'item', new Struct(members), true));
}

const structural = new TypeComparer();

/**
 * `Nested` members carry no nullability in ClickHouse: they read back as nullable whatever the
 * column was created from. The reference therefore fails a non-nullable member on its own
 * freshly created table; here member nullability is left out of the comparison (a NULL member
 * is written as its type's zero value either way).
 */
export const nestedMemberNullabilityRule: CompatibilityRule = (expected, actual, path) => {
  if (!isListOfStructs(expected) || !isListOfStructs(actual)) return { handled: false, compatible: false };
  return { handled: true, compatible: structural.compare(membersNullable(expected), membersNullable(actual), path) === null };
};

export const clickHouseTypeComparer = new TypeComparer([nestedMemberNullabilityRule]);
