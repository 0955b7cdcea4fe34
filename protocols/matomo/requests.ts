import { assertDecodable, QueryStringError } from '../../src/receiver/querystring.js';
import type { TrackingRequest } from '../protocol.js';
import { ProtocolError } from '../protocol.js';

/**
 * Most entries a bulk request may carry. Each entry becomes a hit of its own (with its own
 * copy of the request headers in the queue), so an unbounded list would let one request tie up
 * the receiver; Matomo's own importers send a few hundred at a time.
 */
export const MAX_BULK_ENTRIES = 10_000;

/** The parameters of one would-be hit and the bytes it carries as its body. */
export interface MatomoEntry {
  /** Raw query strings, a later one's keys replacing an earlier one's (form body, then URL). */
  layers: string[];
  body: Uint8Array;
  /** Names the entry in error messages: `` for a single request, `requests[3]` in a bulk one. */
  label: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

function trimmed(body: Uint8Array): Uint8Array {
  let start = 0;
  let end = body.length;
  while (start < end && isSpace(body[start]!)) start++;
  while (end > start && isSpace(body[end - 1]!)) end--;
  return body.subarray(start, end);
}

function bodyText(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new ProtocolError('the request body is not valid UTF-8');
  }
}

function checkDecodable(raw: string, where: string): void {
  try {
    assertDecodable(raw);
  } catch (err) {
    if (err instanceof QueryStringError) throw new ProtocolError(`${where}: ${err.message}`);
    throw err;
  }
}

/** `application/x-www-form-urlencoded`, whatever its parameters (`; charset=UTF-8`). */
function isFormEncoded(request: TrackingRequest): boolean {
  const type = request.headers.get('Content-Type')?.[0];
  if (type === undefined) return false;
  return type.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * The query string of a bulk entry. Entries are usually `?a=b&…`; Matomo's PHP SDK sends whole
 * tracker URLs (`https://host/matomo.php?a=b&…`). Text before the first `?` that holds no `=`
 * or `&` is a URL or path and is dropped; otherwise the `?` belongs to a value and the entry
 * is a query string as it is.
 */
export function bulkEntryQuery(entry: string): string {
  const s = entry.trim();
  const q = s.indexOf('?');
  if (q === -1) return s;
  const before = s.slice(0, q);
  return before.includes('=') || before.includes('&') ? s : s.slice(q + 1);
}

function bulkEntries(text: string): MatomoEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(`the bulk request body is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('the bulk request body must be a JSON object with a `requests` list');
  }
  const requests = (parsed as Record<string, unknown>)['requests'];
  if (requests === undefined || requests === null) return [];
  if (!Array.isArray(requests)) throw new ProtocolError('`requests` in the bulk request body must be a list of query strings');
  if (requests.length > MAX_BULK_ENTRIES) {
    throw new ProtocolError(`the bulk request has ${requests.length} entries; at most ${MAX_BULK_ENTRIES} are accepted per request`);
  }
  return requests.map((entry: unknown, i) => {
    const label = `requests[${i}]`;
    if (typeof entry !== 'string') throw new ProtocolError(`${label} is not a string`);
    const query = bulkEntryQuery(entry);
    checkDecodable(query, label);
    // Each hit carries its own entry as its body, not the whole bulk body: the size limit then
    // applies per event, as it does to single requests, and the queue does not store the whole
    // body once per entry.
    return { layers: [query], body: Buffer.from(query, 'utf8'), label };
  });
}

/** Whether the body is a bulk request: its first non-blank byte is `{`. */
export function isBulkBody(body: Uint8Array): boolean {
  const t = trimmed(body);
  return t.length > 0 && t[0] === 0x7b;
}

/**
 * The one entry of a single (not bulk) request: the URL query, over a form-encoded body when
 * there is one (matomo.js posts its parameters that way when it uses sendBeacon or XHR).
 */
export function singleEntry(request: TrackingRequest): MatomoEntry {
  const body = trimmed(request.body);
  if (body.length > 0 && isFormEncoded(request)) {
    const form = bodyText(body);
    checkDecodable(form, 'request body');
    return { layers: request.rawQuery === '' ? [form] : [form, request.rawQuery], body: request.body, label: '' };
  }
  return { layers: [request.rawQuery], body: request.body, label: '' };
}

/**
 * Splits a Matomo request into the entries that become hits: a bulk request gives one entry
 * per string of its `requests` list (its URL query is ignored), any other request one entry.
 */
export function splitRequest(request: TrackingRequest): MatomoEntry[] {
  return isBulkBody(request.body) ? bulkEntries(bodyText(trimmed(request.body))) : [singleEntry(request)];
}
