import type { SessionColumn } from '../../../src/schema/column.js';
import { withDescription } from '../../../src/schema/interface.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import { sessionCounterColumns } from '../../../columns/core/counters.js';
import { totalEventsColumn } from '../../../columns/generic/event-counters.js';
import { queryParamValue } from '../../../columns/generic/query-param.js';
import { sessionColumn } from '../../../columns/generic/simple.js';
import { MatomoEventNames as N } from '../event-name.js';
import { mergeCustomDimensions, mergeCustomVariables, parseCustomVariables } from './custom-data.js';
import { MatomoEvent, MatomoSession as S } from './interfaces.js';

/** The column with its catalogue description replaced: the core words are GA4's event names. */
function described(column: SessionColumn, description: string): SessionColumn {
  return {
    ...column,
    implements: withDescription({ id: column.implements.id, field: column.implements.field }, description),
    docs: { ...column.docs, description },
  };
}

const key = (iface: { id: string; field: { name: string } }): { id: string; field: string } => ({ id: iface.id, field: iface.field.name });

/** The core session counters with Matomo's event names; Matomo has no scroll or form events. */
export function matomoCounterColumns(): SessionColumn[] {
  const [purchases, scrolls, outbound, uniqueOutbound, searches, uniqueSearches, forms, uniqueForms, videos, downloads, uniqueDownloads] = sessionCounterColumns({
    purchases: { names: [N.ecommerceOrder] },
    scrolls: null,
    outboundClicks: { names: [N.outlink], keyFields: [key(MatomoEvent.params_link_url)] },
    siteSearches: { names: [N.siteSearch], keyFields: [key(MatomoEvent.params_search_term)] },
    formInteractions: null,
    videoEngagements: { names: [N.videoPlay] },
    fileDownloads: { names: [N.download], keyFields: [key(MatomoEvent.params_download_url)] },
  }) as [SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn, SessionColumn];
  return [
    described(purchases, 'Number of ecommerce orders in the session.'),
    described(scrolls, 'Always null: Matomo does not track scrolling.'),
    described(outbound, 'Number of outlink clicks in the session.'),
    described(uniqueOutbound, 'Number of distinct outlinks clicked in the session.'),
    described(searches, 'Number of site searches in the session.'),
    described(uniqueSearches, 'Number of distinct search terms searched for in the session.'),
    described(forms, 'Always null: Matomo does not track form interactions.'),
    described(uniqueForms, 'Always null: Matomo does not track form interactions.'),
    described(videos, 'Number of video plays in the session.'),
    described(downloads, 'Number of file downloads in the session.'),
    described(uniqueDownloads, 'Number of distinct files downloaded in the session.'),
  ];
}

export const sessionCustomVariablesColumn = sessionColumn(S.session_custom_variables, (session) =>
  mergeCustomVariables(session.events.map((event) => parseCustomVariables(queryParamValue(event.hit, '_cvar')))),
);

export const sessionCustomDimensionsColumn = sessionColumn(
  S.session_custom_dimensions,
  (session) => mergeCustomDimensions(session.events.map((event) => event.values[MatomoEvent.custom_dimensions.field.name])),
  { dependsOn: [MatomoEvent.custom_dimensions.id] },
);

/** Returning: decided by the session's first event alone, whose `_idn` is 0 for a known visitor. */
export const sessionReturningUserColumn = sessionColumn(S.session_returning_user, (session) => {
  const first = session.events[0];
  return first !== undefined && queryParamValue(first.hit, '_idn') === '0';
});

const NAME_DEPENDENCY = { dependsOn: [CoreEvent.name.id] };

export function matomoSessionColumns(): SessionColumn[] {
  return [
    ...matomoCounterColumns(),
    sessionCustomVariablesColumn,
    sessionCustomDimensionsColumn,
    totalEventsColumn(S.session_total_goal_conversions, [N.goalConversion], NAME_DEPENDENCY),
    totalEventsColumn(S.session_total_content_impressions, [N.contentImpression], NAME_DEPENDENCY),
    totalEventsColumn(S.session_total_content_interactions, [N.contentInteraction], NAME_DEPENDENCY),
    sessionReturningUserColumn,
  ];
}
