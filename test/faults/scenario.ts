/**
 * What the fault tests share: the load size and outage length (from the environment, so CI runs
 * a small default and a full-size run can be made by hand), the topologies, and the figures.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type Tally, type Topology } from './cluster.js';
import type { Test } from 'uvu';
import { startNatsServer, type NatsServer } from '../support/nats.js';
import { startS3rver, type FakeS3 } from '../support/s3rver.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Hits replayed per scenario (`FAULTS_HITS`; the full size is 100000). */
export const FAULT_HITS = envNumber('FAULTS_HITS', 10_000);
/** Warehouse outage in the middle of the load (`FAULTS_OUTAGE_S`; full size 30). */
export const OUTAGE_MS = envNumber('FAULTS_OUTAGE_S', 10) * 1000;
/** Concurrent request lanes of the load. */
export const LANES = envNumber('FAULTS_LANES', 16);

export const TOPOLOGIES: readonly Topology[] = ['server', 'objectstorage', 'nats'];

export interface Backends {
  s3: FakeS3;
  nats: NatsServer;
}

/** Starts an S3 server and a NATS server before the suite and stops them after it; the getter is valid inside tests. */
export function suiteBackends(suite: Test): () => Backends {
  let backends: Backends | undefined;
  suite.before(async () => {
    backends = { s3: await startS3rver(), nats: await startNatsServer() };
  });
  suite.after(async () => {
    await backends?.s3.stop();
    await backends?.nats.stop();
  });
  return () => {
    if (backends === undefined) throw new Error('the fault backends are not started yet');
    return backends;
  };
}

export interface Setup {
  cluster: Cluster;
  work: string;
  cleanup: () => void;
}

let clusterSeq = 0;

/**
 * One process (`cairn server`); two receivers and one worker on object storage; two receivers
 * and two workers on NATS.
 */
export async function startTopology(topology: Topology, backends: Backends, opts: { maxSegmentAge?: string } = {}): Promise<Setup> {
  const work = mkdtempSync(join(tmpdir(), `cairn-faults-${topology}-`));
  const namespace = `F${process.pid}N${++clusterSeq}`;
  const cluster = new Cluster({
    work,
    topology,
    namespace,
    s3: backends.s3,
    nats: backends.nats,
    partitions: 8,
    // Longer than a receiver's restart, so hits it staged before a SIGKILL are not late when they arrive.
    sessionTimeout: '10s',
    ...(opts.maxSegmentAge === undefined ? {} : { maxSegmentAge: opts.maxSegmentAge }),
  });
  if (topology === 'server') {
    await cluster.addReceiver();
  } else {
    await cluster.addWorker(topology === 'nats' ? { QUEUE_NATS_WORKERS: '2' } : {});
    if (topology === 'nats') await cluster.addWorker({ QUEUE_NATS_WORKERS: '2' });
    await cluster.addReceiver();
    await cluster.addReceiver();
  }
  return {
    cluster,
    work,
    cleanup: () => {
      cluster.killAll();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Prints the figures and, with `FAULTS_REPORT=<file>`, appends them there as a JSON line. */
export function recordFigures(scenario: string, topology: Topology, t: Tally, extra: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ scenario, topology, ...t, ...extra });
  console.log(`figures ${line}`);
  const file = process.env['FAULTS_REPORT'];
  if (file !== undefined && file !== '') appendFileSync(file, line + '\n');
}

/** Where the logs of a failed scenario are kept for a look afterwards. */
export function logDir(topology: Topology): string {
  return join(tmpdir(), 'cairn-faults-logs', `${topology}-${process.pid}-${Date.now()}`);
}

/** A random number in [from, to). */
export function between(from: number, to: number): number {
  return from + Math.random() * (to - from);
}

/** Resolves once `progress()` reaches `target` (or the traffic ended). */
export async function whenProgress(progress: () => number, target: number, ended: () => boolean): Promise<void> {
  while (progress() < target && !ended()) await new Promise((r) => setTimeout(r, 10));
}
