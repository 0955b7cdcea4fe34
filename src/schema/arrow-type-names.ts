import { DataType, DateUnit, Precision, TimeUnit, type Field } from 'apache-arrow';

const TIME_UNITS: Record<number, string> = { [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'us', [TimeUnit.NANOSECOND]: 'ns' };
const FLOAT_BITS: Record<number, number> = { [Precision.HALF]: 16, [Precision.SINGLE]: 32, [Precision.DOUBLE]: 64 };

/**
 * The Arrow type in the short form the reference's catalogue prints: `utf8`, `int64`,
 * `float64`, `bool`, `date32`, `timestamp[s, tz=UTC]`, `list<struct<name: utf8, …>>`.
 */
export function arrowTypeName(type: DataType): string {
  if (DataType.isUtf8(type)) return 'utf8';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return `float${FLOAT_BITS[type.precision] ?? 64}`;
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? 'date32' : 'date64';
  if (DataType.isTimestamp(type)) {
    const unit = TIME_UNITS[type.unit] ?? '?';
    return type.timezone ? `timestamp[${unit}, tz=${type.timezone}]` : `timestamp[${unit}]`;
  }
  if (DataType.isList(type)) return `list<${arrowTypeName(type.valueType)}>`;
  if (DataType.isStruct(type)) return `struct<${type.children.map((f: Field) => `${f.name}: ${arrowTypeName(f.type)}`).join(', ')}>`;
  return String(type).toLowerCase();
}
