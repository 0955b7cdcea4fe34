import { createConsumer, createPublisher } from '../../queue/assemble.js';
import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { Worker } from '../../worker/worker.js';
import { runService } from '../service.js';

/**
 * `cairn server`: the receiver and the worker in one process, joined by the queue. The tables
 * are created or evolved before the first request is accepted.
 */
export function runServerCommand(args: string[]): Promise<number> {
  return runService('server', args, async (settings, logger, monitoring) => {
    const worker = await Worker.start(settings, logger, { migrate: true, ...monitoring.workerDecorators() });
    // The queue may be remote (object storage, NATS): building it can fail after the worker started.
    const stopWorker = async (err: unknown): Promise<never> => {
      await worker.stop().catch(() => undefined);
      throw err;
    };
    const publisher = await createPublisher(settings, logger).catch(stopWorker);
    const consumer = await createConsumer(settings, logger).catch(async (err: unknown) => {
      await publisher.close().catch(() => undefined);
      return stopWorker(err);
    });
    const receiver = new Receiver(settings, createHitStorage(settings, monitoring.decoratePublisher(publisher), logger), publisher, logger);
    let address;
    try {
      address = await receiver.listen(monitoring.receiverHooks());
    } catch (err) {
      await worker.stop().catch(() => undefined);
      throw err;
    }
    logger.info('receiver listening', { host: address.address, port: address.port });
    worker.run();
    monitoring.attachWorker(worker.engine);
    const consuming = consumer.consume(monitoring.decorateTaskHandler((task) => worker.handleTask(task)));
    return {
      stop: async () => {
        // Outside in: no new requests, staged hits into the queue, the queue into the worker,
        // then the worker drains its buffers and spools into the warehouse.
        await receiver.close();
        await publisher.close();
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
