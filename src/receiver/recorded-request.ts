/**
 * The recorded-request format shared by the raw log (`receiver.raw_log.path`) and
 * `cairn replay`: one JSON object per line.
 */
export interface RecordedRequest {
  /** RFC 3339 server-received time. */
  at: string;
  method: string;
  /** Path and query exactly as received (`/g/collect?v=2&…`). */
  url: string;
  headers: Record<string, string | string[]>;
  /** Client IP (the TCP peer, or the address a trusted proxy forwarded). */
  ip: string;
  body?: string;
  body_base64?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function recordRequest(r: {
  serverReceivedTime: number;
  method: string;
  url: string;
  headers: Map<string, string[]>;
  ip: string;
  body: Uint8Array;
}): RecordedRequest {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of r.headers) headers[k] = v.length === 1 ? v[0]! : v.slice();
  const rec: RecordedRequest = { at: new Date(r.serverReceivedTime).toISOString(), method: r.method, url: r.url, headers, ip: r.ip };
  if (r.body.byteLength > 0) {
    try {
      rec.body = strictUtf8.decode(r.body);
    } catch {
      rec.body_base64 = Buffer.from(r.body).toString('base64');
    }
  } else {
    rec.body = '';
  }
  return rec;
}

export class RecordedRequestError extends Error {
  override readonly name = 'RecordedRequestError';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses and validates one line; errors name the field at fault. */
export function parseRecordedRequest(line: string): { record: RecordedRequest; time: number; body: Buffer } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new RecordedRequestError(`not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordedRequestError('expected a JSON object');
  const o = value as Record<string, unknown>;
  const str = (field: string): string => {
    const v = o[field];
    if (typeof v !== 'string') throw new RecordedRequestError(`field "${field}" must be a string`);
    return v;
  };
  const at = str('at');
  if (!RFC3339.test(at)) throw new RecordedRequestError(`field "at" is not an RFC 3339 time: ${JSON.stringify(at)}`);
  const time = Date.parse(at.replace(' ', 'T'));
  if (Number.isNaN(time)) throw new RecordedRequestError(`field "at" is not a valid time: ${JSON.stringify(at)}`);
  const method = str('method').toUpperCase();
  const url = str('url');
  if (!url.startsWith('/')) throw new RecordedRequestError(`field "url" must start with "/": ${JSON.stringify(url.slice(0, 80))}`);
  const ip = o['ip'] === undefined ? '' : str('ip');
  const rawHeaders = o['headers'] ?? {};
  if (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders)) {
    throw new RecordedRequestError('field "headers" must be an object of strings');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(rawHeaders as Record<string, unknown>)) {
    if (typeof v === 'string') headers[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) headers[k] = v as string[];
    else throw new RecordedRequestError(`header "${k}" must be a string or a list of strings`);
  }
  let body: Buffer;
  if (o['body_base64'] !== undefined) {
    const b64 = str('body_base64');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new RecordedRequestError('field "body_base64" is not base64');
    body = Buffer.from(b64, 'base64');
  } else if (o['body'] !== undefined) {
    body = Buffer.from(str('body'), 'utf8');
  } else {
    body = Buffer.alloc(0);
  }
  const record: RecordedRequest = { at, method, url, headers, ip };
  return { record, time, body };
}
