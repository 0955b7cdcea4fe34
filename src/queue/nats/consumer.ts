import { ConsumerRun } from '../consumer-run.js';
import { errorMessage } from '../interruptible-sleep.js';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import { deserializeTask } from '../message-format.js';
import { DropTaskError, type Consumer, type Task, type TaskHandler } from '../task.js';
import type { NatsQueueSettings } from './layout.js';
import { deadLetterSubject, partitionConsumerName, partitionSubject } from './partitions.js';

export interface NatsConsumerOptions {
  /** The partitions this worker owns (see `assignPartitions`). */
  partitions: readonly number[];
  logger?: Logger;
  /** `queue.max_attempts`: deliveries of a failing task before it goes to the dead letters. */
  maxAttempts?: number;
  /** `queue.nats.ack_wait`: how long a delivered, unacknowledged task waits before redelivery. */
  ackWaitMs?: number;
  /** First pause while every owned partition is empty; it doubles while they stay empty. */
  idlePollMs?: number;
  /** Longest such pause. */
  idlePollMaxMs?: number;
  /** First pause after a failed task; doubles per delivery up to the max. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Whether `stop()` drains and closes the connection. */
  ownsConnection?: boolean;
}

interface PartitionBuffer {
  partition: number;
  name: string;
  messages: JsMsg[];
  lastEmptyFetch: number;
}


/** Empty partitions are asked again at most this often while others have work. */
const EMPTY_REFETCH_MS = 20;
/** Longest wait for the answer to one fetch request. */
const FETCH_GUARD_MS = 5_000;

/**
 * Consumes the partitions one worker owns, through one durable pull consumer per partition.
 *
 * Tasks of all owned partitions are handled one at a time in publication order (a merge on the
 * stream timestamp of each partition's next task), so the worker sees hits in about the order
 * the receivers published them, as with a single queue. A task is acknowledged only after the
 * handler resolved, that is after its hits are committed to the worker's state; a crash before
 * that leaves it unacknowledged and JetStream delivers it again (hits are keyed by id, so a
 * second delivery changes nothing).
 *
 * At start the partition consumers are created afresh: the stream keeps only unacknowledged
 * tasks (work-queue retention), so a new consumer delivers at once what a killed predecessor had
 * fetched but not acknowledged, instead of after the ack wait.
 */
export class NatsConsumer implements Consumer {
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly ackWaitMs: number;
  private readonly idlePollMs: number;
  private readonly idlePollMaxMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly js: JetStreamClient;
  private buffers: PartitionBuffer[] = [];
  private readonly run = new ConsumerRun();

  constructor(
    private readonly nc: NatsConnection,
    private readonly settings: NatsQueueSettings,
    private readonly options: NatsConsumerOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.idlePollMs = options.idlePollMs ?? 20;
    this.idlePollMaxMs = options.idlePollMaxMs ?? 500;
    this.retryInitialMs = options.retryInitialMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    if (options.partitions.length === 0) throw new RangeError('a NATS consumer needs at least one partition');
    this.js = nc.jetstream();
  }

  consume(handler: TaskHandler): Promise<void> {
    return this.run.start(() => this.setUp().then(() => this.loop(handler)));
  }

  /** See `ConsumerRun.stop`; a failed run is not reported again here, and the connection is drained after it. */
  async stop(): Promise<void> {
    await this.run.stop().catch(() => undefined);
    if (this.options.ownsConnection !== false && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  private async setUp(): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    for (const p of this.options.partitions) {
      const name = partitionConsumerName(this.settings.stream, p);
      await this.recreateConsumer(jsm, name, p);
      this.buffers.push({ partition: p, name, messages: [], lastEmptyFetch: 0 });
    }
    this.logger.info('consuming nats partitions', { stream: this.settings.stream, partitions: this.options.partitions.join(',') });
  }

  private async recreateConsumer(jsm: JetStreamManager, name: string, partition: number): Promise<void> {
    try {
      await jsm.consumers.delete(this.settings.stream, name);
    } catch (err) {
      if (!/not found/i.test(errorMessage(err))) throw err;
    }
    await jsm.consumers.add(this.settings.stream, {
      durable_name: name,
      filter_subject: partitionSubject(this.settings.stream, partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: this.ackWaitMs * 1_000_000,
      // Attempts are counted here, not by the server, so that the last one is dead-lettered.
      max_deliver: -1,
      max_ack_pending: 10_000,
    });
  }

  private async loop(handler: TaskHandler): Promise<void> {
    let failures = 0;
    let idlePause = this.idlePollMs;
    while (!this.run.stopping) {
      try {
        await this.refill();
      } catch (err) {
        failures++;
        const delay = Math.min(this.retryInitialMs * 2 ** Math.min(failures - 1, 16), this.retryMaxMs);
        this.logger.error('cannot fetch from nats', { stream: this.settings.stream, retry_in_ms: delay, error: errorMessage(err) });
        await this.run.sleep(delay);
        continue;
      }
      failures = 0;
      const next = this.oldestBuffered();
      if (next === undefined) {
        await this.run.sleep(idlePause);
        idlePause = Math.min(idlePause * 2, this.idlePollMaxMs);
        continue;
      }
      idlePause = this.idlePollMs;
      const msg = next.messages.shift() as JsMsg;
      const pause = await this.processOne(msg, handler);
      if (pause > 0) await this.run.sleep(pause);
    }
    // Whatever is still buffered goes back at once rather than after the ack wait.
    for (const b of this.buffers) for (const m of b.messages.splice(0)) m.nak();
  }

  /** Fetches for partitions whose buffer is empty (an empty partition at most every few ms). */
  private async refill(): Promise<void> {
    const now = Date.now();
    const anyBuffered = this.buffers.some((b) => b.messages.length > 0);
    for (const b of this.buffers) {
      if (b.messages.length > 0) continue;
      if (anyBuffered && now - b.lastEmptyFetch < EMPTY_REFETCH_MS) continue;
      // One task per request: with a larger batch the client ends the fetch as soon as the
      // server reports nothing more pending, and a task published in that instant is then
      // delivered into a closed fetch, to be redelivered only after the ack wait (and late).
      const iter = this.js.fetch(this.settings.stream, b.name, { batch: 1, no_wait: true });
      // A request sent while the connection was down is never answered; end it rather than
      // wait forever (a task answered after that is redelivered after the ack wait).
      const guard = setTimeout(() => iter.stop(), FETCH_GUARD_MS);
      try {
        for await (const m of iter) b.messages.push(m);
      } finally {
        clearTimeout(guard);
      }
      if (b.messages.length === 0) b.lastEmptyFetch = now;
    }
  }

  private oldestBuffered(): PartitionBuffer | undefined {
    let best: PartitionBuffer | undefined;
    for (const b of this.buffers) {
      const head = b.messages[0];
      if (head === undefined) continue;
      if (best === undefined || head.info.timestampNanos < (best.messages[0] as JsMsg).info.timestampNanos) best = b;
    }
    return best;
  }

  /** Handles one delivery; returns the pause to take before the next one (0 for none). */
  private async processOne(msg: JsMsg, handler: TaskHandler): Promise<number> {
    let task: Task;
    try {
      task = deserializeTask(msg.data);
    } catch (err) {
      return this.deadLetter(msg, `cannot deserialize task: ${errorMessage(err)}`);
    }
    // It may have waited in the buffer; the ack wait starts again from here.
    msg.working();
    try {
      await handler(task);
    } catch (err) {
      if (err instanceof DropTaskError) return this.deadLetter(msg, `handler dropped task: ${errorMessage(err)}`);
      const attempts = msg.info.deliveryCount;
      if (attempts >= this.maxAttempts) return this.deadLetter(msg, `handler failed ${attempts} times; last error: ${errorMessage(err)}`);
      const delay = Math.min(this.retryInitialMs * 2 ** (attempts - 1), this.retryMaxMs);
      this.logger.warn('task failed; it will be delivered again', { subject: msg.subject, seq: msg.seq, attempt: attempts, max_attempts: this.maxAttempts, retry_in_ms: delay, error: errorMessage(err) });
      msg.nak(delay);
      return delay;
    }
    try {
      await msg.ackAck();
    } catch (err) {
      // Delivered again later; the handler is idempotent by hit id.
      this.logger.warn('acknowledging a task failed; it may be delivered again', { subject: msg.subject, seq: msg.seq, error: errorMessage(err) });
    }
    return 0;
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<number> {
    try {
      const h = natsHeaders();
      h.set('Cairn-Dead-Letter-Reason', reason.replace(/[\r\n]+/g, ' '));
      h.set('Cairn-Original-Subject', msg.subject);
      await this.js.publish(deadLetterSubject(this.settings.stream), msg.data, { headers: h });
      await msg.ackAck();
    } catch (err) {
      this.logger.error('cannot move a task to the dead letters', { subject: msg.subject, seq: msg.seq, reason, error: errorMessage(err) });
      msg.nak(this.retryInitialMs);
      return this.retryInitialMs;
    }
    this.logger.error('task moved to dead letters', { subject: msg.subject, seq: msg.seq, reason, dead_letter: deadLetterSubject(this.settings.stream) });
    return 0;
  }
}
