/**
 * Durability for commits made without their own fsync: `sync()` resolves once everything
 * written before the call is on disk. One flush runs at a time; callers that come while it runs
 * share the next one (it must start after their writes, so the running one does not count for
 * them), however many they are.
 */
export class GroupSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private flushes = 0;

  /** `flush` makes every write made before it started durable (an fdatasync, say). */
  constructor(private readonly flush: () => Promise<void>) {}

  sync(): Promise<void> {
    if (this.running === null) return this.start();
    // A failed flush does not excuse the next one: it still runs for the callers waiting on it.
    this.next ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.next;
  }

  /** Flushes started so far. */
  get flushCount(): number {
    return this.flushes;
  }

  private startQueued(): Promise<void> {
    this.next = null;
    return this.start();
  }

  private start(): Promise<void> {
    this.flushes++;
    const run = (async () => this.flush())().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
