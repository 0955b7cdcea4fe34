import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DerivedHitIds } from '../hits/hit-ids.js';
import type { Hit } from '../hits/hit.js';
import type { Logger } from '../monitoring/logger.js';
import { clientIpResolverFor, type ClientIpResolver } from '../receiver/client-ip.js';
import { headersFromRecord } from '../receiver/headers.js';
import { HitPipeline } from '../receiver/hit-pipeline.js';
import type { HitStorage } from '../receiver/hit-storage.js';
import { assertDecodable, QueryStringError } from '../receiver/querystring.js';
import { parseRecordedRequest, RecordedRequestError } from '../receiver/recorded-request.js';
import { receiverProtocols } from '../receiver/assemble.js';
import { Router } from '../receiver/router.js';
import { defaultHitRules, HitValidator } from '../receiver/validation.js';
import { PropertyRegistry } from '../settings/property-registry.js';
import type { Settings } from '../settings/types.js';
import type { Worker } from '../worker/worker.js';
import { ProgressBar } from './progress.js';

export interface ReplaySummary {
  requests: number;
  accepted: number;
  hits: number;
  rejected: number;
  rejections: Record<string, number>;
}

/** Hits of accepted requests, handed to the worker in batches the way the receiver would flush them. */
class BatchCollector implements HitStorage {
  batch: Hit[] = [];
  firstAt = 0;
  async push(hits: Hit[]): Promise<void> {
    if (this.batch.length === 0 && hits.length > 0) this.firstAt = hits[0]!.request.serverReceivedTime;
    for (const h of hits) this.batch.push(h);
  }
  take(): Hit[] {
    const b = this.batch;
    this.batch = [];
    return b;
  }
  async close(): Promise<void> {}
}

/**
 * Replays recorded requests through the receiving pipeline and the worker, with each record's
 * `at` as its server-received time. Time moves only with the records (as pings would move it
 * live), so sessions close exactly as they would have; at the end the clock is moved past every
 * open session's timeout so that everything is written.
 */
export class Replayer {
  private readonly collector = new BatchCollector();
  private readonly pipeline: HitPipeline;
  private readonly router: Router;
  private readonly clientIp: ClientIpResolver;
  private readonly batchSize: number;
  private readonly batchTimeoutMs: number;
  private readonly summary: ReplaySummary = { requests: 0, accepted: 0, hits: 0, rejected: 0, rejections: {} };
  private lastAt = 0;

  constructor(
    private readonly settings: Settings,
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {
    const properties = new PropertyRegistry(settings.properties);
    this.pipeline = new HitPipeline({
      properties,
      validator: new HitValidator(defaultHitRules(settings.receiver.maxHitKbytes * 1024), properties),
      storage: this.collector,
      ids: new DerivedHitIds('cairn-replay'),
      rawLog: null,
      logger,
    });
    this.router = new Router(receiverProtocols(settings));
    this.clientIp = clientIpResolverFor(settings.server.trustedProxies);
    this.batchSize = settings.receiver.batchSize;
    this.batchTimeoutMs = settings.receiver.batchTimeoutMs;
  }

  private reject(reason: string): void {
    this.summary.rejected++;
    this.summary.rejections[reason] = (this.summary.rejections[reason] ?? 0) + 1;
  }

  private async flush(): Promise<void> {
    const hits = this.collector.take();
    if (hits.length > 0) await this.worker.handleHits(hits);
  }

  /** Moves the hit-time clock to `at` (flushing what the receiver would have flushed first). */
  private async moveTo(at: number): Promise<void> {
    const c = this.collector;
    if (c.batch.length > 0 && (c.batch.length >= this.batchSize || at - c.firstAt >= this.batchTimeoutMs)) await this.flush();
    if (at > this.lastAt) {
      this.lastAt = at;
      await this.worker.engine.advanceTime(at);
      await this.worker.engine.closeDue();
    }
  }

  async replayLine(line: string, key: string): Promise<void> {
    if (line.trim() === '') return;
    this.summary.requests++;
    let parsed;
    try {
      parsed = parseRecordedRequest(line);
    } catch (err) {
      if (err instanceof RecordedRequestError) {
        this.reject(`invalid record: ${err.message.replace(/: .*/, '')}`);
        this.logger.debug('invalid replay record', { key, error: err.message });
        return;
      }
      throw err;
    }
    const { record, time, body } = parsed;
    await this.moveTo(time);
    const q = record.url.indexOf('?');
    const path = q === -1 ? record.url : record.url.slice(0, q);
    const rawQuery = q === -1 ? '' : record.url.slice(q + 1);
    const route = this.router.route(record.method, path, q === -1 ? '' : record.url.slice(q));
    if (route.kind !== 'hits') {
      this.reject(`not a tracking endpoint: ${record.method} ${path}`);
      return;
    }
    const headers = headersFromRecord(record.headers);
    // Recorded requests may omit Host; HTTP/1.1 always has one, and validation expects it.
    if (!headers.has('Host')) headers.set('Host', ['replay.localhost']);
    try {
      assertDecodable(rawQuery);
    } catch (err) {
      if (err instanceof QueryStringError) {
        this.reject('protocol');
        return;
      }
      throw err;
    }
    const outcome = await this.pipeline.handle(route.protocol, {
      method: record.method,
      path,
      url: record.url,
      rawQuery,
      body,
      headers,
      ip: this.clientIp.resolve(record.ip, headers),
      host: (headers.get('Host')?.[0] ?? '').toLowerCase(),
      serverReceivedTime: time,
      key,
    });
    if (outcome.rejection) {
      this.reject(outcome.rejection.reason);
      this.logger.debug('replayed request rejected', { key, status: outcome.status, reason: outcome.rejection.message });
      return;
    }
    this.summary.accepted++;
    this.summary.hits += outcome.hits.length;
    if (this.collector.batch.length >= this.batchSize) await this.flush();
  }

  async replayFile(path: string, fileIndex: number): Promise<void> {
    const total = statSync(path).size;
    const bar = new ProgressBar(total, `replay ${path}`);
    let bytes = 0;
    let lineNo = 0;
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      await this.replayLine(line, `${fileIndex}:${lineNo}:${line}`);
      bar.update(bytes, `${this.summary.requests} requests, ${this.summary.hits} hits`);
    }
    bar.finish();
  }

  /** Hands over what is batched, then moves time past every timeout so every session closes. */
  async finish(): Promise<ReplaySummary> {
    await this.flush();
    const longest = Math.max(0, ...this.settings.properties.map((p) => p.sessionTimeoutMs));
    await this.worker.engine.advanceTime(this.lastAt + longest + 3000);
    await this.worker.engine.closeDue();
    await this.worker.engine.closeAll();
    return this.summary;
  }
}
