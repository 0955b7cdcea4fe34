export type { NextBatch, Spool, SpoolFailureStrategy, SpoolFlushHandler } from './spool.js';
export { SpoolClosedError, SpoolFlushError, SpoolFullError, SpoolKeyError, type SpoolKeyFailure } from './errors.js';
export { FILE_SPOOL_DEFAULTS, FileSpool, type FileSpoolOptions } from './file-spool.js';
export { encodeFrame, FrameFileReader, type TruncatedTail } from './frame-reader.js';
export { decodeSpoolKey, encodeSpoolKey, parseSpoolFileName, type SpoolFileName } from './spool-files.js';
