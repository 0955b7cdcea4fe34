/**
 * Runs async steps one after another, in call order. The engine's intake steps and bucket
 * closes go through one of these so that a close, which awaits the closer, never has a batch
 * intake run in the middle of it.
 */
export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(step: () => T | Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(step).finally(() => {
      this.pending--;
    });
    // A failed step must not stop the ones queued after it.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every step queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }

  /** Steps queued or running. */
  get size(): number {
    return this.pending;
  }
}
