/**
 * The GA4 `params_*` columns: each holds one query parameter of the hit through one cast.
 * The table drives both the interfaces (name, type, words) and the columns, so a parameter
 * is declared once. Rows are in the table's physical order.
 *
 * Casts: `string` empty → null, long values cut; `int64` base-10 integer else null; `float64`
 * Go float syntax else null; `bool` a yes/no word else null. The key decides the wire form:
 * `ep.` parameters are sent as text, `epn.` ones as numbers, and a column reads only the form
 * listed (a value sent as `epn.level` does not reach `params_level`, which reads `ep.level`).
 */

export type ParamCast = 'string' | 'int64' | 'float64' | 'bool';

export interface ParamColumnSpec {
  readonly column: string;
  /** Query parameter the column reads (its first value). */
  readonly key: string;
  readonly cast: ParamCast;
  readonly displayName: string;
  readonly description: string;
}

function p<const C extends string>(column: C, key: string, cast: ParamCast, displayName: string, description: string) {
  return { column, key, cast, displayName, description } as const;
}

export const PARAM_COLUMNS = [
  p('params_ignore_referrer', 'ir', 'bool', 'Ignore Referrer (param)', 'The ir flag as sent: the tracker asked attribution to disregard the referrer of this hit.'),
  p('params_engagement_time_ms', '_et', 'int64', 'Engagement Time (ms)', 'Milliseconds the page was in the foreground since the previous hit (_et).'),
  p('params_aclid', 'ep.aclid', 'string', 'Ad Click ID (aclid)', 'The aclid event parameter: a click identifier set by an ad network integration.'),
  p('params_anid', 'ep.anid', 'string', 'Ad Network ID (anid)', 'The anid event parameter: identifier of the ad network that served the ad.'),
  p('params_achievement_id', 'ep.achievement_id', 'string', 'Achievement ID', 'The achievement_id event parameter: which achievement a player unlocked.'),
  p('params_ad_event_id', 'ep.ad_event_id', 'string', 'Ad Event ID', 'The ad_event_id event parameter: identifier of an ad impression or click.'),
  p('params_ad_unit_code', 'ep.ad_unit_code', 'string', 'Ad Unit Code', 'The ad_unit_code event parameter: the ad slot that showed the ad.'),
  p('params_app_version', 'ep.app_version', 'string', 'App Version', 'The app_version event parameter: version of the app that sent the event.'),
  p('params_campaign', 'ep.campaign', 'string', 'Campaign (param)', 'The campaign event parameter: a campaign name the site passed with the event.'),
  p('params_campaign_content', 'ep.campaign_content', 'string', 'Campaign Content (param)', 'The campaign_content event parameter: which ad or link variant was clicked.'),
  p('params_campaign_id', 'ep.campaign_id', 'string', 'Campaign ID (param)', 'The campaign_id event parameter: identifier of the campaign.'),
  p('params_campaign_medium', 'ep.campaign_medium', 'string', 'Campaign Medium (param)', 'The campaign_medium event parameter: the marketing medium (cpc, email…).'),
  p('params_campaign_source', 'ep.campaign_source', 'string', 'Campaign Source (param)', 'The campaign_source event parameter: the referrer of the campaign (google, newsletter…).'),
  p('params_campaign_term', 'ep.campaign_term', 'string', 'Campaign Term (param)', 'The campaign_term event parameter: the paid keyword of the campaign.'),
  p('params_cancellation_reason', 'ep.cancellation_reason', 'string', 'Cancellation Reason', 'The cancellation_reason event parameter: why a subscription or order was cancelled.'),
  p('params_character', 'ep.character', 'string', 'Character', 'The character event parameter: the game character involved.'),
  p('params_content_description', 'ep.content', 'string', 'Content Description', 'The content event parameter: free text describing the content of the event.'),
  p('params_content_group', 'ep.content_group', 'string', 'Content Group', 'The content_group event parameter: the section of the site the page belongs to.'),
  p('params_content_id', 'ep.content_id', 'string', 'Content ID', 'The content_id event parameter: identifier of the selected content.'),
  p('params_content_type', 'ep.content_type', 'string', 'Content Type', 'The content_type event parameter: kind of the selected content (article, video…).'),
  p('params_coupon', 'ep.coupon', 'string', 'Coupon', 'The coupon event parameter: coupon code applied to the order.'),
  p('params_creative_name', 'ep.creative_name', 'string', 'Creative Name', 'The creative_name event parameter: name of the promotional creative.'),
  p('params_creative_slot', 'ep.creative_slot', 'string', 'Creative Slot', 'The creative_slot event parameter: where the promotional creative was shown.'),
  p('params_currency', 'ep.currency', 'string', 'Currency', 'Currency of the monetary values of the event (ISO 4217): the currency event parameter, else the cu parameter gtag sends.'),
  p('params_dclid', 'ep.dclid', 'string', 'Display Click ID (param)', 'The dclid event parameter: a Google display click identifier passed with the event.'),
  p('params_deferred_analytics_collection', 'ep.deferred_analytics_collection', 'bool', 'Deferred Analytics Collection', 'The deferred_analytics_collection event parameter: whether collection was deferred.'),
  p('params_disqualified_lead_reason', 'ep.disqualified_lead_reason', 'string', 'Disqualified Lead Reason', 'The disqualified_lead_reason event parameter: why a lead was disqualified.'),
  p('params_exposure_time', 'ep.exposure_time', 'int64', 'Exposure Time', 'The exposure_time event parameter read as a whole number: how long an ad was shown.'),
  p('params_fatal', 'ep.fatal', 'bool', 'Fatal', 'The fatal event parameter: whether the reported exception was fatal.'),
  p('params_file_extension', 'ep.file_extension', 'string', 'File Extension', 'The file_extension event parameter: extension of the downloaded file.'),
  p('params_file_name', 'ep.file_name', 'string', 'File Name', 'The file_name event parameter: path of the downloaded file.'),
  p('params_firebase_error', 'ep.firebase_error', 'string', 'Firebase Error', 'The firebase_error event parameter: error code reported by Firebase.'),
  p('params_firebase_error_value', 'ep.firebase_error_value', 'string', 'Firebase Error Value', 'The firebase_error_value event parameter: detail of the Firebase error.'),
  p('params_firebase_previous_class', 'ep.firebase_previous_class', 'string', 'Previous Screen Class', 'The firebase_previous_class event parameter: class of the screen shown before.'),
  p('params_firebase_previous_id', 'ep.firebase_previous_id', 'string', 'Previous Screen ID', 'The firebase_previous_id event parameter: identifier of the screen shown before.'),
  p('params_firebase_previous_screen', 'ep.firebase_previous_screen', 'string', 'Previous Screen', 'The firebase_previous_screen event parameter: name of the screen shown before.'),
  p('params_firebase_screen', 'ep.firebase_screen', 'string', 'Screen', 'The firebase_screen event parameter: name of the current app screen.'),
  p('params_firebase_screen_class', 'ep.firebase_screen_class', 'string', 'Screen Class', 'The firebase_screen_class event parameter: class of the current app screen.'),
  p('params_firebase_screen_id', 'ep.firebase_screen_id', 'string', 'Screen ID', 'The firebase_screen_id event parameter: identifier of the current app screen.'),
  p('params_form_destination', 'ep.form_destination', 'string', 'Form Destination', 'The form_destination event parameter: URL the form submits to.'),
  p('params_form_id', 'ep.form_id', 'string', 'Form ID', 'The form_id event parameter: the HTML id of the form interacted with.'),
  p('params_form_name', 'ep.form_name', 'string', 'Form Name', 'The form_name event parameter: the HTML name of the form.'),
  p('params_form_submit_text', 'ep.form_submit_text', 'string', 'Form Submit Text', 'The form_submit_text event parameter: label of the button that submitted the form.'),
  p('params_free_trial', 'ep.free_trial', 'bool', 'Free Trial', 'The free_trial event parameter: whether the subscription started as a free trial.'),
  p('params_ga_session_id', 'ep.ga_session_id', 'string', 'GA Session ID', 'The ga_session_id event parameter: the session identifier Google Analytics assigned.'),
  p('params_ga_session_number', 'epn.ga_session_number', 'int64', 'GA Session Number', 'The numeric ga_session_number event parameter: the session count Google Analytics assigned.'),
  p('params_gclid', 'ep.gclid', 'string', 'Google Click ID (param)', 'The gclid event parameter: a Google Ads click identifier passed with the event.'),
  p('params_group_id', 'ep.group_id', 'string', 'Group ID', 'The group_id event parameter: identifier of the group a user joined.'),
  p('params_introductory_price', 'epn.introductory_price', 'float64', 'Introductory Price', 'The numeric introductory_price event parameter: price of an introductory offer.'),
  p('params_item_list_id', 'ep.item_list_id', 'string', 'Item List ID', 'The item_list_id event parameter: the list the items were shown in.'),
  p('params_item_list_name', 'ep.item_list_name', 'string', 'Item List Name', 'The item_list_name event parameter: name of the list the items were shown in.'),
  p('params_item_name', 'ep.item_name', 'string', 'Item Name (param)', 'The item_name event parameter: name of an item given at event level.'),
  p('params_label', 'ep.label', 'string', 'Label', 'The label event parameter: a free-form label of the event.'),
  p('params_language', 'ep.language', 'string', 'Language (param)', 'The language event parameter: a language the site passed with the event.'),
  p('params_lead_source', 'ep.lead_source', 'string', 'Lead Source', 'The lead_source event parameter: where a lead came from.'),
  p('params_lead_status', 'ep.lead_status', 'string', 'Lead Status', 'The lead_status event parameter: the stage a lead is in.'),
  p('params_level', 'ep.level', 'int64', 'Level', 'The level event parameter read as a whole number: the game level reached.'),
  p('params_level_name', 'ep.level_name', 'string', 'Level Name', 'The level_name event parameter: name of the game level.'),
  p('params_link_classes', 'ep.link_classes', 'string', 'Link Classes', 'The link_classes event parameter: the HTML classes of the clicked link.'),
  p('params_link_domain', 'ep.link_domain', 'string', 'Link Domain', 'The link_domain event parameter: host the clicked link points to.'),
  p('params_link_id', 'ep.link_id', 'string', 'Link ID', 'The link_id event parameter: the HTML id of the clicked link.'),
  p('params_link_text', 'ep.link_text', 'string', 'Link Text', 'The link_text event parameter: the visible text of the clicked link.'),
  p('params_link_url', 'ep.link_url', 'string', 'Link URL', 'The link_url event parameter: target of the clicked link or downloaded file.'),
  p('params_message_device_time', 'ep.message_device_time', 'int64', 'Message Device Time', 'The message_device_time event parameter read as a whole number: when the device received a message.'),
  p('params_message_id', 'ep.message_id', 'string', 'Message ID', 'The message_id event parameter: identifier of an in-app or push message.'),
  p('params_message_name', 'ep.message_name', 'string', 'Message Name', 'The message_name event parameter: name of the message.'),
  p('params_message_time', 'ep.message_time', 'int64', 'Message Time', 'The message_time event parameter read as a whole number: when the message was sent.'),
  p('params_message_type', 'ep.message_type', 'string', 'Message Type', 'The message_type event parameter: kind of the message.'),
  p('params_method', 'ep.method', 'string', 'Method', 'The method event parameter: how the visitor signed up, logged in or shared.'),
  p('params_outbound', 'ep.outbound', 'bool', 'Outbound', 'The outbound event parameter: whether the clicked link leaves the site.'),
  p('params_payment_type', 'ep.payment_type', 'string', 'Payment Type', 'The payment_type event parameter: the payment method chosen.'),
  p('params_percent_scrolled', 'epn.percent_scrolled', 'float64', 'Percent Scrolled', 'The numeric percent_scrolled event parameter: how far down the page the visitor scrolled.'),
  p('params_previous_app_version', 'ep.previous_app_version', 'string', 'Previous App Version', 'The previous_app_version event parameter: app version before an update.'),
  p('params_previous_first_open_count', 'ep.previous_first_open_count', 'int64', 'Previous First Open Count', 'The previous_first_open_count event parameter read as a whole number.'),
  p('params_previous_gmp_app_id', 'ep.previous_gmp_app_id', 'string', 'Previous GMP App ID', 'The previous_gmp_app_id event parameter: the Firebase app id before a change.'),
  p('params_previous_os_version', 'ep.previous_os_version', 'string', 'Previous OS Version', 'The previous_os_version event parameter: operating system version before an update.'),
  p('params_price', 'epn.price', 'float64', 'Price (param)', 'The numeric price event parameter: a price given at event level.'),
  p('params_product_id', 'ep.product_id', 'string', 'Product ID', 'The product_id event parameter: a product identifier given at event level.'),
  p('params_promotion_id', 'ep.promotion_id', 'string', 'Promotion ID', 'The promotion_id event parameter: identifier of the promotion.'),
  p('params_promotion_name', 'ep.promotion_name', 'string', 'Promotion Name', 'The promotion_name event parameter: name of the promotion.'),
  p('params_quantity', 'epn.quantity', 'float64', 'Quantity (param)', 'The numeric quantity event parameter: a quantity given at event level.'),
  p('params_renewal_count', 'epn.renewal_count', 'int64', 'Renewal Count', 'The numeric renewal_count event parameter: how many times a subscription renewed.'),
  p('params_reset_analytics_cause', 'ep.reset_analytics_cause', 'string', 'Reset Analytics Cause', 'The reset_analytics_cause event parameter: why the analytics data was reset.'),
  p('params_reward_type', 'ep.reward_type', 'string', 'Reward Type', 'The reward_type event parameter: kind of reward granted (e.g. for a rewarded ad).'),
  p('params_reward_value', 'epn.reward_value', 'float64', 'Reward Value', 'The numeric reward_value event parameter: amount of the reward.'),
  p('params_score', 'epn.score', 'int64', 'Score', 'The numeric score event parameter: the score posted in a game.'),
  p('params_screen_resolution', 'ep.screen_resolution', 'string', 'Screen Resolution (param)', 'The screen_resolution event parameter: a resolution the app passed with the event.'),
  p('params_search_term', 'ep.search_term', 'string', 'Search Term', 'The search_term event parameter: what the visitor searched for on the site.'),
  p('params_shipping', 'epn.shipping', 'float64', 'Shipping (param)', 'The numeric shipping event parameter: shipping cost of the order.'),
  p('params_shipping_tier', 'ep.shipping_tier', 'string', 'Shipping Tier', 'The shipping_tier event parameter: the delivery option chosen.'),
  p('params_srsltid', 'ep.srsltid', 'string', 'Merchant Center Click ID (param)', 'The srsltid event parameter: a Google Merchant Center click identifier passed with the event.'),
  p('params_subscription', 'ep.subscription', 'bool', 'Subscription', 'The subscription event parameter: whether the purchase is a subscription.'),
  p('params_success', 'ep.success', 'bool', 'Success', 'The success event parameter: whether the action (e.g. a level) succeeded.'),
  p('params_system_app', 'ep.system_app', 'bool', 'System App', 'The system_app event parameter: whether the app is preinstalled on the device.'),
  p('params_system_app_update', 'ep.system_app_update', 'bool', 'System App Update', 'The system_app_update event parameter: whether a preinstalled app was updated.'),
  p('params_tax', 'epn.tax', 'float64', 'Tax (param)', 'The numeric tax event parameter: tax of the order.'),
  p('params_topic', 'ep.topic', 'string', 'Topic', 'The topic event parameter: the messaging topic involved.'),
  p('params_transaction_id', 'ep.transaction_id', 'string', 'Transaction ID', 'The transaction_id event parameter: the order number of a purchase or refund.'),
  p('params_unconvert_lead_reason', 'ep.unconvert_lead_reason', 'string', 'Unconvert Lead Reason', 'The unconvert_lead_reason event parameter: why a converted lead was reverted.'),
  p('params_updated_with_analytics', 'ep.updated_with_analytics', 'bool', 'Updated With Analytics', 'The updated_with_analytics event parameter: whether the app update included analytics.'),
  p('params_value', 'epn.value', 'float64', 'Value', 'The numeric value event parameter: the monetary value of the event.'),
  p('params_video_current_time', 'epn.video_current_time', 'int64', 'Video Current Time', 'The numeric video_current_time event parameter: seconds into the video; null when fractional.'),
  p('params_video_duration', 'epn.video_duration', 'int64', 'Video Duration', 'The numeric video_duration event parameter: length of the video in seconds; null when fractional.'),
  p('params_video_percent', 'ep.video_percent', 'int64', 'Video Percent', 'The video_percent event parameter read as a whole number: share of the video watched.'),
  p('params_video_provider', 'ep.video_provider', 'string', 'Video Provider', 'The video_provider event parameter: the video platform (youtube, vimeo…).'),
  p('params_video_title', 'ep.video_title', 'string', 'Video Title', 'The video_title event parameter: title of the video.'),
  p('params_video_url', 'ep.video_url', 'string', 'Video URL', 'The video_url event parameter: address of the video.'),
  p('params_virtual_currency_name', 'ep.virtual_currency_name', 'string', 'Virtual Currency Name', 'The virtual_currency_name event parameter: the in-game currency involved.'),
  p('params_visible', 'ep.visible', 'bool', 'Visible', 'The visible event parameter: whether the element was visible.'),
] as const;

export type ParamColumnName = (typeof PARAM_COLUMNS)[number]['column'];
