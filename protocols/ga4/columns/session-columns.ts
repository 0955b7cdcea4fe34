import type { SessionColumn } from '../../../src/schema/column.js';
import { parseGoInt64 } from '../../../src/schema/go-number.js';
import { CoreEvent } from '../../../columns/core/interfaces.js';
import { sessionCounterColumns } from '../../../columns/core/counters.js';
import { countEventsNamed } from '../../../columns/generic/event-counters.js';
import { eventNameOf } from '../../../columns/generic/event-name.js';
import { queryParamValue } from '../../../columns/generic/query-param.js';
import { sessionColumn } from '../../../columns/generic/simple.js';
import { Ga4EventNames as N } from './event-names.js';
import { Ga4Event, Ga4Session } from './interfaces.js';

const linkUrl = { id: Ga4Event.params_link_url.id, field: Ga4Event.params_link_url.field.name };

/** The core session counters with GA4's event names. */
export function ga4CounterColumns(): SessionColumn[] {
  return sessionCounterColumns({
    purchases: { names: [N.purchase] },
    scrolls: { names: [N.scroll] },
    outboundClicks: { names: [N.click], keyFields: [linkUrl] },
    siteSearches: { names: [N.viewSearchResults, N.search], keyFields: [{ id: Ga4Event.params_search_term.id, field: Ga4Event.params_search_term.field.name }] },
    formInteractions: { names: [N.formSubmit, N.formStart], keyFields: [{ id: Ga4Event.params_form_id.id, field: Ga4Event.params_form_id.field.name }] },
    videoEngagements: { names: [N.videoStart, N.videoComplete, N.videoProgress] },
    fileDownloads: { names: [N.fileDownload], keyFields: [linkUrl] },
  });
}

const PAGE_VIEWS = new Set<string>([N.pageView]);
const SCREEN_VIEWS = new Set<string>([N.screenView]);
const PURCHASES = new Set<string>([N.purchase]);

/** Engaged: the tracker's `seg` flag on any event, two page or screen views, or a purchase. */
export const sessionIsEngagedColumn = sessionColumn(
  Ga4Session.session_is_engaged,
  (session) => {
    for (const event of session.events) {
      const seg = queryParamValue(event.hit, 'seg');
      if (seg === null || seg === '') continue;
      const flag = parseGoInt64(seg);
      if (flag !== null && flag !== 0 && flag !== 0n) return true;
    }
    return countEventsNamed(session, PAGE_VIEWS) >= 2 || countEventsNamed(session, SCREEN_VIEWS) >= 2 || countEventsNamed(session, PURCHASES) >= 1;
  },
  { dependsOn: [CoreEvent.name.id] },
);

/** Returning: any event whose cookie session count is 2 or more. */
export const sessionReturningUserColumn = sessionColumn(
  Ga4Session.session_returning_user,
  (session) =>
    session.events.some((event) => {
      const n = event.values[Ga4Event.client_session_number.field.name];
      return (typeof n === 'number' || typeof n === 'bigint') && n >= 2;
    }),
  { dependsOn: [Ga4Event.client_session_number.id] },
);

/** Abandoned: an add_to_cart with no purchase after the last one. */
export const sessionAbandonedCartColumn = sessionColumn(
  Ga4Session.session_abandoned_cart,
  (session) => {
    let lastAdd = -1;
    let lastPurchase = -1;
    session.events.forEach((event, i) => {
      const name = eventNameOf(event);
      if (name === N.addToCart) lastAdd = i;
      else if (name === N.purchase) lastPurchase = i;
    });
    return lastAdd >= 0 && lastAdd > lastPurchase;
  },
  { dependsOn: [CoreEvent.name.id] },
);

export function ga4SessionColumns(): SessionColumn[] {
  return [...ga4CounterColumns(), sessionIsEngagedColumn, sessionReturningUserColumn, sessionAbandonedCartColumn];
}
