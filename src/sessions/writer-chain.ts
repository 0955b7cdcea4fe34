import { join } from 'node:path';
import type { Logger } from '../monitoring/logger.js';
import type { Timers } from '../queue/timers.js';
import type { Settings } from '../settings/types.js';
import { InMemorySpoolWriter } from './in-memory-spool-writer.js';
import { PersistentSpoolWriter } from './persistent-spool-writer.js';
import type { SessionWriter } from './session-writer.js';

/** The folder, under `storage.spoolDirectory`, of the session writer's disk spool. */
export const SESSION_SPOOL_SUBDIRECTORY = 'sessionwriter';

/** The settings the chain reads (a full `Settings` fits). */
export interface SessionWriterChainSettings {
  deliveryMode: Settings['deliveryMode'];
  storage: Pick<Settings['storage'], 'spoolEnabled' | 'spoolDirectory' | 'spoolWriteChanBuffer'> &
    Partial<Pick<Settings['storage'], 'spoolFlushIntervalMs' | 'spoolBufferMaxAgeMs'>>;
}

export interface SessionWriterChainOptions {
  settings: SessionWriterChainSettings;
  /** The column-computing writer at the end of the chain. */
  terminal: SessionWriter;
  logger: Logger;
  timers?: Timers;
}

export interface SessionWriterChain {
  /** What the closer writes to. */
  head: SessionWriter;
  /** Present when the mode buffers in memory (best effort with the spool on). */
  inMemory: InMemorySpoolWriter | null;
  /** Present whenever the spool is on. */
  persistent: PersistentSpoolWriter | null;
  /**
   * Drains front to back: the in-memory buffers into the spool, the spool's final flush into the
   * terminal, then the terminal. Every layer is closed even when one fails; the first failure
   * is thrown at the end (spooled data a failed final flush left behind stays on disk).
   */
  close(): Promise<void>;
}

/**
 * The session writers between the closer and the terminal writer, per delivery mode
 * (reference pipeline.md §4.2):
 *
 *   spool disabled  →  terminal
 *   best_effort     →  in-memory buffer → disk spool (delete after max failures) → terminal
 *   at_least_once   →  disk spool (quarantine after max failures) → terminal
 */
export function buildSessionWriterChain(options: SessionWriterChainOptions): SessionWriterChain {
  const { settings, terminal, logger, timers } = options;
  const layers: SessionWriter[] = [];
  let inMemory: InMemorySpoolWriter | null = null;
  let persistent: PersistentSpoolWriter | null = null;

  if (!settings.storage.spoolEnabled) {
    if (settings.deliveryMode === 'at_least_once') {
      logger.warn('the session spool is disabled, so a warehouse failure holds up session closing until it succeeds');
    }
  } else {
    const atLeastOnce = settings.deliveryMode === 'at_least_once';
    persistent = new PersistentSpoolWriter({
      child: terminal,
      directory: join(settings.storage.spoolDirectory, SESSION_SPOOL_SUBDIRECTORY),
      failureStrategy: atLeastOnce ? 'quarantine' : 'delete',
      ...(settings.storage.spoolFlushIntervalMs !== undefined ? { flushIntervalMs: settings.storage.spoolFlushIntervalMs } : {}),
      logger,
      ...(timers !== undefined ? { timers } : {}),
    });
    if (!atLeastOnce) {
      inMemory = new InMemorySpoolWriter({
        child: persistent,
        writeQueueCapacity: settings.storage.spoolWriteChanBuffer,
        ...(settings.storage.spoolBufferMaxAgeMs !== undefined
          ? { maxAgeMs: settings.storage.spoolBufferMaxAgeMs, sweepIntervalMs: Math.max(100, Math.min(5000, settings.storage.spoolBufferMaxAgeMs / 2)) }
          : {}),
        logger,
        ...(timers !== undefined ? { timers } : {}),
      });
      layers.push(inMemory);
    }
    layers.push(persistent);
  }
  layers.push(terminal);

  let closing: Promise<void> | null = null;
  const closeAll = async (): Promise<void> => {
    let first: unknown = null;
    for (const layer of layers) {
      try {
        await layer.close();
      } catch (err) {
        logger.error('failed to close a session writer', { writer: layer.constructor.name, error: err instanceof Error ? err.message : String(err) });
        first ??= err;
      }
    }
    if (first !== null) throw first;
  };

  return {
    head: layers[0] as SessionWriter,
    inMemory,
    persistent,
    close: () => (closing ??= closeAll()),
  };
}
