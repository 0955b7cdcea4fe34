export type { BatchingBackend } from './backend.js';
export { BatchingStorage, type BatchingStorageOptions } from './batching-storage.js';
export { MemoryBatchingBackend, type MemoryBatchingBackendOptions } from './memory-backend.js';
export {
  BATCHING_DIR,
  FLUSHING_SUFFIX,
  FileBatchingBackend,
  PENDING_FILE,
  type FileBatchingBackendOptions,
} from './file-backend.js';
export { decodeFrames, encodeFrames, type DecodedFrames, type FrameProblem } from './hit-frames.js';
