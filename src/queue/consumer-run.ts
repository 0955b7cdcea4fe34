import { InterruptibleSleep } from './interruptible-sleep.js';

/**
 * What every queue consumer's life has in common: one run at a time, pauses between polls and
 * retries, and a stop that cuts a pause short and waits for the task in hand.
 */
export class ConsumerRun {
  private stopRequested = false;
  private running: Promise<void> | null = null;
  private readonly pause = new InterruptibleSleep();

  /** True once `stop` was called: the run should end after the task in hand. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Starts `run`, once; a second start rejects. */
  start(run: () => Promise<void>): Promise<void> {
    if (this.running !== null) return Promise.reject(new Error('consumer is already running'));
    this.running = run();
    return this.running;
  }

  /**
   * Ends the run once the task in hand is finished, and resolves after that (rejects if the run
   * failed). Do not await it from inside the handler: the run is waiting for the handler then.
   */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.pause.wake();
    await this.running;
  }

  /** A pause that `stop` cuts short; none at all once stopping. */
  sleep(ms: number): Promise<void> {
    return this.stopRequested ? Promise.resolve() : this.pause.sleep(ms);
  }
}
