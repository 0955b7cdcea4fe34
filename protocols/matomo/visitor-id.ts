import type { TrackingRequest } from '../protocol.js';
import { maskIp } from '../../src/receiver/ip-masking.js';
import type { IpMaskingLevel } from '../../src/settings/types.js';
import { firstHeaderValue, SESSION_STAMP_HEADERS, sha256Hex } from '../../src/protosessions/stamps.js';
import { utcDate } from '../../src/hits/utc-text.js';

/**
 * A visitor id for a request that carries none (`_id` and `cid` absent or empty, e.g. a
 * server-side SDK with cookies off): the same browser fingerprint the computed session stamp
 * uses — the browser headers, the IP after the property's masking, the property and the UTC
 * day — hashed with SHA-256 and cut to the 16 hex digits of a Matomo visitor id. A visitor's
 * hits therefore stay in one session, where a random id per hit would give each its own; the
 * day in the input keeps the id from following anyone across days, and the raw IP never
 * enters it when the property masks IPs.
 */
export function derivedVisitorId(request: TrackingRequest, propertyId: string, ipMaskingLevel: IpMaskingLevel): string {
  const parts = SESSION_STAMP_HEADERS.map((h) => firstHeaderValue(request.headers, h));
  parts.push(maskIp(request.ip, ipMaskingLevel), propertyId, utcDate(request.serverReceivedTime));
  return sha256Hex(`matomo-visitor|${parts.join('|')}`).slice(0, 16);
}
