import type { SessionColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Session } from '../../src/schema/session.js';
import { eventNameOf } from './event-name.js';
import { goFormatValue } from './go-format.js';
import { sessionColumn, type ColumnOptions } from './simple.js';

/** How many events of the session carry one of `names` (0 when none; never null). */
export function countEventsNamed(session: Session, names: ReadonlySet<string>): number {
  let n = 0;
  for (const event of session.events) {
    const name = eventNameOf(event);
    if (name !== null && names.has(name)) n++;
  }
  return n;
}

/**
 * How many distinct events of the session carry one of `names`, an event being identified by
 * its name together with the values of `keyFields`. Like the reference, the key repeats the
 * name for each key field present on the event, renders null as `<nil>`, and is empty when
 * no key field is present at all.
 */
export function countUniqueEventsNamed(session: Session, names: ReadonlySet<string>, keyFields: readonly string[]): number {
  // Most sessions have none or one such key: the set is made only for a second, different one.
  let first: string | undefined;
  let keys: Set<string> | undefined;
  for (const event of session.events) {
    const name = eventNameOf(event);
    if (name === null || !names.has(name)) continue;
    let key = '';
    for (const field of keyFields) {
      // Values objects hold every column of the table; a field counts once a column wrote it.
      if (event.values[field] === undefined) continue;
      key += `${name}||${goFormatValue(event.values[field])}`;
    }
    if (first === undefined) first = key;
    else if (keys !== undefined) keys.add(key);
    else if (key !== first) keys = new Set([first, key]);
  }
  return keys !== undefined ? keys.size : first === undefined ? 0 : 1;
}

export function totalEventsColumn(iface: ColumnInterface, names: readonly string[], options: ColumnOptions = {}): SessionColumn {
  const set = new Set(names);
  return sessionColumn(iface, (session) => countEventsNamed(session, set), options);
}

export function uniqueEventsColumn(iface: ColumnInterface, names: readonly string[], keyFields: readonly string[], options: ColumnOptions = {}): SessionColumn {
  const set = new Set(names);
  return sessionColumn(iface, (session) => countUniqueEventsNamed(session, set, keyFields), options);
}
