export type { SessionWriter } from './session-writer.js';
export { DirectCloser } from './direct-closer.js';
export {
  IN_MEMORY_SPOOL_DEFAULTS,
  InMemorySpoolWriter,
  SessionWriterStoppedError,
  type InMemorySpoolWriterOptions,
} from './in-memory-spool-writer.js';
export { PERSISTENT_SPOOL_DEFAULTS, PersistentSpoolWriter, type PersistentSpoolWriterOptions } from './persistent-spool-writer.js';
export { decodeSessionFrame, encodeSessionFrame, SESSION_FRAME_VERSION, SessionFrameDecodeError } from './session-frames.js';
export {
  buildSessionWriterChain,
  SESSION_SPOOL_SUBDIRECTORY,
  type SessionWriterChain,
  type SessionWriterChainOptions,
  type SessionWriterChainSettings,
} from './writer-chain.js';
