import type { Logger } from '../monitoring/logger.js';
import type { Settings } from '../settings/types.js';
import { FilesystemConsumer, FilesystemPublisher } from './filesystem/index.js';
import { PingingPublisher } from './pinging-publisher.js';
import type { Consumer, Publisher } from './task.js';

export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

function requireFilesystem(settings: Settings): void {
  if (settings.queue.backend !== 'filesystem') {
    throw new QueueUnavailableError(
      `queue.backend "${settings.queue.backend}" is accepted but not available in this version; use "filesystem"`,
    );
  }
}

/**
 * The publisher every receiving process uses: the queue backend wrapped so that idle periods
 * still publish pings, which keep the worker's hit-time clock moving.
 */
export function createPublisher(settings: Settings, logger: Logger): Publisher {
  requireFilesystem(settings);
  const inner = new FilesystemPublisher(settings.storage.queueDirectory);
  return new PingingPublisher(inner, { intervalMs: settings.receiver.batchTimeoutMs, logger });
}

export function createConsumer(settings: Settings, logger: Logger): Consumer {
  requireFilesystem(settings);
  return new FilesystemConsumer(settings.storage.queueDirectory, { logger });
}
