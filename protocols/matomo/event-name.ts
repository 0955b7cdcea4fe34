import type { PickedParams } from './params.js';

/** The event names a Matomo request can become, as d8a names them. */
export const MatomoEventNames = {
  ecommerceOrder: 'ecommerce_order',
  goalConversion: 'goal_conversion',
  videoPlay: 'video_play',
  download: 'download',
  outlink: 'outlink',
  siteSearch: 'site_search',
  contentInteraction: 'content_interaction',
  contentImpression: 'content_impression',
  customEvent: 'custom_event',
  pageView: 'page_view',
} as const;

const N = MatomoEventNames;

/**
 * Matomo requests carry no event name: it follows from which parameters are set, checked in
 * d8a's order (the first rule that matches wins). A parameter counts as set when its first value
 * is non-empty; `search` counts as soon as the key is there. Heartbeats (`ping=1`), cart
 * updates (`idgoal=0` without an order id) and product views keep d8a's names: page_view,
 * goal_conversion and page_view.
 */
export function deriveEventName(params: PickedParams): string {
  const set = (name: string): boolean => {
    const v = params.get(name);
    return v !== undefined && v !== '';
  };
  const idgoal = params.get('idgoal');
  if (idgoal === '0' && set('ec_id')) return N.ecommerceOrder;
  if (set('idgoal')) return N.goalConversion;
  if (set('ma_id') && params.get('ma_mt') === 'video') return N.videoPlay;
  if (set('download')) return N.download;
  if (set('link')) return N.outlink;
  if (params.has('search')) return N.siteSearch;
  if (set('c_i')) return N.contentInteraction;
  if (set('c_n')) return N.contentImpression;
  if (set('e_c') && set('e_a')) return N.customEvent;
  return N.pageView;
}
