import type { Headers } from '../../src/hits/hit.js';
import type { Response } from '../protocol.js';

/**
 * A transparent 1×1 GIF, built from its parts: header, logical screen of 1×1 with a two-colour
 * global table, a graphic-control extension marking colour 0 transparent, one 1×1 image whose
 * LZW data paints that colour, and the trailer.
 */
export const TRANSPARENT_GIF: Buffer = Buffer.concat([
  Buffer.from('GIF89a', 'latin1'),
  Buffer.from([0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00]),
  Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff, 0xff]),
  Buffer.from([0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00]),
  Buffer.from([0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]),
  Buffer.from([0x3b]),
]);

/**
 * CORS for Matomo hits: like Matomo itself, a non-GET request that names its origin gets that
 * origin back with credentials allowed. matomo.js reads the status of its XHR POSTs and sends
 * the request again (by beacon or image) when it cannot, so without these headers every
 * cross-origin XHR hit would be counted twice. GET hits (images) need nothing.
 */
export function matomoCorsHeaders(method: string, headers: Headers): Record<string, string> {
  if (method === 'GET') return {};
  const origin = headers.get('Origin')?.[0];
  if (origin === undefined || origin === '') return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** Whether the client asked for a JSON answer (the bulk status) through its Accept header. */
export function acceptsJson(headers: Headers): boolean {
  const accept = headers.get('Accept');
  if (accept === undefined) return false;
  return accept.some((value) => value.split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === 'application/json'));
}

export function gifResponse(extraHeaders: Record<string, string>): Response {
  return {
    status: 200,
    headers: { ...extraHeaders, 'Content-Type': 'image/gif', 'Cache-Control': 'no-store' },
    body: TRANSPARENT_GIF,
  };
}

/** Matomo's answer to a bulk request: how many entries were tracked (Cairn accepts all or none). */
export function bulkStatusResponse(tracked: number, extraHeaders: Record<string, string>): Response {
  return {
    status: 200,
    headers: { ...extraHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify({ status: 'success', tracked, invalid: 0 }),
  };
}
