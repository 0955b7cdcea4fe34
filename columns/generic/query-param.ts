import type { EventColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import { firstParam, type Hit } from '../../src/hits/hit.js';
import { noCast } from '../../src/schema/casts.js';
import { eventColumn, type ColumnOptions } from './simple.js';

/**
 * A query parameter as the reference's columns read it: the first value, `""` when the
 * parameter is absent, and null only when the hit has no query parameters at all.
 */
export function queryParamValue(hit: Hit, key: string): string | null {
  const params = hit.request.queryParams;
  if (params.size === 0) return null;
  return firstParam(params, key) ?? '';
}

/** An event column holding one query parameter of the hit, through the given cast (none by default). */
export function queryParamEventColumn(iface: ColumnInterface, key: string, options: ColumnOptions = {}): EventColumn {
  const column = eventColumn(iface, (event) => queryParamValue(event.hit, key), options);
  return { ...column, queryParam: { key, cast: options.cast ?? noCast } };
}
