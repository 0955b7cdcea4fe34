/**
 * The NATS side of the queue: one JetStream stream with work-queue retention (a message is gone
 * once acknowledged), subjects `<stream>.p.<n>` per partition and `<stream>.dead-letter`, and a
 * key-value bucket recording the partition count and which worker owns which partition.
 */
import { connect, RetentionPolicy, StorageType, type JetStreamManager, type KV, type NatsConnection } from 'nats';
import type { Logger } from '../../monitoring/logger.js';

export interface NatsQueueSettings {
  /** `queue.nats.url`: one or more comma-separated server URLs. */
  url: string;
  /** `queue.nats.stream`. */
  stream: string;
  /** `queue.nats.partitions`. */
  partitions: number;
}

export class NatsLayoutError extends Error {
  override readonly name = 'NatsLayoutError';
}

const STREAM_NAME = /^[A-Za-z0-9_-]+$/;

export async function connectNats(settings: NatsQueueSettings, logger: Logger, name: string): Promise<NatsConnection> {
  if (!STREAM_NAME.test(settings.stream)) {
    throw new NatsLayoutError(`queue.nats.stream ${JSON.stringify(settings.stream)} may only hold letters, digits, "-" and "_"`);
  }
  const nc = await connect({
    servers: settings.url.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    name,
    // A restarting NATS server must not end a receiver or a worker: keep trying.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn(`nats connection ${s.type}`, { server: String(s.data) });
    }
  })().catch(() => undefined);
  return nc;
}

export function partitionsBucketName(stream: string): string {
  return `${stream}_PARTITIONS`;
}

const PARTITION_COUNT_KEY = 'count';

/** Creates the stream and the partitions bucket if missing, and checks the partition count. */
export async function ensureQueueLayout(nc: NatsConnection, settings: NatsQueueSettings): Promise<KV> {
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, settings.stream);
  const kv = await nc.jetstream().views.kv(partitionsBucketName(settings.stream), { history: 1 });
  const wanted = String(settings.partitions);
  try {
    await kv.create(PARTITION_COUNT_KEY, new TextEncoder().encode(wanted));
  } catch {
    const entry = await kv.get(PARTITION_COUNT_KEY);
    const have = entry === null ? '' : new TextDecoder().decode(entry.value);
    if (have !== wanted) {
      throw new NatsLayoutError(
        `stream ${settings.stream} is partitioned into ${have} partitions but queue.nats.partitions is ${wanted}; every receiver and worker must use the same count`,
      );
    }
  }
  return kv;
}

async function ensureStream(jsm: JetStreamManager, stream: string): Promise<void> {
  const subjects = [`${stream}.>`];
  try {
    const info = await jsm.streams.info(stream);
    if (info.config.retention !== RetentionPolicy.Workqueue) {
      throw new NatsLayoutError(`stream ${stream} exists without work-queue retention; Cairn needs one it can delete acknowledged tasks from`);
    }
    return;
  } catch (err) {
    if (err instanceof NatsLayoutError) throw err;
    if (!(err instanceof Error) || !/not found/i.test(err.message)) throw err;
  }
  try {
    await jsm.streams.add({ name: stream, subjects, retention: RetentionPolicy.Workqueue, storage: StorageType.File });
  } catch (err) {
    // Another process created it at the same moment.
    if (!(err instanceof Error) || !/already in use|exists/i.test(err.message)) throw err;
  }
}
