import type { EventColumn } from '../../src/schema/column.js';
import { castBoolOrNull, castStringOrNull, parseBoolWord, type Cast } from '../../src/schema/casts.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import { parseGoFloat64, parseGoInt64 } from '../../src/schema/go-number.js';
import type { ColumnInterface, InterfaceId } from '../../src/schema/interface.js';
import { truncateToInt64 } from './go-int-conversion.js';
import { eventColumn, type ColumnOptions } from './simple.js';

/**
 * Custom columns that flatten one entry of a nested list column: for each event, the entries
 * of `sourceField` whose `matchField` equals `matchEquals` (same type and value) offer their
 * `valueField`, and the last non-null offer wins. GA4 `params` and Matomo custom variables
 * and dimensions are read this way.
 */
export interface NestedLookup {
  sourceField: string;
  matchField: string;
  matchEquals: string | number;
  valueField: string;
}

export type CustomColumnType = 'string' | 'int64' | 'float64' | 'bool';

/** The last non-null `valueField` among the matching entries; a source that is not a list breaks the event. */
export function lookUpNested(values: Record<string, unknown>, lookup: NestedLookup): unknown {
  const source = values[lookup.sourceField];
  if (source === null || source === undefined) return null;
  if (!Array.isArray(source)) throw new BrokenEventError(`${lookup.sourceField} is not a list`);
  let found: unknown = null;
  for (const entry of source as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const record = entry as Record<string, unknown>;
    if (record[lookup.matchField] !== lookup.matchEquals) continue;
    const value = record[lookup.valueField];
    if (value !== null && value !== undefined) found = value;
  }
  return found;
}

/** int64: a number cut toward zero, or a base-10 integer string; anything else is null. */
const castCustomInt64: Cast = (value) => {
  if (typeof value === 'number') return truncateToInt64(value);
  if (typeof value === 'string' && value !== '') return parseGoInt64(value);
  return null;
};

/** float64: a number as it is, or a string in Go float syntax; anything else is null. */
const castCustomFloat64: Cast = (value) => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') return parseGoFloat64(value);
  return null;
};

/**
 * bool: a bool, or a yes/no word (an unknown word breaks the event). Nothing found gives false,
 * not null, as in the reference; no shortcut of the configuration creates bool columns.
 */
const castCustomBool: Cast = (value) => {
  if (typeof value === 'string') {
    const word = parseBoolWord(value);
    if (word === null) throw new BrokenEventError(`${JSON.stringify(value)} is not a boolean`);
    return word;
  }
  return castBoolOrNull(value);
};

/** A null found by the lookup stays null for every type; the cast only sees real values. */
function nullSafe(cast: Cast): Cast {
  return (value) => (value === null || value === undefined ? null : cast(value));
}

export const CUSTOM_COLUMN_CASTS: Readonly<Record<CustomColumnType, Cast>> = {
  string: nullSafe(castStringOrNull),
  int64: nullSafe(castCustomInt64),
  float64: nullSafe(castCustomFloat64),
  bool: castCustomBool,
};

/** An event custom column reading one nested entry of another event column. */
export function nestedLookupEventColumn(
  iface: ColumnInterface,
  lookup: NestedLookup,
  type: CustomColumnType,
  sourceInterface: InterfaceId,
  options: Omit<ColumnOptions, 'cast' | 'dependsOn'> = {},
): EventColumn {
  return eventColumn(iface, (e) => lookUpNested(e.values, lookup), { ...options, cast: CUSTOM_COLUMN_CASTS[type], dependsOn: [sourceInterface] });
}
