import { runService } from '../service.js';
import { QueueWorker } from '../worker-runtime.js';

/**
 * `cairn worker`: reads the queue, builds sessions and writes them; no HTTP. It also publishes
 * pings to its own queue while idle, so its hit-time clock moves on when no receiver sends.
 */
export function runWorkerCommand(args: string[]): Promise<number> {
  return runService('worker', args, async (settings, logger, monitoring) => {
    const runtime = await QueueWorker.open(settings, logger, monitoring);
    const ended = runtime.run();
    return { stop: () => runtime.stop(), ended };
  });
}
