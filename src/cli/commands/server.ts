import { createConsumer, createPublisher } from '../../queue/assemble.js';
import { RejectionLog } from '../../monitoring/rejection-log.js';
import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { Worker } from '../../worker/worker.js';
import { runService } from '../service.js';

/**
 * `cairn server`: the receiver and the worker in one process, joined by the queue. The tables
 * are created or evolved before the first request is accepted.
 */
export function runServerCommand(args: string[]): Promise<number> {
  return runService('server', args, async (settings, logger) => {
    const worker = await Worker.start(settings, logger, { migrate: true });
    const publisher = createPublisher(settings, logger);
    const receiver = new Receiver(settings, createHitStorage(settings, publisher, logger), publisher, logger);
    const consumer = createConsumer(settings, logger);
    const rejections = new RejectionLog(logger);
    let address;
    try {
      address = await receiver.listen((o) => {
        if (o.rejection) rejections.record(o.rejection.reason, o.rejection.message, o.status);
      });
    } catch (err) {
      await worker.stop().catch(() => undefined);
      throw err;
    }
    logger.info('receiver listening', { host: address.address, port: address.port });
    worker.run();
    const consuming = consumer.consume((task) => worker.handleTask(task));
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
