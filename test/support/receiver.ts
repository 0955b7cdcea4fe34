import { RandomHitIds } from '../../src/hits/hit-ids.js';
import type { Hit } from '../../src/hits/hit.js';
import { silentLogger } from '../../src/monitoring/logger.js';
import { clientIpResolverFor } from '../../src/receiver/client-ip.js';
import { HitPipeline } from '../../src/receiver/hit-pipeline.js';
import type { HitStorage } from '../../src/receiver/hit-storage.js';
import { Router } from '../../src/receiver/router.js';
import { ReceiverServer } from '../../src/receiver/server.js';
import { defaultHitRules, HitValidator } from '../../src/receiver/validation.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { Ga4Protocol } from '../../protocols/ga4/protocol.js';
import { D8aProtocol } from '../../protocols/d8a/protocol.js';
import type { Protocol } from '../../protocols/protocol.js';
import { testProperty } from './properties.js';

/** Keeps pushed hits in memory; can be told to fail. */
export class MemoryHitStorage implements HitStorage {
  readonly batches: Hit[][] = [];
  failWith: Error | null = null;
  async push(hits: Hit[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.batches.push(hits);
  }
  get hits(): Hit[] {
    return this.batches.flat();
  }
  async close(): Promise<void> {}
}

export interface TestReceiver {
  port: number;
  storage: MemoryHitStorage;
  close(): Promise<void>;
}

export async function startTestReceiver(opts: {
  properties?: PropertySettings[];
  trustedProxies?: string[];
  maxHitKbytes?: number;
  maxBodyBytes?: number;
  clock?: () => number;
  /** The protocols mounted; GA4 and the native protocol by default. */
  protocols?: Protocol[];
} = {}): Promise<TestReceiver> {
  const registry = new PropertyRegistry(opts.properties ?? [testProperty()]);
  const storage = new MemoryHitStorage();
  const pipeline = new HitPipeline({
    properties: registry,
    validator: new HitValidator(defaultHitRules((opts.maxHitKbytes ?? 128) * 1024), registry),
    storage,
    ids: new RandomHitIds(),
    rawLog: null,
    logger: silentLogger,
  });
  const server = new ReceiverServer({
    host: '127.0.0.1',
    port: 0,
    router: new Router(opts.protocols ?? [new Ga4Protocol(), new D8aProtocol()]),
    pipeline,
    clientIp: clientIpResolverFor(opts.trustedProxies ?? []),
    maxBodyBytes: opts.maxBodyBytes ?? 4 * 1024 * 1024,
    ready: async () => true,
    logger: silentLogger,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const address = await server.listen();
  return { port: address.port, storage, close: () => server.close() };
}
