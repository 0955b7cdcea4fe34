import { createPublisher } from '../../queue/assemble.js';
import { RejectionLog } from '../../monitoring/rejection-log.js';
import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { runService } from '../service.js';

/** `cairn receiver`: HTTP in, queue tasks out. */
export function runReceiverCommand(args: string[]): Promise<number> {
  return runService('receiver', args, async (settings, logger) => {
    const publisher = createPublisher(settings, logger);
    const receiver = new Receiver(settings, createHitStorage(settings, publisher, logger), publisher, logger);
    const rejections = new RejectionLog(logger);
    const address = await receiver.listen((o) => {
      if (o.rejection) rejections.record(o.rejection.reason, o.rejection.message, o.status);
    });
    logger.info('receiver listening', { host: address.address, port: address.port });
    return {
      stop: async () => {
        await receiver.close();
        await publisher.close();
      },
    };
  });
}
