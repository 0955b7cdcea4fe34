import type { EventColumn } from '../../../src/schema/column.js';
import { parseGoFloat64 } from '../../../src/schema/go-number.js';
import type { QueryParams } from '../../../src/hits/hit.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import { Ga4Event } from './interfaces.js';
import type { EventParam } from './nested-types.js';

const TEXT_PREFIX = 'ep.';
const NUMBER_PREFIX = 'epn.';

/**
 * Every event parameter of a hit: one entry per value of each `ep.<name>` (the text kept
 * whole, even when empty) and of each `epn.<name>` whose value parses as a number (others are
 * dropped). Entries follow the request's parameter order — the reference sorts them by name
 * with an unstable sort, so same-named entries came out in no fixed order.
 */
export function eventParams(params: QueryParams): EventParam[] {
  const out: EventParam[] = [];
  // forEach rather than for-of: the entries iterator makes an array per parameter.
  params.forEach((values, key) => {
    if (key.startsWith(TEXT_PREFIX)) {
      const name = key.slice(TEXT_PREFIX.length);
      for (const value of values) out.push({ name, value_string: value, value_number: null });
    } else if (key.startsWith(NUMBER_PREFIX)) {
      const name = key.slice(NUMBER_PREFIX.length);
      for (const value of values) {
        const number = value === '' ? null : parseGoFloat64(value);
        if (number !== null) out.push({ name, value_string: null, value_number: number });
      }
    }
  });
  return out;
}

export const eventParamsColumn: EventColumn = eventColumn(Ga4Event.params, (e) => eventParams(e.hit.request.queryParams));
