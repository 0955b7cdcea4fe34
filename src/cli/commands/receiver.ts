import { createPublisher } from '../../queue/assemble.js';
import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { runService } from '../service.js';

/** `cairn receiver`: HTTP in, queue tasks out. */
export function runReceiverCommand(args: string[]): Promise<number> {
  return runService('receiver', args, async (settings, logger, monitoring) => {
    const publisher = await createPublisher(settings, logger);
    const receiver = new Receiver(settings, createHitStorage(settings, monitoring.decoratePublisher(publisher), logger), publisher, logger);
    const address = await receiver.listen(monitoring.receiverHooks());
    logger.info('receiver listening', { host: address.address, port: address.port });
    return {
      stop: async () => {
        await receiver.close();
        await publisher.close();
      },
    };
  });
}
