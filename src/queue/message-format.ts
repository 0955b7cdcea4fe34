/**
 * The byte layout of a task on the queue, the same for every queue backend and readable by the
 * reference implementation:
 *
 *   [1 byte: type length L][L bytes: type, UTF-8]
 *   [2 bytes: header length H, big-endian][H bytes: JSON object of string headers + "\n"]
 *   [body: every remaining byte]
 *
 * Header keys are written sorted, so the same task always serializes to the same bytes.
 */
import type { Task } from './task.js';

/** A task that cannot be written in, or read from, the message format. */
export class MessageFormatError extends Error {
  override readonly name = 'MessageFormatError';
}

const MAX_TYPE_BYTES = 0xff;
const MAX_HEADER_BYTES = 0xffff;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function encodeHeaders(headers: Record<string, string>): Uint8Array {
  const keys = Object.keys(headers).sort();
  // Build the JSON by hand from sorted keys: JSON.stringify on the object would follow its own
  // key order, and copying into a fresh object would mishandle a `__proto__` key.
  const parts: string[] = [];
  for (const k of keys) {
    const v: unknown = headers[k];
    if (typeof v !== 'string') throw new MessageFormatError(`task header ${JSON.stringify(k)} is not a string`);
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return utf8.encode(`{${parts.join(',')}}\n`);
}

export function serializeTask(task: Task): Uint8Array {
  const type = utf8.encode(task.type);
  if (type.byteLength > MAX_TYPE_BYTES) {
    throw new MessageFormatError(`task type is ${type.byteLength} bytes long; at most ${MAX_TYPE_BYTES} fit`);
  }
  const headers = encodeHeaders(task.headers);
  if (headers.byteLength > MAX_HEADER_BYTES) {
    throw new MessageFormatError(`encoded task headers are ${headers.byteLength} bytes long; at most ${MAX_HEADER_BYTES} fit`);
  }
  const out = new Uint8Array(1 + type.byteLength + 2 + headers.byteLength + task.body.byteLength);
  let at = 0;
  out[at++] = type.byteLength;
  out.set(type, at);
  at += type.byteLength;
  out[at++] = headers.byteLength >>> 8;
  out[at++] = headers.byteLength & 0xff;
  out.set(headers, at);
  at += headers.byteLength;
  out.set(task.body, at);
  return out;
}

function decodeHeaders(raw: Uint8Array): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(raw));
  } catch (err) {
    throw new MessageFormatError(`task headers are not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MessageFormatError('task headers are not a JSON object');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new MessageFormatError(`task header ${JSON.stringify(k)} is not a string`);
    // Assignment would treat `__proto__` as the prototype setter; define it as a plain key.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function deserializeTask(data: Uint8Array): Task {
  if (data.byteLength === 0) throw new MessageFormatError('message is empty');
  const typeLen = data[0] as number;
  let at = 1;
  if (data.byteLength < at + typeLen) {
    throw new MessageFormatError(`message too short for its ${typeLen}-byte task type (${data.byteLength - at} bytes left)`);
  }
  let type: string;
  try {
    type = strictUtf8.decode(data.subarray(at, at + typeLen));
  } catch {
    throw new MessageFormatError('task type is not valid UTF-8');
  }
  at += typeLen;
  if (data.byteLength < at + 2) {
    throw new MessageFormatError(`message too short for the 2-byte header length (${data.byteLength - at} bytes left)`);
  }
  const headerLen = ((data[at] as number) << 8) | (data[at + 1] as number);
  at += 2;
  if (data.byteLength < at + headerLen) {
    throw new MessageFormatError(`message too short for its ${headerLen}-byte headers (${data.byteLength - at} bytes left)`);
  }
  const headers = decodeHeaders(data.subarray(at, at + headerLen));
  at += headerLen;
  // Copy so the task does not pin the whole message buffer (or alias a caller's buffer).
  return { type, headers, body: new Uint8Array(data.subarray(at)) };
}
