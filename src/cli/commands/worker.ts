import { createConsumer, createPublisher } from '../../queue/assemble.js';
import { Worker } from '../../worker/worker.js';
import { runService } from '../service.js';

/**
 * `cairn worker`: reads the queue, builds sessions and writes them; no HTTP. It also publishes
 * pings to its own queue while idle, so its hit-time clock moves on when no receiver sends.
 */
export function runWorkerCommand(args: string[]): Promise<number> {
  return runService('worker', args, async (settings, logger, monitoring) => {
    const worker = await Worker.start(settings, logger, { migrate: true, ...monitoring.workerDecorators() });
    // The queue may be remote (object storage, NATS): building it can fail after the worker started.
    const stopWorker = async (err: unknown): Promise<never> => {
      await worker.stop().catch(() => undefined);
      throw err;
    };
    const pinger = await createPublisher(settings, logger).catch(stopWorker);
    const consumer = await createConsumer(settings, logger).catch(async (err: unknown) => {
      await pinger.close().catch(() => undefined);
      return stopWorker(err);
    });
    worker.run();
    monitoring.attachWorker(worker.engine);
    const consuming = consumer.consume(monitoring.decorateTaskHandler((task) => worker.handleTask(task)));
    return {
      stop: async () => {
        await pinger.close();
        await consumer.stop();
        await consuming;
        await worker.stop();
      },
      ended: consuming.then(
        () => 0,
        (err: unknown) => {
          logger.error('consumer stopped', { error: err });
          return 1;
        },
      ),
    };
  });
}
