import { Bool, DateDay, Float64, Int64, TimestampSecond, Utf8, type DataType } from 'apache-arrow';
import { defineInterface, type ColumnInterface, type InterfaceFieldOptions, type InterfaceId } from '../../src/schema/interface.js';

/** An interface with the words the catalogue prints for it; implementations may word it differently. */
export interface DocumentedInterface extends ColumnInterface {
  readonly displayName: string;
  readonly description: string;
}

export function documentedInterface(
  id: InterfaceId,
  name: string,
  type: DataType,
  displayName: string,
  description: string,
  options: InterfaceFieldOptions = {},
): DocumentedInterface {
  return { ...defineInterface(id, name, type, options), displayName, description };
}

/** Arrow types of the catalogue, created fresh so that no column shares a mutable type object. */
export const arrowTypes = {
  utf8: (): DataType => new Utf8(),
  int64: (): DataType => new Int64(),
  float64: (): DataType => new Float64(),
  bool: (): DataType => new Bool(),
  date32: (): DataType => new DateDay(),
  timestampSeconds: (): DataType => new TimestampSecond('UTC'),
};
