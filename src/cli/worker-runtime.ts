import type { Logger } from '../monitoring/logger.js';
import type { Monitoring } from '../monitoring/monitoring.js';
import { createConsumer, createPublisher } from '../queue/assemble.js';
import type { Consumer, Publisher } from '../queue/task.js';
import type { Settings } from '../settings/types.js';
import { Worker } from '../worker/worker.js';

/**
 * The worker with its queue, as `cairn server` and `cairn worker` both run it: the worker first
 * (it validates columns, filters and the warehouse), then the queue's publisher (pings, and the
 * receiver's hits in `server`) and consumer, which may be remote and fail after the worker
 * started — in which case the worker is stopped again.
 */
export class QueueWorker {
  private consuming: Promise<void> | null = null;

  private constructor(
    readonly worker: Worker,
    readonly publisher: Publisher,
    private readonly consumer: Consumer,
    private readonly monitoring: Monitoring,
    private readonly logger: Logger,
  ) {}

  static async open(settings: Settings, logger: Logger, monitoring: Monitoring): Promise<QueueWorker> {
    const worker = await Worker.start(settings, logger, { migrate: true, ...monitoring.workerDecorators() });
    const stopWorker = async (err: unknown): Promise<never> => {
      await worker.stop().catch(() => undefined);
      throw err;
    };
    const publisher = await createPublisher(settings, logger).catch(stopWorker);
    const consumer = await createConsumer(settings, logger).catch(async (err: unknown) => {
      await publisher.close().catch(() => undefined);
      return stopWorker(err);
    });
    return new QueueWorker(worker, publisher, consumer, monitoring, logger);
  }

  /** Starts the timing wheel and the consumer; resolves to an exit status if consuming ends by itself. */
  run(): Promise<number> {
    this.worker.run();
    this.monitoring.attachWorker(this.worker.engine);
    const consuming = this.consumer.consume(this.monitoring.decorateTaskHandler((task) => this.worker.handleTask(task)));
    this.consuming = consuming;
    return consuming.then(
      () => 0,
      (err: unknown) => {
        this.logger.error('consumer stopped', { error: err });
        return 1;
      },
    );
  }

  /** Outside in: the publisher (staged hits and pings out), the consumer, then the worker's drain. */
  async stop(): Promise<void> {
    await this.publisher.close();
    await this.consumer.stop();
    await this.consuming;
    await this.worker.stop();
  }

  /** Stops the worker when something started after it fails. */
  async abort(): Promise<void> {
    await this.consumer.stop().catch(() => undefined);
    await this.publisher.close().catch(() => undefined);
    await this.worker.stop().catch(() => undefined);
  }
}
