/** GA4 event names the session columns look for. */
export const Ga4EventNames = {
  pageView: 'page_view',
  screenView: 'screen_view',
  purchase: 'purchase',
  refund: 'refund',
  addToCart: 'add_to_cart',
  scroll: 'scroll',
  click: 'click',
  viewSearchResults: 'view_search_results',
  search: 'search',
  formSubmit: 'form_submit',
  formStart: 'form_start',
  videoStart: 'video_start',
  videoProgress: 'video_progress',
  videoComplete: 'video_complete',
  fileDownload: 'file_download',
} as const;
