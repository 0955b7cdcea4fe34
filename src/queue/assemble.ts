import type { NatsConnection } from 'nats';
import type { Logger } from '../monitoring/logger.js';
import type { Settings } from '../settings/types.js';
import { FilesystemConsumer, FilesystemPublisher } from './filesystem/index.js';
import { hitsTaskSink, type HitsSink } from './hits-task.js';
import {
  claimPartitions,
  connectNats,
  ensureQueueLayout,
  NatsConsumer,
  NatsLayoutError,
  NatsPublisher,
  PartitionAssignmentError,
  PartitionListError,
  parsePartitionList,
  partitionedHitsSink,
  recordExplicitPartitions,
  workerId,
  type NatsQueueSettings,
} from './nats/index.js';
import { ObjectStorageConsumer, ObjectStoragePublisher } from './objectstorage/index.js';
import { bucketFromSettings, ObjectStorageConfigError } from './objectstorage/from-settings.js';
import { BackoffPingingPublisher, PingingPublisher } from './pinging-publisher.js';
import type { Consumer, Publisher } from './task.js';

/** The queue cannot be set up from this configuration (exit status 2, like other settings problems). */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

function keyNumber(settings: Settings, key: string, fallback: number): number {
  const v = settings.keys.get(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function keyString(settings: Settings, key: string, fallback: string): string {
  const v = settings.keys.get(key);
  return typeof v === 'string' && v !== '' ? v : fallback;
}

function keyStrings(settings: Settings, key: string): string[] {
  const v = settings.keys.get(key);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function natsSettings(settings: Settings): NatsQueueSettings {
  return {
    url: keyString(settings, 'queue.nats.url', 'nats://127.0.0.1:4222'),
    stream: keyString(settings, 'queue.nats.stream', 'CAIRN_QUEUE'),
    partitions: keyNumber(settings, 'queue.nats.partitions', 16),
  };
}

function maxAttempts(settings: Settings): number {
  return keyNumber(settings, 'queue.max_attempts', 10);
}

/** Turns configuration mistakes found while building a queue into `QueueUnavailableError`. */
async function configured<T>(build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    const mistake =
      err instanceof ObjectStorageConfigError || err instanceof NatsLayoutError || err instanceof PartitionListError || err instanceof PartitionAssignmentError;
    if (mistake) throw new QueueUnavailableError(err.message, { cause: err });
    throw err;
  }
}

async function objectStorageBucket(settings: Settings, logger: Logger): Promise<ReturnType<typeof bucketFromSettings>['bucket']> {
  const { bucket, createBucket } = bucketFromSettings(settings.keys);
  if (createBucket) await bucket.create();
  logger.info('object-storage queue', { bucket: bucket.describe(), prefix: keyString(settings, 'queue.object_storage.prefix', '') });
  return bucket;
}

/**
 * The publisher every receiving process uses: the queue backend wrapped so that idle periods
 * still publish pings, which keep the worker's hit-time clock moving. The ping cadence follows
 * the backend, as in the reference: every batch timeout on the filesystem (and on NATS, where a
 * message is cheap), and a growing interval on object storage, where each one is a request.
 */
export function createPublisher(settings: Settings, logger: Logger): Promise<Publisher> {
  return configured(async () => {
    switch (settings.queue.backend) {
      case 'filesystem':
        return new PingingPublisher(new FilesystemPublisher(settings.storage.queueDirectory), { intervalMs: settings.receiver.batchTimeoutMs, logger });
      case 'objectstorage': {
        const bucket = await objectStorageBucket(settings, logger);
        const prefix = settings.keys.get('queue.object_storage.prefix');
        return new BackoffPingingPublisher(new ObjectStoragePublisher(bucket, { prefix: typeof prefix === 'string' ? prefix : '' }), { logger });
      }
      case 'nats': {
        const ns = natsSettings(settings);
        const nc = await connectNats(ns, logger, 'cairn-publisher');
        try {
          await ensureQueueLayout(nc, ns);
        } catch (err) {
          await nc.close();
          throw err;
        }
        return new PingingPublisher(new NatsPublisher(nc, ns), { intervalMs: settings.receiver.batchTimeoutMs, logger });
      }
    }
  });
}

/** Where the receiver's batching storage hands each flushed batch. */
export function createHitsSink(settings: Settings, publisher: Publisher): HitsSink {
  if (settings.queue.backend === 'nats') return partitionedHitsSink(publisher, natsSettings(settings).partitions);
  return hitsTaskSink(publisher);
}

export function createConsumer(settings: Settings, logger: Logger): Promise<Consumer> {
  return configured(async () => {
    switch (settings.queue.backend) {
      case 'filesystem':
        // The worker's handler resolves once its batch is on disk: the next task is taken in
        // while the disk catches up.
        return new FilesystemConsumer(settings.storage.queueDirectory, { logger, maxInFlight: 2 });
      case 'objectstorage': {
        const bucket = await objectStorageBucket(settings, logger);
        const prefix = settings.keys.get('queue.object_storage.prefix');
        return new ObjectStorageConsumer(bucket, {
          prefix: typeof prefix === 'string' ? prefix : '',
          logger,
          minIntervalMs: keyNumber(settings, 'queue.object_storage.min_interval', 5_000),
          maxIntervalMs: keyNumber(settings, 'queue.object_storage.max_interval', 60_000),
          intervalFactor: keyNumber(settings, 'queue.object_storage.interval_exp_factor', 1.5),
          maxItems: keyNumber(settings, 'queue.object_storage.max_items_to_read_at_once', 1000),
          maxAttempts: maxAttempts(settings),
        });
      }
      case 'nats':
        return createNatsConsumer(settings, logger);
    }
  });
}

async function createNatsConsumer(settings: Settings, logger: Logger): Promise<Consumer> {
  const ns = natsSettings(settings);
  const explicit = parsePartitionList(keyStrings(settings, 'queue.nats.partitions_owned'), ns.partitions);
  const nc: NatsConnection = await connectNats(ns, logger, 'cairn-worker');
  try {
    const kv = await ensureQueueLayout(nc, ns);
    const id = workerId(settings.storage.boltDirectory);
    const partitions =
      explicit.length > 0
        ? (await recordExplicitPartitions(kv, { id, owned: explicit, logger }), explicit)
        : await claimPartitions(kv, { id, partitions: ns.partitions, workers: keyNumber(settings, 'queue.nats.workers', 1), logger });
    return new NatsConsumer(nc, ns, {
      partitions,
      logger,
      maxAttempts: maxAttempts(settings),
      ackWaitMs: keyNumber(settings, 'queue.nats.ack_wait', 30_000),
    });
  } catch (err) {
    await nc.close();
    throw err;
  }
}
