import { Ga4Protocol } from '../ga4/protocol.js';

export const D8A_COLLECT_PATH = '/d/c';

/**
 * The native protocol: GA4's wire format on its own endpoint, so that sites using Cairn's own
 * tracker are told apart (`tracking_protocol` = `d8a`) from gtag traffic.
 */
export class D8aProtocol extends Ga4Protocol {
  constructor() {
    super('d8a', D8A_COLLECT_PATH);
  }
}
