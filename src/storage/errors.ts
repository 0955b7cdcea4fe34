/**
 * Input errors of the storage primitives. They mirror the reference's sentinel errors so a
 * caller can tell a programming mistake (no key, no value) from a failing disk.
 */
export class StorageInputError extends Error {
  override readonly name: string = 'StorageInputError';
}

/** The key was null or undefined (the reference's nil key). */
export class NilKeyError extends StorageInputError {
  override readonly name = 'NilKeyError';
  constructor() {
    super('key must not be nil');
  }
}

/** The key was present but had no bytes. */
export class EmptyKeyError extends StorageInputError {
  override readonly name = 'EmptyKeyError';
  constructor() {
    super('key must not be empty');
  }
}

/** The value was null or undefined; an empty value is allowed. */
export class NilValueError extends StorageInputError {
  override readonly name = 'NilValueError';
  constructor() {
    super('value must not be nil');
  }
}
