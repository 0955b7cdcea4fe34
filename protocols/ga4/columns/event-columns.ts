import type { EventColumn } from '../../../src/schema/column.js';
import { castInt64OrNull, castNonEmptyString, castStringOrNull } from '../../../src/schema/casts.js';
import { queryParamEventColumn } from '../../../columns/generic/query-param.js';
import { Ga4Event } from './interfaces.js';

/**
 * The GA4 event columns the core session columns need (counter keys, returning visitor) and
 * the measurement id. The rest of the GA4 catalogue adds its columns next to these.
 */
export function ga4EventColumns(): EventColumn[] {
  return [
    queryParamEventColumn(Ga4Event.measurement_id, 'tid', { cast: castNonEmptyString }),
    queryParamEventColumn(Ga4Event.client_session_number, 'sct', { cast: castInt64OrNull }),
    queryParamEventColumn(Ga4Event.params_form_id, 'ep.form_id', { cast: castStringOrNull }),
    queryParamEventColumn(Ga4Event.params_link_url, 'ep.link_url', { cast: castStringOrNull }),
    queryParamEventColumn(Ga4Event.params_search_term, 'ep.search_term', { cast: castStringOrNull }),
  ];
}
