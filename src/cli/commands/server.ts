import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { QueueWorker } from '../worker-runtime.js';
import { runService } from '../service.js';

/**
 * `cairn server`: the receiver and the worker in one process, joined by the queue. The tables
 * are created or evolved before the first request is accepted.
 */
export function runServerCommand(args: string[]): Promise<number> {
  return runService('server', args, async (settings, logger, monitoring) => {
    const runtime = await QueueWorker.open(settings, logger, monitoring);
    const publisher = runtime.publisher;
    const receiver = new Receiver(settings, createHitStorage(settings, monitoring.decoratePublisher(publisher), logger), publisher, logger);
    let address;
    try {
      address = await receiver.listen(monitoring.receiverHooks());
    } catch (err) {
      await runtime.abort();
      throw err;
    }
    logger.info('receiver listening', { host: address.address, port: address.port });
    const ended = runtime.run();
    return {
      stop: async () => {
        // Outside in: no new requests, staged hits into the queue, the queue into the worker,
        // then the worker drains its buffers and spools into the warehouse.
        await receiver.close();
        await runtime.stop();
      },
      ended,
    };
  });
}
