/**
 * Schema evolution shared by every driver: which columns a table lacks, whether the columns it
 * has can take what Cairn writes, and the create-then-add-columns routine that `cairn server`
 * and `cairn migrate` run before any row is written.
 */
import { DataType, Type, type Field, type Schema } from 'apache-arrow';
import type { Logger } from '../monitoring/logger.js';
import { silentLogger } from '../monitoring/logger.js';
import type { Driver } from './driver.js';
import { MultipleTypeIncompatibleError, TableAlreadyExistsError, TypeIncompatibleError } from './errors.js';

/**
 * A driver-specific exception to the structural comparison (e.g. "a ClickHouse LowCardinality
 * string is a string"). `handled: false` lets the next rule decide; a handled verdict of
 * "incompatible" does not fail by itself, it only stops the rules so the structural check runs.
 */
export type CompatibilityRule = (expected: DataType, actual: DataType, path: string) => { handled: boolean; compatible: boolean };

/** Marks a list's element in comparison paths, e.g. `items[LIST_ELEMENT].price`. */
const LIST_ELEMENT = '[LIST_ELEMENT]';

/**
 * Structural comparison of Arrow types. Field metadata never takes part: drivers keep storage
 * hints there (codecs, low cardinality) that must not read as a type change.
 */
export class TypeComparer {
  constructor(private readonly rules: readonly CompatibilityRule[] = []) {}

  /** Null when `actual` can be written into a column of type `expected`; otherwise the reason. */
  compare(expected: DataType, actual: DataType, path: string): string | null {
    for (const rule of this.rules) {
      const verdict = rule(expected, actual, path);
      if (!verdict.handled) continue;
      if (verdict.compatible) return null;
      break;
    }
    if (expected.typeId !== actual.typeId) {
      return `${path}: type IDs differ - expected: ${typeIdName(expected)}, actual: ${typeIdName(actual)}`;
    }
    if (DataType.isList(expected) && DataType.isList(actual)) {
      // Element nullability is deliberately ignored: warehouses report it inconsistently.
      return this.compare(expected.valueType, actual.valueType, `${path}${LIST_ELEMENT}`);
    }
    if (DataType.isStruct(expected) && DataType.isStruct(actual)) {
      return this.compareStructs(expected.children, actual.children, path);
    }
    if (DataType.isTimestamp(expected) && DataType.isTimestamp(actual)) {
      if (expected.unit !== actual.unit) {
        return `${path}: timestamp units differ - expected: ${timeUnitName(expected.unit)}, actual: ${timeUnitName(actual.unit)}`;
      }
      const expectedZone = expected.timezone ?? '';
      const actualZone = actual.timezone ?? '';
      if (expectedZone !== actualZone) {
        return `${path}: timestamp timezones differ - expected: ${JSON.stringify(expectedZone)}, actual: ${JSON.stringify(actualZone)}`;
      }
      return null;
    }
    const expectedText = String(expected);
    const actualText = String(actual);
    return expectedText === actualText ? null : `${path}: types differ - expected: ${expectedText}, actual: ${actualText}`;
  }

  /** Null when a column declared as `existing` accepts values of the field `input`. */
  fieldsIncompatibility(existing: Field, input: Field): string | null {
    return this.compare(existing.type, input.type, existing.name);
  }

  private compareStructs(expected: readonly Field[], actual: readonly Field[], path: string): string | null {
    if (expected.length !== actual.length) {
      return `${path}: struct field counts differ - expected: ${expected.length}, actual: ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const a = actual[i];
      if (e === undefined || a === undefined) continue;
      const at = `${path}.STRUCT[${i}].${e.name}`;
      if (e.name !== a.name) return `${at}: struct field names differ - expected: ${e.name}, actual: ${a.name}`;
      if (e.nullable !== a.nullable) {
        return `${at}: struct field nullability differs - expected: ${e.nullable}, actual: ${a.nullable}`;
      }
      const reason = this.compare(e.type, a.type, at);
      if (reason !== null) return reason;
    }
    return null;
  }
}

function typeIdName(type: DataType): string {
  return Type[type.typeId] ?? String(type.typeId);
}

function timeUnitName(unit: number): string {
  return ['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'][unit] ?? String(unit);
}

export const defaultTypeComparer = new TypeComparer();

/**
 * The input schema's fields that `existing` lacks, in schema order. Columns present on both
 * sides must be compatible; if any is not, every incompatibility is reported together and no
 * list is returned, so a caller never adds columns to a table it cannot write to anyway.
 * Columns only the table has are ignored.
 */
export function findMissingColumns(
  table: string,
  existing: ReadonlyMap<string, Field>,
  input: Schema,
  comparer: TypeComparer = defaultTypeComparer,
): Field[] {
  const missing: Field[] = [];
  const incompatible: TypeIncompatibleError[] = [];
  for (const field of input.fields) {
    const current = existing.get(field.name);
    if (current === undefined) {
      missing.push(field);
      continue;
    }
    const reason = comparer.fieldsIncompatibility(current, field);
    if (reason !== null) {
      incompatible.push(new TypeIncompatibleError(table, field.name, String(current.type), String(field.type), reason));
    }
  }
  if (incompatible.length > 0) throw new MultipleTypeIncompatibleError(table, incompatible);
  return missing;
}

export interface TableToEnsure {
  name: string;
  schema: Schema;
}

/** What `ensureTables` did to one table, for `cairn migrate` to print. */
export interface EnsuredTable {
  table: string;
  created: boolean;
  addedColumns: string[];
}

/**
 * Brings every table up to its schema: creates it when absent, otherwise adds the columns it
 * lacks, in schema order. Never drops or alters a column; a column of another type stops the
 * run with an error naming the table, the column and both types.
 */
export async function ensureTables(
  driver: Driver,
  tables: readonly TableToEnsure[],
  logger: Logger = silentLogger,
): Promise<EnsuredTable[]> {
  const report: EnsuredTable[] = [];
  for (const { name, schema } of tables) {
    let created = true;
    try {
      await driver.createTable(name, schema);
      logger.info('created table', { table: name, columns: schema.fields.length });
    } catch (err) {
      if (!(err instanceof TableAlreadyExistsError)) throw err;
      created = false;
      logger.debug('table already exists', { table: name });
    }
    const missing = await driver.missingColumns(name, schema);
    const addedColumns: string[] = [];
    for (const field of missing) {
      await driver.addColumn(name, field);
      addedColumns.push(field.name);
      logger.info('added column', { table: name, column: field.name, type: String(field.type) });
    }
    report.push({ table: name, created, addedColumns });
  }
  return report;
}
