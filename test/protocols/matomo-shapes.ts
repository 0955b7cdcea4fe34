/**
 * Matomo requests as real trackers send them, for the Matomo tests: matomo.js (5.x) for a page
 * view, a custom event, a site search, an ecommerce order with two items and a content
 * interaction; the PHP and Node SDKs' bulk bodies. Values are made up; the parameter sets and
 * their order are the trackers'.
 */
import type { TrackingRequest } from '../../protocols/protocol.js';
import { headersFromRecord } from '../../src/receiver/headers.js';

export const VISITOR = '5f2c1b0e9a7d3c41';
export const T0 = Date.UTC(2025, 5, 2, 10, 0, 0);

export const BROWSER_HEADERS: Record<string, string> = {
  Host: 'stats.example.org',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  Accept: 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8',
  'Accept-Language': 'de-DE,de;q=0.9,en;q=0.8',
  Referer: 'https://shop.example/',
};

const enc = encodeURIComponent;

/** The parameters matomo.js adds to every request after the action's own. */
function common(pvId: string, extra = ''): string {
  return (
    `idsite=3&rec=1&r=348215&h=12&m=3&s=27&url=${enc('https://shop.example/products/running-shoes?utm_source=newsletter&utm_campaign=spring')}` +
    `&urlref=${enc('https://www.google.com/')}&_id=${VISITOR}&_idn=0&send_image=0&_refts=0&pv_id=${pvId}` +
    `&pf_net=0&pf_srv=38&pf_tfr=4&pf_dm1=210&pf_dm2=15&pf_onl=2` +
    `&uadata=${enc('{"fullVersionList":[{"brand":"Chromium","version":"140.0.7339.127"}],"mobile":false,"model":"","platform":"Linux","platformVersion":"6.14.5"}')}` +
    `&pdf=1&qt=0&realp=0&wma=0&fla=0&java=0&ag=0&cookie=1&res=1920x1080${extra}`
  );
}

export const MATOMO_JS = {
  pageView: `action_name=${enc('Running shoes – Shop')}&${common('Xy3kQ2', `&dimension1=${enc('logged-in')}&cvar=${enc('{"1":["page type","product"]}')}`)}`,
  event: `e_c=Videos&e_a=Play&e_n=${enc('Intro video')}&e_v=12.5&ca=1&${common('Xy3kQ2')}`,
  siteSearch: `search=${enc('trail shoes')}&search_cat=Shoes&search_count=42&${common('Pq7RtZ')}`,
  order:
    `idgoal=0&ec_id=ORD-1001&revenue=129.9&ec_st=119.9&ec_tx=10&ec_sh=5&ec_dt=5` +
    `&ec_items=${enc(JSON.stringify([['SKU-1', 'Running shoes', ['Shoes', 'Running'], 59.95, 2], ['SKU-2', 'Socks', 'Accessories', 10]]))}` +
    `&_ects=1748856000&ca=1&${common('Lm2NoP')}`,
  contentInteraction: `c_i=click&c_n=${enc('Hero Banner')}&c_p=${enc('/img/hero.jpg')}&c_t=${enc('https://shop.example/sale')}&ca=1&${common('Xy3kQ2')}`,
  heartbeat: `ping=1&ca=1&${common('Xy3kQ2')}`,
};

/** What the PHP SDK's doBulkTrack() posts: whole tracker URLs, `/` escaped as PHP's json_encode does. */
export const PHP_SDK_BULK =
  '{"requests":[' +
  [
    `http:\\/\\/stats.example.org\\/matomo.php?idsite=3&rec=1&apiv=1&r=604316&cip=198.51.100.7&_idts=1748856000&_idvc=1&cid=${VISITOR}&url=${enc('https://shop.example/checkout')}&urlref=&action_name=Checkout&ua=${enc('Mozilla/5.0 (Windows NT 10.0)')}&lang=fr`,
    `http:\\/\\/stats.example.org\\/matomo.php?idsite=3&rec=1&apiv=1&r=118204&_idts=1748856000&_idvc=1&cid=${VISITOR}&url=${enc('https://shop.example/checkout/done')}&urlref=&e_c=Checkout&e_a=Done&e_v=3`,
  ]
    .map((s) => `"${s}"`)
    .join(',') +
  '],"token_auth":"0123456789abcdef0123456789abcdef"}';

/** What the Node SDK's trackBulk() posts: its own query first, then `idsite` and `rec`. */
export function nodeSdkBulk(idsite = 3): string {
  return JSON.stringify({
    requests: [
      `?url=${enc('https://shop.example/app/home')}&action_name=Home&_id=${VISITOR}&idsite=${idsite}&rec=1`,
      `?url=${enc('https://shop.example/app/cart')}&action_name=Cart&_id=${VISITOR}&idsite=${idsite}&rec=1`,
    ],
  });
}

export function request(overrides: Partial<TrackingRequest> & { headersRecord?: Record<string, string> } = {}): TrackingRequest {
  const { headersRecord, ...rest } = overrides;
  return {
    method: 'GET',
    path: '/matomo.php',
    rawQuery: '',
    body: Buffer.alloc(0),
    headers: headersFromRecord(headersRecord ?? BROWSER_HEADERS),
    ip: '198.51.100.23',
    host: 'stats.example.org',
    serverReceivedTime: T0,
    key: 'k',
    ...rest,
  };
}
