import { readFileSync } from 'node:fs';
import type { CustomEndpoint } from '../protocol.js';
import { Ga4Protocol } from '../ga4/protocol.js';

export const D8A_COLLECT_PATH = '/d/c';
export const WEB_TRACKER_PATH = '/d/wt.min.js';

// Read from the source tree (the compiled module lives in dist/protocols/d8a/).
const WEB_TRACKER = readFileSync(new URL('../../../protocols/d8a/static/wt.min.js', import.meta.url));

const STATIC_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, X-Requested-With',
  'Access-Control-Max-Age': '86400',
};

/**
 * The native protocol: GA4's wire format on its own endpoint, so that sites using Cairn's own
 * tracker (served at /d/wt.min.js) are told apart (`tracking_protocol` = `d8a`) from gtag traffic.
 */
export class D8aProtocol extends Ga4Protocol {
  constructor() {
    super('d8a', D8A_COLLECT_PATH);
  }

  override customEndpoints(): CustomEndpoint[] {
    return [
      ...super.customEndpoints(),
      {
        path: WEB_TRACKER_PATH,
        methods: ['GET'],
        handle: () => ({
          status: 200,
          headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
          body: WEB_TRACKER,
        }),
      },
      { path: WEB_TRACKER_PATH, methods: ['OPTIONS'], handle: () => ({ status: 204, headers: { ...STATIC_CORS }, body: '' }) },
    ];
  }
}
