import { RandomHitIds, type HitIdSource } from '../hits/hit-ids.js';
import type { Logger } from '../monitoring/logger.js';
import { hitsTaskSink } from '../queue/hits-task.js';
import type { Publisher } from '../queue/task.js';
import { PropertyRegistry } from '../settings/property-registry.js';
import type { Settings } from '../settings/types.js';
import { Ga4Protocol } from '../../protocols/ga4/protocol.js';
import { D8aProtocol } from '../../protocols/d8a/protocol.js';
import { MatomoProtocol } from '../../protocols/matomo/protocol.js';
import type { Protocol } from '../../protocols/protocol.js';
import { BatchingStorage, FileBatchingBackend, MemoryBatchingBackend } from './batching/index.js';
import { clientIpResolverFor } from './client-ip.js';
import { HitPipeline, type Outcome } from './hit-pipeline.js';
import type { HitStorage } from './hit-storage.js';
import { FileRawLog, type RawLog } from './raw-log.js';
import { Router } from './router.js';
import { ReceiverServer } from './server.js';
import { defaultHitRules, HitValidator } from './validation.js';

/**
 * Protocols whose endpoints every receiver mounts. Matomo's extra paths come from
 * `matomo.tracking_endpoints` (normalised by the settings loader); without settings only
 * `/matomo.php` and `/piwik.php` are served.
 */
export function receiverProtocols(settings?: Pick<Settings, 'matomo'>): Protocol[] {
  return [new Ga4Protocol(), new D8aProtocol(), new MatomoProtocol({ trackingEndpoints: settings?.matomo.trackingEndpoints ?? [] })];
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
      ? new FileBatchingBackend({ queueDir: settings.storage.queueDirectory, logger })
      : new MemoryBatchingBackend();
  return new BatchingStorage({
    backend,
    sink: hitsTaskSink(publisher),
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

  async listen(onOutcome?: (o: Outcome) => void): Promise<{ address: string; port: number }> {
    this.server = new ReceiverServer({
      host: this.settings.server.host,
      port: this.settings.server.port,
      router: new Router(this.protocols),
      pipeline: this.pipeline,
      clientIp: clientIpResolverFor(this.settings.server.trustedProxies),
      maxBodyBytes: this.settings.receiver.maxBodyBytes,
      ready: () => this.publisher.ready(),
      logger: this.logger,
      ...(onOutcome ? { onOutcome } : {}),
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
