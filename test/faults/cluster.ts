/**
 * Runs Cairn topologies as real processes for the queue and fault tests: `cairn server`, or
 * receivers and workers apart on object storage (s3rver) or NATS (nats-server). Every process
 * gets its own state, queue and spool folders; the workers write CSV files into one folder,
 * which `OutputReader` reads incrementally.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvFileRows, csvFilesUnder } from '../support/csv.js';
import { freePort, startCli, waitForHealthy, type CliProcess } from '../support/cli.js';
import { send } from '../support/http.js';
import type { NatsServer } from '../support/nats.js';
import { S3_ACCESS_KEY, S3_SECRET_KEY, type FakeS3 } from '../support/s3rver.js';

export type Topology = 'server' | 'objectstorage' | 'nats';

export interface ClusterOptions {
  work: string;
  topology: Topology;
  s3?: FakeS3;
  nats?: NatsServer;
  /** NATS partitions (default 8). */
  partitions?: number;
  sessionTimeout?: string;
  /** Extra top-level YAML lines for every process. */
  extraYaml?: string[];
  /** Unique per cluster on a shared NATS server or bucket. */
  namespace: string;
  /** `warehouse.files.max_segment_age` (default 1s). */
  maxSegmentAge?: string;
}

export interface Proc {
  name: string;
  port: number | null;
  config: string;
  /** Extra environment (configuration keys by env name). */
  env: Record<string, string>;
  process: CliProcess | null;
  /** Started and answering (receivers: `/healthz` is 200). */
  ready: boolean;
  /** The log of the running process, or of the last one when none runs. */
  lastLog: () => string;
}

export class Cluster {
  readonly out: string;
  readonly receivers: Proc[] = [];
  readonly workers: Proc[] = [];

  constructor(readonly options: ClusterOptions) {
    this.out = join(options.work, 'out');
    mkdirSync(this.out, { recursive: true });
  }

  private queueYaml(): string[] {
    const o = this.options;
    if (o.topology === 'objectstorage') {
      if (o.s3 === undefined) throw new Error('objectstorage topology needs s3rver');
      return [
        'queue:',
        '  backend: objectstorage',
        '  max_attempts: 5',
        '  object_storage:',
        '    type: s3',
        `    prefix: ${o.namespace}/queue`,
        '    min_interval: 100ms',
        '    max_interval: 1s',
        '    interval_exp_factor: 1.5',
        `    s3: {host: ${o.s3.host}, port: ${o.s3.port}, bucket: ${o.s3.bucket}, access_key: ${S3_ACCESS_KEY}, secret_key: ${S3_SECRET_KEY}, protocol: http}`,
      ];
    }
    if (o.topology === 'nats') {
      if (o.nats === undefined) throw new Error('nats topology needs nats-server');
      return ['queue:', '  backend: nats', '  max_attempts: 5', `  nats: {url: "${o.nats.url}", stream: ${o.namespace}, partitions: ${o.partitions ?? 8}, ack_wait: 10s}`];
    }
    return ['queue: {backend: filesystem}'];
  }

  private writeConfig(name: string, port: number | null): string {
    const dir = join(this.options.work, name);
    mkdirSync(dir, { recursive: true });
    const lines = [
      `server: {host: 127.0.0.1, port: ${port ?? 1}, trusted_proxies: [127.0.0.1]}`,
      'delivery: {mode: at_least_once}',
      `sessions: {timeout: ${this.options.sessionTimeout ?? '5s'}}`,
      'receiver: {batch_timeout: 200ms, batch_size: 200}',
      'device_detector: {provider: stub}',
      `storage: {bolt_directory: ${join(dir, 'state')}, queue_directory: ${join(dir, 'queue')}, spool_directory: ${join(dir, 'spool')}}`,
      `warehouse: {driver: files, table: events, files: {storage: filesystem, format: csv, max_segment_age: ${this.options.maxSegmentAge ?? '1s'}, filesystem: {path: ${this.out}}}}`,
      ...this.queueYaml(),
      ...(this.options.extraYaml ?? []),
      '',
    ];
    const config = join(dir, 'config.yaml');
    writeFileSync(config, lines.join('\n'));
    return config;
  }

  /** Adds (and starts) a receiver, or in the server topology a `cairn server`. */
  async addReceiver(env: Record<string, string> = {}): Promise<Proc> {
    const port = await freePort();
    const name = `${this.options.topology === 'server' ? 'server' : 'receiver'}-${this.receivers.length}`;
    const proc: Proc = { name, port, config: this.writeConfig(name, port), env, process: null, ready: false, lastLog: () => '' };
    this.receivers.push(proc);
    await this.start(proc);
    return proc;
  }

  async addWorker(env: Record<string, string> = {}): Promise<Proc> {
    const name = `worker-${this.workers.length}`;
    const proc: Proc = { name, port: null, config: this.writeConfig(name, null), env, process: null, ready: false, lastLog: () => '' };
    this.workers.push(proc);
    await this.start(proc);
    return proc;
  }

  async start(proc: Proc): Promise<void> {
    const command = proc.name.split('-')[0] as string;
    const p = startCli([command, '--config', proc.config], { cwd: this.options.work, env: proc.env });
    proc.process = p;
    proc.ready = false;
    const earlier = proc.lastLog();
    proc.lastLog = () => `${earlier}${p.stderr()}`;
    if (proc.port !== null) {
      await waitForHealthy(proc.port, p, 60_000);
      proc.ready = true;
    } else {
      const deadline = Date.now() + 60_000;
      // The logger writes JSON lines to stderr.
      while (!p.stderr().includes('"worker started"')) {
        if (p.child.exitCode !== null) throw new Error(`${proc.name} exited with ${p.child.exitCode}:\n${p.stderr().slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`${proc.name} did not start:\n${p.stderr().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.ready = true;
    }
  }

  async kill(proc: Proc): Promise<void> {
    const p = proc.process;
    if (p === null) return;
    proc.process = null;
    proc.ready = false;
    p.child.kill('SIGKILL');
    await p.exited;
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  async stop(proc: Proc): Promise<number | null> {
    const p = proc.process;
    if (p === null) return 0;
    proc.process = null;
    proc.ready = false;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
    const { code } = await p.exited;
    clearTimeout(timer);
    return code;
  }

  async stopAll(): Promise<{ name: string; code: number | null; log: string }[]> {
    const results: { name: string; code: number | null; log: string }[] = [];
    // Receivers first, so what they hold reaches the queue before the workers stop.
    for (const p of [...this.receivers, ...this.workers]) {
      const log = p.process === null ? '' : p.process.stderr().slice(-3000);
      results.push({ name: p.name, code: await this.stop(p), log });
    }
    return results;
  }

  killAll(): void {
    for (const p of [...this.receivers, ...this.workers]) p.process?.child.kill('SIGKILL');
  }

  /** Writes every process's log (since its last start) to `<dir>/<name>.log`. */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const p of [...this.receivers, ...this.workers]) writeFileSync(join(dir, `${p.name}.log`), p.lastLog());
  }

  /** A log excerpt of every process, for assertion messages. */
  logs(): string {
    return [...this.receivers, ...this.workers]
      .map((p) => `--- ${p.name}\n${(p.process?.stderr() ?? '').split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).slice(-15).join('\n')}`)
      .join('\n');
  }
}

// ---- traffic -------------------------------------------------------------------------------

export interface PlannedHit {
  /** Unique per hit; travels in the page URL, so a row can be traced back to its hit. */
  tag: string;
  clientId: string;
  ip: string;
  path: string;
}

/**
 * A deterministic load: `total / hitsPerClient` visitors, each with `hitsPerClient` page views
 * from its own IP; every fourth visitor's later pages carry campaign parameters.
 */
export function plannedHits(total: number, hitsPerClient = 4, prefix = 'v'): PlannedHit[] {
  const out: PlannedHit[] = [];
  const clients = Math.ceil(total / hitsPerClient);
  for (let c = 0; c < clients; c++) {
    const cid = `${prefix}${c}.${1000 + c}`;
    const ip = `10.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`;
    for (let h = 0; h < hitsPerClient && out.length < total; h++) {
      const campaign = c % 4 === 0 && h >= hitsPerClient / 2 ? '%3Futm_source%3Dnews%26utm_campaign%3Dspring' : '';
      const tag = `${prefix}${c}-${h}`;
      out.push({ tag, clientId: cid, ip, path: `/g/collect?v=2&tid=G-FAULTS&cid=${cid}&en=page_view&dl=https%3A%2F%2Fshop.example%2F${tag}${campaign}` });
    }
  }
  return out;
}

export interface TrafficResult {
  accepted: Set<string>;
  rejected: number;
  failed: number;
}

/**
 * Sends the hits with `concurrency` lanes over the receivers that are up, a client's hits in
 * order; a hit whose request fails (a receiver was killed under it) is not retried: it only
 * counts if it got 204. Stops when `stop()` is called or the hits run out.
 */
export function sendTraffic(
  cluster: Cluster,
  hits: readonly PlannedHit[],
  concurrency: number,
): { done: Promise<TrafficResult>; stop: () => void; progress: () => number; ended: () => boolean } {
  const result: TrafficResult = { accepted: new Set(), rejected: 0, failed: 0 };
  let running = true;
  // One lane per client group keeps each client's hits in order.
  const byClient = new Map<string, PlannedHit[]>();
  for (const h of hits) {
    let list = byClient.get(h.clientId);
    if (list === undefined) byClient.set(h.clientId, (list = []));
    list.push(h);
  }
  const clientQueues = [...byClient.values()];
  let nextClient = 0;
  let rr = 0;
  const lane = async (): Promise<void> => {
    while (running) {
      const mine = clientQueues[nextClient++];
      if (mine === undefined) return;
      for (const h of mine) {
        if (!running) return;
        // While no receiver is up (one process being restarted) the hit waits; it was never sent.
        let target: Proc | undefined;
        const giveUpAt = Date.now() + 120_000;
        for (;;) {
          const ups = cluster.receivers.filter((r) => r.ready && r.port !== null);
          target = ups[rr++ % Math.max(1, ups.length)];
          if (target !== undefined || !running) break;
          if (Date.now() > giveUpAt) throw new Error('no receiver came back within 2 minutes');
          await new Promise((r) => setTimeout(r, 20));
        }
        if (target === undefined || target.port === null) return;
        try {
          const r = await send(target.port, 'GET', h.path, { headers: { 'X-Forwarded-For': h.ip, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) CairnFaults/1.0' } });
          if (r.status === 204) result.accepted.add(h.tag);
          else result.rejected++;
        } catch {
          result.failed++;
        }
      }
    }
  };
  let finished = false;
  const done = Promise.all(Array.from({ length: concurrency }, lane)).then(() => {
    finished = true;
    return result;
  });
  return {
    done,
    stop: () => {
      running = false;
    },
    progress: () => result.accepted.size + result.rejected + result.failed,
    ended: () => finished,
  };
}

// ---- output --------------------------------------------------------------------------------

export interface OutputRow {
  id: string;
  sessionId: string;
  clientId: string;
  tag: string;
  /** The row's columns, for comparisons between runs. */
  raw: Record<string, string>;
}

/** Reads the CSV files under a folder once each (finished files never change). */
export class OutputReader {
  private readonly seen = new Set<string>();
  readonly rows: OutputRow[] = [];

  constructor(private readonly dir: string) {}

  refresh(): OutputRow[] {
    for (const p of csvFilesUnder(this.dir)) {
      if (this.seen.has(p)) continue;
      this.seen.add(p);
      for (const raw of csvFileRows(p)) {
        const url = raw['page_location'] ?? '';
        const tag = /shop\.example\/([^?&/]+)/.exec(url)?.[1] ?? '';
        this.rows.push({ id: raw['id'] ?? '', sessionId: raw['session_id'] ?? '', clientId: raw['client_id'] ?? '', tag, raw });
      }
    }
    return this.rows;
  }
}

export interface Tally {
  sent: number;
  accepted: number;
  rows: number;
  /** Accepted hits with no row. */
  missing: number;
  /** Event ids written more than once (each extra copy counted). */
  duplicatedIds: number;
  /** Hits written under more than one event id (each extra copy counted). */
  duplicatedHits: number;
  /** Rows of hits whose request did not get 204 (the receiver died after keeping them). */
  unacknowledgedWritten: number;
}

export function tally(sent: number, accepted: ReadonlySet<string>, rows: readonly OutputRow[]): Tally {
  const ids = new Map<string, number>();
  const tags = new Map<string, number>();
  for (const r of rows) {
    ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
    tags.set(r.tag, (tags.get(r.tag) ?? 0) + 1);
  }
  let duplicatedIds = 0;
  for (const n of ids.values()) duplicatedIds += n - 1;
  let duplicatedHits = 0;
  let unacknowledgedWritten = 0;
  for (const [tag, n] of tags) {
    duplicatedHits += n - 1;
    if (!accepted.has(tag)) unacknowledgedWritten += n;
  }
  let missing = 0;
  for (const tag of accepted) if (!tags.has(tag)) missing++;
  return { sent, accepted: accepted.size, rows: rows.length, missing, duplicatedIds, duplicatedHits, unacknowledgedWritten };
}

/** Waits until every accepted hit has a row (or the time runs out), then a little longer for late copies. */
export async function waitForRows(reader: OutputReader, accepted: ReadonlySet<string>, timeoutMs: number, settleMs = 3_000): Promise<OutputRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = reader.refresh();
    const have = new Set(rows.map((r) => r.tag));
    let all = true;
    for (const t of accepted) {
      if (!have.has(t)) {
        all = false;
        break;
      }
    }
    if (all || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, settleMs));
  return reader.refresh();
}

/** Sessions as sets of hit tags, sorted, with the columns that do not depend on ids or timing. */
export function sessionShapes(rows: readonly OutputRow[]): string[] {
  const bySession = new Map<string, OutputRow[]>();
  for (const r of rows) {
    let list = bySession.get(r.sessionId);
    if (list === undefined) bySession.set(r.sessionId, (list = []));
    list.push(r);
  }
  const shapes: string[] = [];
  for (const list of bySession.values()) {
    list.sort((a, b) => (a.tag < b.tag ? -1 : 1));
    const first = list[0]!.raw;
    const sessionColumns = Object.keys(first)
      .filter((k) => k.startsWith('session_') && !/id$|time|_ts|date|duration|stamp/.test(k))
      .sort()
      .map((k) => `${k}=${first[k]}`);
    shapes.push(`${list.map((r) => r.tag).join(',')} | ${sessionColumns.join(' ')}`);
  }
  return shapes.sort();
}
