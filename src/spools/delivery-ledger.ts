import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

/**
 * Ids of writes a writer has already made durable, so that a write retried after a crash (same
 * id) is recognised and not stored twice. Ids still in the writer's spool are added at start by
 * the writer itself; ids already delivered onwards are kept in an append-only, fsynced log.
 * Only the most recent ids are kept: a retry comes soon after the original.
 */
export class DeliveryLedger {
  private readonly ids = new Set<string>();
  private fd: number | null = null;

  private constructor(private readonly path: string | null, private readonly capacity: number) {}

  /** An in-memory ledger (ids found in the spool and added since start). */
  static inMemory(capacity = 100_000): DeliveryLedger {
    return new DeliveryLedger(null, capacity);
  }

  /** A ledger that also remembers delivered ids in `path` across restarts. */
  static open(path: string, capacity = 100_000): DeliveryLedger {
    const ledger = new DeliveryLedger(path, capacity);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no ledger yet
    }
    const lines = text.split('\n').filter((l) => l !== '');
    for (const id of lines.slice(-capacity)) ledger.add(id);
    // Rewrite-free growth would be unbounded; start a fresh file holding only what is kept.
    ledger.fd = openSync(path, 'w', 0o600);
    if (ledger.ids.size > 0) writeSync(ledger.fd, [...ledger.ids].join('\n') + '\n');
    fsyncSync(ledger.fd);
    return ledger;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers ids in memory (they are durable elsewhere, e.g. in the spool). */
  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  /** Remembers ids durably (fsynced) before the spool copy that proved them goes away. */
  recordDelivered(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.add(id);
    if (this.fd !== null && this.path !== null) {
      writeSync(this.fd, ids.join('\n') + '\n');
      fsyncSync(this.fd);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
