/**
 * Measurement Protocol request bodies in the shapes GA4's documentation gives for them: a
 * purchase with items, a login, and a custom event with user properties.
 */

export const PURCHASE = {
  client_id: '1369988567.1756151735',
  events: [
    {
      name: 'purchase',
      params: {
        currency: 'USD',
        transaction_id: 'T_12345',
        value: 30.03,
        coupon: 'SUMMER_FUN',
        shipping: 3.33,
        tax: 1.11,
        session_id: '1758117187',
        engagement_time_msec: 100,
        items: [
          {
            item_id: 'SKU_12345',
            item_name: 'Stan and Friends Tee',
            affiliation: 'Google Merchandise Store',
            coupon: 'SUMMER_FUN',
            discount: 2.22,
            index: 0,
            item_brand: 'Google',
            item_category: 'Apparel',
            item_category2: 'Adult',
            item_list_id: 'related_products',
            item_list_name: 'Related Products',
            item_variant: 'green',
            location_id: 'ChIJIQBpAG2ahYAR_6128GcTUEo',
            price: 9.99,
            quantity: 1,
          },
          { item_id: 'SKU_12346', item_name: "Google Grey Women's Tee", price: 10.01, quantity: 2, item_variant: 'gray' },
        ],
      },
    },
  ],
};

export const LOGIN = {
  client_id: '1369988567.1756151735',
  user_id: 'user-42',
  events: [{ name: 'login', params: { method: 'Google' } }],
};

export const CUSTOM_WITH_USER_PROPERTIES = {
  client_id: '1369988567.1756151735',
  user_properties: { customer_tier: { value: 'premium' }, lifetime_orders: { value: 12 } },
  events: [{ name: 'newsletter_signup', params: { list: 'weekly', position: 3, newsletter_opt_in: true } }],
};

/** An app stream's body: the installation id instead of a client id. */
export const APP_EVENT = {
  app_instance_id: 'cbd7e1c2c4f544d2a0a8f3e6b2d1c0a9',
  events: [{ name: 'level_up', params: { level: 5, character: 'wizard' } }],
};
