/**
 * Runs an asynchronous start-up step once and shares its promise; a failed attempt (a
 * permissions problem, a full disk) is forgotten, so the next caller tries again.
 */
export class StartOnce {
  private started: Promise<void> | null = null;

  constructor(private readonly step: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.started === null) {
      const attempt = this.step();
      this.started = attempt;
      attempt.catch(() => {
        if (this.started === attempt) this.started = null;
      });
    }
    return this.started;
  }
}
