import { Float64, Int64, Utf8, type DataType } from 'apache-arrow';
import { EMPTY_COLUMN_SET, type ColumnSet, type EventColumn } from '../../../src/schema/column.js';
import { defineInterface, type InterfaceId } from '../../../src/schema/interface.js';
import type { Ga4ParamColumn, PropertySettings, ProtocolId } from '../../../src/settings/types.js';
import { CoreEvent, CoreSession, CoreSessionScoped } from '../../../columns/core/interfaces.js';
import { nestedLookupEventColumn } from '../../../columns/generic/nested-lookup.js';
import { d8aInterfaceId } from '../../d8a/columns/interface-ids.js';
import { Ga4Event, Ga4Session } from './interfaces.js';

/**
 * `ga4.params` custom columns: one event column per configured parameter, holding that
 * parameter's value from the `params` list (`value_string` for text columns, `value_number`
 * for numeric ones), so a parameter without a built-in column can still be queried flat.
 */

export const CUSTOM_EVENT_PREFIX = 'customcolumns.d8a.tech/event/';

const TYPES: Record<Ga4ParamColumn['type'], () => DataType> = {
  string: () => new Utf8(),
  int64: () => new Int64(),
  float64: () => new Float64(),
};

export class CustomColumnConfigError extends Error {
  override readonly name = 'CustomColumnConfigError';
}

/**
 * The id of the `params` interface in a protocol's table, or null when the protocol has none.
 * The native protocol renames GA4 ids, so its custom columns depend on the renamed one (the
 * reference kept the GA4 id there and could not build the native protocol's custom columns).
 */
export function eventParamsInterfaceId(protocol: ProtocolId): InterfaceId | null {
  switch (protocol) {
    case 'ga4':
      return Ga4Event.params.id;
    case 'd8a':
      return d8aInterfaceId(Ga4Event.params.id);
    default:
      return null;
  }
}

let builtInNames: ReadonlySet<string> | undefined;

/** Names of the columns every GA4-shaped table has; custom columns must not reuse them. */
function ga4BuiltInColumnNames(): ReadonlySet<string> {
  builtInNames ??= new Set(
    [CoreEvent, CoreSessionScoped, CoreSession, Ga4Event, Ga4Session].flatMap((group) => Object.values(group).map((iface) => iface.field.name)),
  );
  return builtInNames;
}

/** One `ga4.params` entry as an event column reading the `params` interface `paramsInterface`. */
export function ga4ParamCustomColumn(param: Ga4ParamColumn, paramsInterface: InterfaceId): EventColumn {
  const iface = defineInterface(CUSTOM_EVENT_PREFIX + param.columnName, param.columnName, TYPES[param.type](), { nullable: true });
  const valueField = param.type === 'string' ? 'value_string' : 'value_number';
  const wire = param.type === 'string' ? `ep.${param.name}` : `epn.${param.name}`;
  return nestedLookupEventColumn(
    iface,
    { sourceField: Ga4Event.params.field.name, matchField: 'name', matchEquals: param.name, valueField },
    param.type,
    paramsInterface,
    { displayName: param.columnName, description: `Custom column: the ${wire} event parameter (${param.type}).` },
  );
}

/**
 * The `ga4.params` custom columns of a property. Only GA4 and native-protocol properties have
 * event parameters; for any other protocol the list does not apply and nothing is added.
 * Throws `CustomColumnConfigError` when a column would take the name of a built-in column
 * (the reference accepted that and produced a table with two columns of one name).
 */
export function ga4CustomColumns(property: PropertySettings): ColumnSet {
  const params = property.customColumns.ga4Params;
  const paramsInterface = eventParamsInterfaceId(property.protocol);
  if (params.length === 0 || paramsInterface === null) return EMPTY_COLUMN_SET;
  const builtIn = ga4BuiltInColumnNames();
  const event: EventColumn[] = [];
  for (const param of params) {
    if (builtIn.has(param.columnName)) {
      throw new CustomColumnConfigError(
        `property "${property.id}": ga4.params entry "${param.name}" would create column "${param.columnName}", which is a built-in column; set column_name to another name`,
      );
    }
    event.push(ga4ParamCustomColumn(param, paramsInterface));
  }
  return { event, sessionScoped: [], session: [] };
}
