import type { StorageBytes } from './bytes.js';

/**
 * A set of byte values per byte key (the reference's Set; named so it does not shadow the
 * built-in `Set`). Adding a value twice keeps one; removing the last value removes the key.
 *
 * Errors: `add`, `delete`, `all` and `drop` throw `NilKeyError` / `EmptyKeyError` for a missing
 * or empty key; `add` and `delete` throw `NilValueError` for a missing value. An empty value
 * is a value like any other.
 */
export interface KeyedSet {
  add(key: StorageBytes, value: StorageBytes): void;
  /** Removing a value or key that is not there is not an error. */
  delete(key: StorageBytes, value: StorageBytes): void;
  /** Every value of the key in byte order; an absent key gives an empty list. */
  all(key: StorageBytes): Uint8Array[];
  /** Removes the key with all its values. */
  drop(key: StorageBytes): void;
}
