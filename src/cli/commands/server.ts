import { decodeHitsTask, isPing } from '../../queue/hits-task.js';
import { createConsumer, createPublisher } from '../../queue/assemble.js';
import { DropTaskError, type Task } from '../../queue/task.js';
import { RejectionLog } from '../../monitoring/rejection-log.js';
import type { Logger } from '../../monitoring/logger.js';
import { createHitStorage, Receiver } from '../../receiver/assemble.js';
import { runService } from '../service.js';
import { firstParam } from '../../hits/hit.js';

/**
 * Until the worker exists, the server's consumer logs each hit it reads, so the whole
 * receiving side can be watched end to end.
 */
function loggingHandler(logger: Logger): (task: Task) => Promise<void> {
  return async (task) => {
    if (isPing(task)) return;
    let hits;
    try {
      hits = decodeHitsTask(task);
    } catch (err) {
      throw new DropTaskError(`undecodable hits task: ${(err as Error).message}`);
    }
    for (const h of hits) {
      logger.info('hit', {
        id: h.id,
        property_id: h.propertyId,
        client_id: h.clientId,
        event: h.eventName,
        protocol: h.metadata['protocol'],
        page: firstParam(h.request.queryParams, 'dl'),
        received: new Date(h.request.serverReceivedTime).toISOString(),
      });
    }
  };
}

/** `cairn server`: receiver and (for now) a hit-logging consumer in one process. */
export function runServerCommand(args: string[]): Promise<number> {
  return runService('server', args, async (settings, logger) => {
    const publisher = createPublisher(settings, logger);
    const receiver = new Receiver(settings, createHitStorage(settings, publisher, logger), publisher, logger);
    const consumer = createConsumer(settings, logger);
    const rejections = new RejectionLog(logger);
    const address = await receiver.listen((o) => {
      if (o.rejection) rejections.record(o.rejection.reason, o.rejection.message, o.status);
    });
    logger.info('receiver listening', { host: address.address, port: address.port });
    const consuming = consumer.consume(loggingHandler(logger));
    return {
      stop: async () => {
        await receiver.close();
        await publisher.close();
        // Give the consumer a moment to read what the final flush just published.
        await new Promise((r) => setTimeout(r, 200));
        await consumer.stop();
        await consuming;
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
