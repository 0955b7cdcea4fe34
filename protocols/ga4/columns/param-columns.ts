import type { EventColumn } from '../../../src/schema/column.js';
import { castBoolOrNull, castFloat64OrNull, castInt64OrNull, castStringOrNull, type Cast } from '../../../src/schema/casts.js';
import { queryParamEventColumn, queryParamValue } from '../../../columns/generic/query-param.js';
import { eventColumn } from '../../../columns/generic/simple.js';
import { Ga4Event } from './interfaces.js';
import { PARAM_COLUMNS, type ParamCast } from './param-table.js';

const CASTS: Record<ParamCast, Cast> = {
  string: castStringOrNull,
  int64: castInt64OrNull,
  float64: castFloat64OrNull,
  bool: castBoolOrNull,
};

/** gtag's own currency parameter, sent with every e-commerce event. */
export const GTAG_CURRENCY_KEY = 'cu';

/**
 * `ep.currency` when it has a value, else `cu`. The reference reads only `ep.currency`, which
 * gtag and d8a's web tracker never send, so their purchases had no currency at all.
 */
export const currencyColumn: EventColumn = eventColumn(
  Ga4Event.params_currency,
  (e) => {
    const explicit = queryParamValue(e.hit, 'ep.currency');
    if (explicit === null || explicit !== '') return explicit;
    return queryParamValue(e.hit, GTAG_CURRENCY_KEY);
  },
  { cast: castStringOrNull },
);

/** The 109 `params_*` columns, each one query parameter through its cast. */
export function paramColumns(): EventColumn[] {
  return PARAM_COLUMNS.map((spec) => {
    if (spec.column === 'params_currency') return currencyColumn;
    return queryParamEventColumn(Ga4Event[spec.column], spec.key, { cast: CASTS[spec.cast] });
  });
}
