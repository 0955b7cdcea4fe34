import { EMPTY_COLUMN_SET, type ColumnSet, type EventColumn, type SessionColumn } from '../../../src/schema/column.js';
import type { MatomoCustomColumn, PropertySettings } from '../../../src/settings/types.js';
import { CoreEvent, CoreSession, CoreSessionScoped } from '../../../columns/core/interfaces.js';
import { arrowTypes, documentedInterface, type DocumentedInterface } from '../../../columns/generic/documented-interface.js';
import { CUSTOM_COLUMN_CASTS, lookUpNested, type NestedLookup } from '../../../columns/generic/nested-lookup.js';
import { eventColumn, sessionColumn } from '../../../columns/generic/simple.js';
import { MatomoEvent, MatomoSession } from './interfaces.js';

/**
 * The custom columns of `matomo.custom_dimensions` and `matomo.custom_variables`: one text
 * column per entry, picking one slot (dimensions) or one name (variables) out of the Matomo
 * list columns — the event lists for event scope, the session lists for session scope (the
 * last value in the session). Like every custom column they sort after the built-in columns
 * of their kind.
 */

const CUSTOM_COLUMNS_PREFIX = 'customcolumns.d8a.tech/';

export class MatomoCustomColumnError extends Error {
  override readonly name = 'MatomoCustomColumnError';
}

interface Source {
  event: DocumentedInterface;
  session: DocumentedInterface;
  matchField: 'slot' | 'name';
}

const DIMENSIONS: Source = { event: MatomoEvent.custom_dimensions, session: MatomoSession.session_custom_dimensions, matchField: 'slot' };
const VARIABLES: Source = { event: MatomoEvent.custom_variables, session: MatomoSession.session_custom_variables, matchField: 'name' };

function build(entry: MatomoCustomColumn, matchEquals: string | number, source: Source, label: string): EventColumn | SessionColumn {
  const when = entry.scope === 'session' ? 'its last value in the session' : 'as sent with the event';
  const iface = documentedInterface(`${CUSTOM_COLUMNS_PREFIX}${entry.scope}/${entry.columnName}`, entry.columnName, arrowTypes.utf8(), entry.columnName, `Custom column: ${label}, ${when}.`, {
    nullable: true,
  });
  const list = entry.scope === 'session' ? source.session : source.event;
  const lookup: NestedLookup = { sourceField: list.field.name, matchField: source.matchField, matchEquals, valueField: 'value' };
  const options = { cast: CUSTOM_COLUMN_CASTS.string, dependsOn: [list.id] };
  return entry.scope === 'session'
    ? sessionColumn(iface, (session) => lookUpNested(session.values, lookup), options)
    : eventColumn(iface, (event) => lookUpNested(event.values, lookup), options);
}

export function customDimensionColumn(entry: MatomoCustomColumn): EventColumn | SessionColumn {
  const slot = entry.slot ?? 0;
  return build(entry, slot, DIMENSIONS, `Matomo custom dimension ${slot} (${entry.name})`);
}

export function customVariableColumn(entry: MatomoCustomColumn): EventColumn | SessionColumn {
  return build(entry, entry.name, VARIABLES, `Matomo custom variable "${entry.name}"`);
}

let builtInNames: ReadonlySet<string> | undefined;

/** Names of the columns every Matomo table has; custom columns must not take them. */
function matomoBuiltInColumnNames(): ReadonlySet<string> {
  builtInNames ??= new Set([CoreEvent, CoreSessionScoped, CoreSession, MatomoEvent, MatomoSession].flatMap((group) => Object.values(group).map((iface) => iface.field.name)));
  return builtInNames;
}

/**
 * A property's Matomo custom columns. Only Matomo properties get them: the lists they read
 * exist only in Matomo tables, and with several properties the top-level `matomo.*` entries
 * are inherited by every property, GA4 ones included. Throws `MatomoCustomColumnError` when
 * a column would take the name of a built-in column.
 */
export function matomoCustomColumns(property: PropertySettings): ColumnSet {
  if (property.protocol !== 'matomo') return EMPTY_COLUMN_SET;
  const { matomoCustomDimensions, matomoCustomVariables } = property.customColumns;
  const builtIn = matomoBuiltInColumnNames();
  for (const [key, entries] of [['matomo.custom_dimensions', matomoCustomDimensions], ['matomo.custom_variables', matomoCustomVariables]] as const) {
    for (const entry of entries) {
      if (builtIn.has(entry.columnName)) {
        throw new MatomoCustomColumnError(
          `property "${property.id}": ${key} entry "${entry.name}" would create column "${entry.columnName}", which is a built-in column; set column_name to another name`,
        );
      }
    }
  }
  const columns = [...matomoCustomDimensions.map(customDimensionColumn), ...matomoCustomVariables.map(customVariableColumn)];
  return {
    event: columns.filter((c): c is EventColumn => c.scope === 'event'),
    sessionScoped: [],
    session: columns.filter((c): c is SessionColumn => c.scope === 'session'),
  };
}
