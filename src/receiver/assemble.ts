import { RandomHitIds, type HitIdSource } from '../hits/hit-ids.js';
import type { Logger } from '../monitoring/logger.js';
import { createHitsSink } from '../queue/assemble.js';
import type { Publisher } from '../queue/task.js';
import { PropertyRegistry } from '../settings/property-registry.js';
import type { Settings } from '../settings/types.js';
import { Ga4Protocol } from '../../protocols/ga4/protocol.js';
import { D8aProtocol } from '../../protocols/d8a/protocol.js';
import { Ga4MeasurementProtocol } from '../../protocols/ga4-mp/protocol.js';
import { MatomoProtocol } from '../../protocols/matomo/protocol.js';
import type { Protocol } from '../../protocols/protocol.js';
import { BatchingStorage, FileBatchingBackend, MemoryBatchingBackend } from './batching/index.js';
import { clientIpResolverFor } from './client-ip.js';
import { HitPipeline } from './hit-pipeline.js';
import { StorageFullError, type HitStorage } from './hit-storage.js';
import type { BatchingBackend } from './batching/backend.js';
import { FileRawLog, type RawLog } from './raw-log.js';
import { Router } from './router.js';
import { ReceiverServer, type ReceiverServerOptions } from './server.js';
import { defaultHitRules, HitValidator } from './validation.js';

/**
 * Protocols whose endpoints every receiver mounts. Matomo's extra paths come from
 * `matomo.tracking_endpoints` (normalised by the settings loader); without settings only
 * `/matomo.php` and `/piwik.php` are served.
 */
export function receiverProtocols(settings?: Pick<Settings, 'matomo'>): Protocol[] {
  return [new Ga4Protocol(), new Ga4MeasurementProtocol(), new D8aProtocol(), new MatomoProtocol({ trackingEndpoints: settings?.matomo.trackingEndpoints ?? [] })];
}

/** `receiver.max_staged_kbytes` in bytes; 0 (the default) means no limit of our own. */
function maxStagedBytes(settings: Settings): number {
  const kib = settings.keys.get('receiver.max_staged_kbytes');
  return typeof kib === 'number' && kib > 0 ? kib * 1024 : Number.POSITIVE_INFINITY;
}

/**
 * A disk that fills up under the staging folder is the same condition as the size limit: the
 * client should come back later (503), not be told its request was bad (500).
 */
function diskFullIsStorageFull(backend: BatchingBackend): BatchingBackend {
  return {
    append: async (hits) => {
      try {
        await backend.append(hits);
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
        if (code === 'ENOSPC' || code === 'EDQUOT') throw new StorageFullError(`the receiver's staging disk is full: ${String(code)}`, { cause: err });
        throw err;
      }
    },
    flush: (sink) => backend.flush(sink),
    close: () => backend.close(),
  };
}

/**
 * Matomo answers some accepted requests with more than 204: the 1×1 GIF for `send_image=1`,
 * the JSON status for a bulk request that asks for it. The protocol decides; this pipeline
 * only hands it the accepted request.
 */
/** Staging of accepted hits before they become queue tasks, as the delivery mode asks. */
export function createHitStorage(settings: Settings, publisher: Publisher, logger: Logger): HitStorage {
  const backend =
    settings.receiver.batchingBackend === 'filesystem'
      ? diskFullIsStorageFull(new FileBatchingBackend({ queueDir: settings.storage.queueDirectory, logger, maxPendingBytes: maxStagedBytes(settings) }))
      : new MemoryBatchingBackend();
  return new BatchingStorage({
    backend,
    // A partitioned queue (NATS) splits each batch by client partition.
    sink: createHitsSink(settings, publisher),
    batchSize: settings.receiver.batchSize,
    timeoutMs: settings.receiver.batchTimeoutMs,
    logger,
  });
}

/** The receiving side, assembled from settings, with one entry point for HTTP and one for replay. */
export class Receiver {
  readonly properties: PropertyRegistry;
  readonly pipeline: HitPipeline;
  readonly protocols: Protocol[];
  private server: ReceiverServer | null = null;

  constructor(
    private readonly settings: Settings,
    readonly storage: HitStorage,
    private readonly publisher: Publisher,
    private readonly logger: Logger,
    private readonly rawLog: RawLog | null = settings.receiver.rawLogPath ? new FileRawLog(settings.receiver.rawLogPath) : null,
    ids: HitIdSource = new RandomHitIds(),
  ) {
    this.properties = new PropertyRegistry(settings.properties);
    this.protocols = receiverProtocols(settings);
    this.pipeline = new HitPipeline({
      properties: this.properties,
      validator: new HitValidator(defaultHitRules(settings.receiver.maxHitKbytes * 1024), this.properties),
      storage,
      ids,
      rawLog: this.rawLog,
      logger,
    });
  }

  /** `hooks` observe every request (the rejection log, metrics and the debug view hang here). */
  async listen(hooks: Pick<ReceiverServerOptions, 'onOutcome' | 'onResponse'> = {}): Promise<{ address: string; port: number }> {
    this.server = new ReceiverServer({
      host: this.settings.server.host,
      port: this.settings.server.port,
      router: new Router(this.protocols),
      pipeline: this.pipeline,
      clientIp: clientIpResolverFor(this.settings.server.trustedProxies),
      maxBodyBytes: this.settings.receiver.maxBodyBytes,
      ready: () => this.publisher.ready(),
      logger: this.logger,
      ...(hooks.onOutcome ? { onOutcome: hooks.onOutcome } : {}),
      ...(hooks.onResponse ? { onResponse: hooks.onResponse } : {}),
    });
    return this.server.listen();
  }

  /** Stops HTTP first, then flushes what is staged, so nothing accepted is left behind. */
  async close(): Promise<void> {
    if (this.server) await this.server.close();
    await this.storage.close();
    if (this.rawLog) await this.rawLog.close();
  }
}
