export type { ProtoSessionCloser } from './closer.js';
export { ProtoSessionEngine, EngineClosedError, type CloseReport, type OpenProtoSessionEngineOptions, type ProtoSessionEngineOptions } from './engine.js';
export type { IntakeReport, PropertySettingsLookup } from './intake.js';
export { SqliteProtoSessionStore, STATE_FILE_NAME, CURSOR_KEY, type SqliteProtoSessionStoreOptions } from './sqlite-store.js';
export type { IdentifierKey, IdentifierType, ProtoSessionStore, StoredHit, StoredProtoSession } from './store.js';
export { SerialExecutor } from './serial-executor.js';
export { fnv1a32, closerShard, CLOSER_SHARDS } from './fnv.js';
export { BUCKET_MS, bucketOf, dueBucket, lastClosableBucket } from './buckets.js';
export * from './stamps.js';
