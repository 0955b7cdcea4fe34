import { createConsumer, createPublisher } from '../../queue/assemble.js';
import { Worker } from '../../worker/worker.js';
import { runService } from '../service.js';

/**
 * `cairn worker`: reads the queue, builds sessions and writes them; no HTTP. It also publishes
 * pings to its own queue while idle, so its hit-time clock moves on when no receiver sends.
 */
export function runWorkerCommand(args: string[]): Promise<number> {
  return runService('worker', args, async (settings, logger) => {
    const worker = await Worker.start(settings, logger, { migrate: true });
    const pinger = createPublisher(settings, logger);
    const consumer = createConsumer(settings, logger);
    worker.run();
    const consuming = consumer.consume((task) => worker.handleTask(task));
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
