import type { EventColumn } from '../../../src/schema/column.js';
import { parseGoFloat64 } from '../../../src/schema/go-number.js';
import { eventTimeMicros, type Hit } from '../../../src/hits/hit.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import { Ga4Event } from './interfaces.js';
import type { UserProperty } from './nested-types.js';

const TEXT_PREFIX = 'up.';
const NUMBER_PREFIX = 'upn.';
/**
 * When a user property was set, in microseconds, keyed by its name. gtag has no such
 * parameter; the Measurement Protocol's `set_timestamp_micros` travels in it.
 */
export const USER_PROPERTY_TIME_PREFIX = '_upt.';

function setTime(hit: Hit, name: string): number {
  const raw = hit.request.queryParams.get(USER_PROPERTY_TIME_PREFIX + name)?.[0];
  const n = raw === undefined || !/^\d{1,16}$/.test(raw) ? NaN : Number(raw);
  return Number.isSafeInteger(n) ? n : eventTimeMicros(hit);
}

/**
 * The user properties of a hit in request order: `up.<name>` as text, `upn.<name>` as a number
 * (unparsable numbers are dropped, as in `params`). A property is set when the event happened
 * unless the sender said otherwise.
 */
export function userProperties(hit: Hit): UserProperty[] {
  const out: UserProperty[] = [];
  // forEach rather than for-of: the entries iterator makes an array per parameter.
  hit.request.queryParams.forEach((values, key) => {
    const text = key.startsWith(TEXT_PREFIX);
    if (!text && !key.startsWith(NUMBER_PREFIX)) return;
    const name = key.slice(text ? TEXT_PREFIX.length : NUMBER_PREFIX.length);
    const value = values[0] ?? '';
    if (text) {
      out.push({ name, value_string: value, value_number: null, set_timestamp_micros: setTime(hit, name) });
    } else {
      const number = value === '' ? null : parseGoFloat64(value);
      if (number !== null) out.push({ name, value_string: null, value_number: number, set_timestamp_micros: setTime(hit, name) });
    }
  });
  return out;
}

export const userPropertiesColumn: EventColumn = eventColumn(Ga4Event.user_properties, (e) => userProperties(e.hit));
