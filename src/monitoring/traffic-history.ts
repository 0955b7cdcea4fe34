/**
 * Hits and rejected requests per second over a sliding window (15 minutes by default), kept
 * in a ring of per-second slots so recording is two array writes whatever the traffic, and
 * memory stays fixed.
 */
export interface TrafficSeries {
  /** Epoch second of the first point. */
  start: number;
  /** One point per second, oldest first, ending with the current second. */
  hits: number[];
  rejected: number[];
}

export class TrafficHistory {
  private readonly seconds: Float64Array;
  private readonly hits: Float64Array;
  private readonly rejected: Float64Array;

  constructor(
    private readonly windowSeconds = 900,
    private readonly now: () => number = Date.now,
  ) {
    this.seconds = new Float64Array(windowSeconds).fill(-1);
    this.hits = new Float64Array(windowSeconds);
    this.rejected = new Float64Array(windowSeconds);
  }

  recordHits(count: number): void {
    const i = this.slot();
    this.hits[i] = (this.hits[i] as number) + count;
  }

  recordRejected(): void {
    const i = this.slot();
    this.rejected[i] = (this.rejected[i] as number) + 1;
  }

  /** The slot of the current second, cleared first if it still holds an older second. */
  private slot(): number {
    const second = Math.floor(this.now() / 1000);
    const i = second % this.windowSeconds;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.hits[i] = 0;
      this.rejected[i] = 0;
    }
    return i;
  }

  series(): TrafficSeries {
    const current = Math.floor(this.now() / 1000);
    const start = current - this.windowSeconds + 1;
    const hits: number[] = new Array<number>(this.windowSeconds);
    const rejected: number[] = new Array<number>(this.windowSeconds);
    for (let k = 0; k < this.windowSeconds; k++) {
      const second = start + k;
      const i = second % this.windowSeconds;
      const fresh = this.seconds[i] === second;
      hits[k] = fresh ? (this.hits[i] as number) : 0;
      rejected[k] = fresh ? (this.rejected[i] as number) : 0;
    }
    return { start, hits, rejected };
  }
}
