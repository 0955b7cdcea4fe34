/**
 * A keyed, append-only, crash-safe store of framed payloads. Appends go to an active file per
 * key; a flush cycle renames active files to inflight files (so appends continue meanwhile)
 * and hands each inflight file to a handler, batch by batch, deleting it once the handler
 * succeeds. After too many consecutive failures of one key its files are deleted or
 * quarantined, as the failure strategy says.
 */
/** One frame's payload: its bytes, or pieces whose concatenation they are. */
export type SpoolPayload = Uint8Array | readonly Uint8Array[];

export interface Spool {
  /**
   * Appends one frame and fsyncs before resolving. A payload given as a list of pieces is one
   * frame of their concatenation, written without copying them, so the pieces must not change
   * until the append settles; a single buffer is copied at once and may be reused.
   */
  append(key: string, payload: SpoolPayload): Promise<void>;
  /** Runs one flush cycle now (also used before shutdown). */
  flush(): Promise<void>;
  /** Stops the flush loop, runs a final flush if configured, and refuses further appends. */
  close(): Promise<void>;
}

/** Reads the next batch of frames of the inflight file in hand; null when the file is done. */
export type NextBatch = () => Promise<Uint8Array[] | null>;

/** Handles one inflight file of one key; throwing counts as a failure of that key. */
export type SpoolFlushHandler = (key: string, next: NextBatch) => Promise<void>;

export type SpoolFailureStrategy = 'delete' | 'quarantine';
