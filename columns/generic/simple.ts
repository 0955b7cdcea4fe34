import type { ColumnDocs, EventColumn, SessionColumn, SessionScopedEventColumn } from '../../src/schema/column.js';
import { writeOfParts } from '../../src/schema/column.js';
import { noCast, type Cast } from '../../src/schema/casts.js';
import { withDescription, type ColumnInterface, type InterfaceId } from '../../src/schema/interface.js';
import { valueSetter, type Event, type Session } from '../../src/schema/session.js';
import type { DocumentedInterface } from './documented-interface.js';

export interface ColumnOptions {
  /** Interfaces the column reads; replaces nothing, the list is exactly what is given. */
  dependsOn?: readonly InterfaceId[];
  /** Applied to the value the reader returns before it is stored. */
  cast?: Cast;
  displayName?: string;
  description?: string;
}

function isDocumented(iface: ColumnInterface): iface is DocumentedInterface {
  return 'description' in iface && 'displayName' in iface;
}

function docsFor(iface: ColumnInterface, options: ColumnOptions): { implements: ColumnInterface; docs: ColumnDocs } {
  const displayName = options.displayName ?? (isDocumented(iface) ? iface.displayName : '');
  const description = options.description ?? (isDocumented(iface) ? iface.description : '');
  return {
    implements: withDescription({ id: iface.id, field: iface.field }, description),
    docs: { columnName: iface.field.name, displayName, description, interfaceId: iface.id },
  };
}

/** An event column that stores `cast(read(event))` under the interface's field name. */
export function eventColumn(iface: ColumnInterface, read: (event: Event) => unknown, options: ColumnOptions = {}): EventColumn {
  const set = valueSetter(iface.field.name);
  const cast = options.cast ?? noCast;
  return {
    scope: 'event',
    ...docsFor(iface, options),
    dependsOn: options.dependsOn ?? [],
    write: writeOfParts((event: Event): void => set(event.values, cast(read(event))), { read, cast, set }),
  };
}

/** A session-scoped event column: `read(session, i)` sees the whole session and produces event i's value. */
export function sessionScopedColumn(
  iface: ColumnInterface,
  read: (session: Session, index: number) => unknown,
  options: ColumnOptions = {},
): SessionScopedEventColumn {
  const set = valueSetter(iface.field.name);
  const cast = options.cast ?? noCast;
  return {
    scope: 'session-scoped',
    ...docsFor(iface, options),
    dependsOn: options.dependsOn ?? [],
    write(session: Session, index: number): void {
      const event = session.events[index];
      if (event === undefined) return;
      set(event.values, cast(read(session, index)));
    },
  };
}

/** A session column that stores `cast(read(session))` in the session's values. */
export function sessionColumn(iface: ColumnInterface, read: (session: Session) => unknown, options: ColumnOptions = {}): SessionColumn {
  const set = valueSetter(iface.field.name);
  const cast = options.cast ?? noCast;
  return {
    scope: 'session',
    ...docsFor(iface, options),
    dependsOn: options.dependsOn ?? [],
    write(session: Session): void {
      set(session.values, cast(read(session)));
    },
  };
}

/** An event column that is always null: the stand-in when a provider (device, geo) is off. */
export function alwaysNullEventColumn(iface: ColumnInterface, options: ColumnOptions = {}): EventColumn {
  return eventColumn(iface, () => null, options);
}

/** The value a column stored on an event, or undefined when it stored nothing. */
export function eventValue(event: Event, iface: ColumnInterface): unknown {
  return event.values[iface.field.name];
}
