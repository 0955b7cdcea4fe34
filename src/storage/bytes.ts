/**
 * Keys and values of the storage primitives are bytes; strings are accepted for convenience
 * and stored as their UTF-8 encoding.
 */
import { EmptyKeyError, NilKeyError, NilValueError } from './errors.js';

export type StorageBytes = Uint8Array | string;

const utf8 = new TextEncoder();

function asBytes(v: StorageBytes): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

/** Validates a key the way every operation does: nil first, then empty. */
export function checkedKey(key: unknown): Uint8Array {
  if (key === null || key === undefined) throw new NilKeyError();
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array or a string');
  const bytes = asBytes(key);
  if (bytes.byteLength === 0) throw new EmptyKeyError();
  return bytes;
}

export function checkedValue(value: unknown): Uint8Array {
  if (value === null || value === undefined) throw new NilValueError();
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) throw new TypeError('value must be a Uint8Array or a string');
  return asBytes(value);
}

/** A prefix may be empty (it then matches every key). */
export function prefixBytes(prefix: StorageBytes | null | undefined): Uint8Array {
  return prefix === null || prefix === undefined ? new Uint8Array(0) : asBytes(prefix);
}

/**
 * A private copy as a plain Uint8Array: callers must not be able to change stored bytes, and
 * both implementations should hand back the same type (SQLite returns Buffers).
 */
export function copyBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/**
 * Latin-1 maps every byte to one UTF-16 code unit, so the string is a lossless map key and
 * compares in the same order as the bytes.
 */
export function bytesToMapKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

export function mapKeyToBytes(s: string): Uint8Array {
  return copyBytes(Buffer.from(s, 'latin1'));
}

export function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Buffer view without copying, for binding to SQLite. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
