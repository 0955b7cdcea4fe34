/** Publishes started and not yet settled, so that a publisher's `close` can wait for them. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Remembers `p` until it settles and returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const forget = (): void => {
      this.pending.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  /** Resolves once everything tracked so far has settled, however it ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
