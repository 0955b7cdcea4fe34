import { type JetStreamClient, type NatsConnection } from 'nats';
import { createHitsTask, decodeHitsTask, isPing } from '../hits-task.js';
import { serializeTask } from '../message-format.js';
import { PROCESS_HITS_TASK, TASK_ID_HEADER, type Publisher, type Task } from '../task.js';
import type { Hit } from '../../hits/hit.js';
import type { NatsQueueSettings } from './layout.js';
import { PARTITION_HEADER, partitionOf, partitionSubject } from './partitions.js';
import { InFlight } from '../in-flight.js';

export interface NatsPublisherOptions {
  /** Whether `close()` drains and closes the connection (false when a consumer shares it). */
  ownsConnection?: boolean;
  /** Longest wait for the server's acknowledgement of one publish. */
  timeoutMs?: number;
}

/**
 * Publishes tasks to the partitioned JetStream stream. A task that names its partition (the
 * receivers' partitioned sink does) goes to that partition; a ping goes to every partition, so
 * each worker's clock moves; a hits task without a partition is split by partition here.
 * `publish` resolves once JetStream has stored every message (its publish acknowledgement).
 */
export class NatsPublisher implements Publisher {
  private readonly js: JetStreamClient;
  private readonly inFlight = new InFlight();
  private closed = false;
  private connected = true;

  constructor(
    private readonly nc: NatsConnection,
    private readonly settings: NatsQueueSettings,
    private readonly options: NatsPublisherOptions = {},
  ) {
    this.js = nc.jetstream({ timeout: options.timeoutMs ?? 5_000 });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.connected = false;
        else if (s.type === 'reconnect') this.connected = true;
      }
    })().catch(() => undefined);
  }

  publish(task: Task): Promise<void> {
    if (this.closed) return Promise.reject(new Error('nats publisher is closed'));
    // Fail at once rather than wait out the timeout: the caller keeps the hits staged and tries
    // again at its next tick, which after a reconnect is within one batch timeout.
    if (!this.connected) return Promise.reject(new Error('not connected to nats'));
    let p: Promise<void>;
    try {
      p = this.route(task);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.inFlight.track(p);
  }

  private route(task: Task): Promise<void> {
    if (isPing(task)) {
      const data = serializeTask(task);
      const all: Promise<void>[] = [];
      for (let p = 0; p < this.settings.partitions; p++) all.push(this.send(p, data));
      return Promise.all(all).then(() => undefined);
    }
    const named = task.headers[PARTITION_HEADER];
    if (named !== undefined) {
      const p = Number(named);
      if (!Number.isInteger(p) || p < 0 || p >= this.settings.partitions) {
        throw new RangeError(`task names partition ${JSON.stringify(named)}, outside 0..${this.settings.partitions - 1}`);
      }
      return this.send(p, serializeTask(task), task.headers[TASK_ID_HEADER]);
    }
    if (task.type !== PROCESS_HITS_TASK) throw new Error(`cannot route a ${JSON.stringify(task.type)} task to a partition`);
    return this.publishSplit(decodeHitsTask(task));
  }

  private async publishSplit(hits: readonly Hit[]): Promise<void> {
    const groups = new Map<number, Hit[]>();
    for (const h of hits) {
      const p = partitionOf(h.propertyId, h.clientId, this.settings.partitions);
      let g = groups.get(p);
      if (g === undefined) groups.set(p, (g = []));
      g.push(h);
    }
    await Promise.all(
      [...groups].map(([p, group]) => {
        const t = createHitsTask(group);
        t.headers[PARTITION_HEADER] = String(p);
        return this.send(p, serializeTask(t), t.headers[TASK_ID_HEADER]);
      }),
    );
  }

  private async send(partition: number, data: Uint8Array, msgId?: string): Promise<void> {
    // The message id lets JetStream drop a second copy of a retried publish.
    await this.js.publish(partitionSubject(this.settings.stream, partition), data, msgId === undefined ? {} : { msgID: `${msgId}.${partition}` });
  }

  async ready(): Promise<boolean> {
    return !this.closed && this.connected && !this.nc.isClosed();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight.settled();
    if (this.options.ownsConnection !== false && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}
