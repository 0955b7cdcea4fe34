import type { StorageBytes } from './bytes.js';

export interface KVSetOptions {
  /** Leave an existing value in place. */
  skipIfKeyAlreadyExists?: boolean;
  /**
   * Return the value the key held before the call (null for a new key). With
   * `skipIfKeyAlreadyExists` on an existing key that is the current, unchanged value.
   */
  returnPreviousValue?: boolean;
}

/**
 * Byte-keyed key/value storage (the reference's KV). Synchronous: both implementations finish
 * their work before returning, and the SQLite one joins a transaction already open on its
 * database, which lets callers make a KV write part of a larger atomic step.
 *
 * Errors: a null/undefined key throws `NilKeyError`, an empty key `EmptyKeyError`, a
 * null/undefined value `NilValueError`. An empty value is a value.
 */
export interface KV {
  /** The value, or null when the key is absent. */
  get(key: StorageBytes): Uint8Array | null;
  /** Stores the value; returns what `options` ask for, otherwise null. */
  set(key: StorageBytes, value: StorageBytes, options?: KVSetOptions): Uint8Array | null;
  /** Removing an absent key is not an error. */
  delete(key: StorageBytes): void;
}

/** Listing of keys; offered by the implementations, not part of the KV contract itself. */
export interface KeyListing {
  /** Keys starting with `prefix` (empty: all), in byte order; `maxKeys` 0 means no limit. */
  keys(prefix?: StorageBytes, maxKeys?: number): Uint8Array[];
}

export function checkedMaxKeys(maxKeys: number | undefined): number {
  const n = maxKeys ?? 0;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`maxKeys must be a non-negative integer, got ${String(maxKeys)}`);
  return n;
}
