import type { Meter } from '@opentelemetry/api';
import type { DebugHub, RecentClient } from './debug-hub.js';
import { queueFiles, spoolUsage, type SpoolUsage } from './disk-probes.js';
import type { TableWrite, WriteLedger } from './metered-driver.js';
import { cairnMeter } from './meter.js';
import type { TrafficHistory, TrafficSeries } from './traffic-history.js';

/** What the worker's proto-session engine tells about itself (ProtoSessionEngine fits). */
export interface EngineReadout {
  openProtoSessions(): number;
  oldestOpenProtoSessionAgeMs(): number | null;
  /** Hit-time clock in ms; 0 before the first hit or ping. */
  now(): number;
}

/** The parts of the process the status page and the gauges read; each is there only in the roles that have it. */
export interface StatusSources {
  role: string;
  version: string;
  startedAt: number;
  traffic?: TrafficHistory;
  engine?: EngineReadout;
  /** The filesystem queue's folder (other queue backends report no depth). */
  queueDirectory?: string;
  spoolDirectory?: string;
  writes?: WriteLedger;
  hub?: DebugHub;
}

export interface ProtoSessionReadings {
  open: number;
  oldestAgeSeconds: number | null;
  /** ISO time of the worker's hit-time clock, null before any hit. */
  hitTimeClock: string | null;
  /** Wall clock minus hit-time clock. */
  lagSeconds: number | null;
}

export interface StatusSnapshot {
  role: string;
  version: string;
  generatedAt: string;
  uptimeSeconds: number;
  rssBytes: number;
  traffic: TrafficSeries | null;
  protoSessions: ProtoSessionReadings | null;
  queue: { depth: number; deadLetters: number } | null;
  spools: SpoolUsage[] | null;
  writes: TableWrite[] | null;
  recentClients: RecentClient[] | null;
}

/** Readings that touch the disk or the state database, shared by the page and the metric gauges. */
interface SlowReadings {
  protoSessions: ProtoSessionReadings | null;
  queue: { depth: number; deadLetters: number } | null;
  spools: SpoolUsage[] | null;
}

/**
 * Builds status snapshots. The slow readings (directory listings, a count over the state
 * database) are cached for a second, so a page polling every few seconds and a Prometheus
 * scrape at the same time cost one reading between them.
 */
export class StatusReader {
  private cached: { at: number; readings: Promise<SlowReadings> } | null = null;

  constructor(
    private readonly sources: StatusSources,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = 1000,
  ) {}

  slowReadings(): Promise<SlowReadings> {
    const t = this.now();
    if (this.cached !== null && t - this.cached.at < this.cacheMs) return this.cached.readings;
    const readings = this.readSlow();
    this.cached = { at: t, readings };
    readings.catch(() => {
      if (this.cached?.readings === readings) this.cached = null;
    });
    return readings;
  }

  private async readSlow(): Promise<SlowReadings> {
    const { engine, queueDirectory, spoolDirectory } = this.sources;
    let protoSessions: ProtoSessionReadings | null = null;
    if (engine !== undefined) {
      const clock = engine.now();
      const age = engine.oldestOpenProtoSessionAgeMs();
      protoSessions = {
        open: engine.openProtoSessions(),
        oldestAgeSeconds: age === null ? null : age / 1000,
        hitTimeClock: clock > 0 ? new Date(clock).toISOString() : null,
        lagSeconds: clock > 0 ? Math.max(0, (this.now() - clock) / 1000) : null,
      };
    }
    const [queue, spools] = await Promise.all([
      queueDirectory === undefined ? null : queueFiles(queueDirectory),
      spoolDirectory === undefined ? null : spoolUsage(spoolDirectory),
    ]);
    return { protoSessions, queue, spools };
  }

  async snapshot(): Promise<StatusSnapshot> {
    const s = this.sources;
    const slow = await this.slowReadings();
    return {
      role: s.role,
      version: s.version,
      generatedAt: new Date(this.now()).toISOString(),
      uptimeSeconds: Math.round((this.now() - s.startedAt) / 1000),
      rssBytes: process.memoryUsage.rss(),
      traffic: s.traffic?.series() ?? null,
      protoSessions: slow.protoSessions,
      queue: slow.queue,
      spools: slow.spools,
      writes: s.writes?.entries() ?? null,
      recentClients: s.hub?.recentClients() ?? null,
    };
  }
}

/**
 * Gauges over the same readings: queue depth and dead letters, open proto-sessions and the
 * age of the oldest, processing lag, spool bytes on disk.
 */
export function registerStatusGauges(reader: StatusReader, meter: Meter = cairnMeter()): void {
  const depth = meter.createObservableGauge('queue.depth', { description: 'Tasks waiting in the filesystem queue' });
  const deadLetters = meter.createObservableGauge('queue.dead_letters', { description: 'Tasks in the queue\'s dead-letter folder' });
  const open = meter.createObservableGauge('protosessions.open', { description: 'Proto-sessions stored and not yet closed' });
  const oldest = meter.createObservableGauge('protosessions.oldest_open.age', {
    description: 'Hit-time age of the oldest open proto-session (its first hit to the worker clock)',
    unit: 's',
  });
  const lag = meter.createObservableGauge('protosessions.processing.lag', { description: 'Wall clock minus the worker\'s hit-time clock', unit: 's' });
  const spoolBytes = meter.createObservableGauge('spools.disk.bytes', { description: 'Bytes of spool files on disk, by spool folder', unit: 'By' });
  const quarantined = meter.createObservableGauge('spools.quarantined.files', { description: 'Quarantined spool files, by spool folder' });
  meter.addBatchObservableCallback(
    async (result) => {
      const r = await reader.slowReadings();
      if (r.queue !== null) {
        result.observe(depth, r.queue.depth);
        result.observe(deadLetters, r.queue.deadLetters);
      }
      if (r.protoSessions !== null) {
        result.observe(open, r.protoSessions.open);
        if (r.protoSessions.oldestAgeSeconds !== null) result.observe(oldest, r.protoSessions.oldestAgeSeconds);
        if (r.protoSessions.lagSeconds !== null) result.observe(lag, r.protoSessions.lagSeconds);
      }
      for (const s of r.spools ?? []) {
        result.observe(spoolBytes, s.bytes, { dir: s.dir });
        result.observe(quarantined, s.quarantinedFiles, { dir: s.dir });
      }
    },
    [depth, deadLetters, open, oldest, lag, spoolBytes, quarantined],
  );
}
