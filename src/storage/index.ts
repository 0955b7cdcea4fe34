export { EmptyKeyError, NilKeyError, NilValueError, StorageInputError } from './errors.js';
export type { StorageBytes } from './bytes.js';
export type { KeyListing, KV, KVSetOptions } from './kv.js';
export type { KeyedSet } from './set.js';
export { InMemoryKV } from './in-memory-kv.js';
export { InMemoryKeyedSet } from './in-memory-set.js';
export { openSqliteDatabase, type OpenSqliteOptions, type SqliteDatabase } from './sqlite-database.js';
export { SqliteKV, type SqliteKVOptions } from './sqlite-kv.js';
export { SqliteKeyedSet, type SqliteKeyedSetOptions } from './sqlite-set.js';
