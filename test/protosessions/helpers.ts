/** Fixtures for the proto-session tests: hits at chosen times, properties, a recording closer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hit } from '../../src/hits/hit.js';
import type { ProtoSessionCloser } from '../../src/protosessions/closer.js';
import { ProtoSessionEngine, type ProtoSessionEngineOptions } from '../../src/protosessions/engine.js';
import { SqliteProtoSessionStore } from '../../src/protosessions/sqlite-store.js';
import type { ProtoSessionStore } from '../../src/protosessions/store.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import { testProperty } from '../support/properties.js';
import type { PropertySettings } from '../../src/settings/types.js';

/** 2026-01-15T10:00:00Z: a whole second, far from midnight. */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
export const SECOND = 1000;
export const TIMEOUT_S = 30;

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cairn-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function property(id: string, overrides: Partial<PropertySettings> = {}): PropertySettings {
  return testProperty({ id, name: id, isDefault: false, sessionTimeoutMs: TIMEOUT_S * SECOND, ...overrides });
}

export function registry(...properties: PropertySettings[]): PropertyRegistry {
  return new PropertyRegistry(properties.length > 0 ? properties : [property('shop')]);
}

export interface HitSpec {
  id?: string;
  client?: string;
  property?: string;
  /** Server-received time, ms since the epoch. */
  at?: number;
  userId?: string | null;
  ip?: string;
  fss?: string;
  headers?: [string, string[]][];
  event?: string;
}

let counter = 0;

export function hit(spec: HitSpec = {}): Hit {
  const n = ++counter;
  const client = spec.client ?? `client-${n}`;
  const query = new Map<string, string[]>([['v', ['2']], ['en', [spec.event ?? 'page_view']]]);
  if (spec.fss !== undefined) query.set('fss', [spec.fss]);
  return {
    id: spec.id ?? `hit-${n}`,
    authoritativeClientId: client,
    clientId: client,
    eventName: spec.event ?? 'page_view',
    propertyId: spec.property ?? 'shop',
    userId: spec.userId ?? null,
    metadata: { protocol: 'ga4' },
    request: {
      ip: spec.ip ?? '203.0.113.0',
      host: 'example.com',
      serverReceivedTime: spec.at ?? T0,
      queryParams: query,
      body: new Uint8Array(0),
      path: '/g/collect',
      method: 'POST',
      headers: new Map(spec.headers ?? [['User-Agent', [`agent of ${client}`]]]),
    },
  };
}

/** Records every close call; can be told to fail or to wait for a release. */
export class RecordingCloser implements ProtoSessionCloser {
  readonly calls: Hit[][][] = [];
  /** The close id of each successful call. */
  readonly closeIds: (string | undefined)[] = [];
  failuresLeft = 0;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** Resolves when a close call starts. */
  private startedWaiters: (() => void)[] = [];

  async close(protoSessions: Hit[][], closeId?: string): Promise<void> {
    for (const w of this.startedWaiters.splice(0)) w();
    if (this.gate !== undefined) await this.gate;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('warehouse unavailable');
    }
    this.calls.push(protoSessions);
    this.closeIds.push(closeId);
  }

  /** Makes the next close calls wait until `open()` is called. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = undefined;
  }

  nextCallStarted(): Promise<void> {
    return new Promise((resolve) => this.startedWaiters.push(resolve));
  }

  /** Every closed proto-session, as lists of hit ids, in close order. */
  sessions(): string[][] {
    return this.calls.flatMap((call) => call.map((ps) => ps.map((h) => h.id)));
  }

  allHitIds(): string[] {
    return this.sessions().flat();
  }
}

import { recordingLogger, type LogEntry } from '../support/logger.js';
export { recordingLogger, type LogEntry };

export interface EngineHarness {
  engine: ProtoSessionEngine;
  /** The state store the current engine was opened on (to look at identifiers and rows). */
  store: ProtoSessionStore;
  closer: RecordingCloser;
  logger: ReturnType<typeof recordingLogger>;
  dir: string;
  /** Fake wall clock for the retry back-off. */
  wall: { now: number };
  reopen(overrides?: Partial<ProtoSessionEngineOptions>): Promise<void>;
  done(): Promise<void>;
}

export function harness(overrides: Partial<ProtoSessionEngineOptions> = {}, dir?: string): EngineHarness {
  const t = dir === undefined ? tempDir('ps') : { dir, cleanup: () => {} };
  const closer = overrides.closer instanceof RecordingCloser ? overrides.closer : new RecordingCloser();
  const logger = recordingLogger();
  const wall = { now: 1_000_000 };
  let store: ProtoSessionStore;
  const make = (o: Partial<ProtoSessionEngineOptions>): ProtoSessionEngine => {
    store = o.store ?? SqliteProtoSessionStore.open(t.dir);
    return new ProtoSessionEngine({ properties: registry(), closer, logger, wallClock: () => wall.now, ...o, store });
  };
  const h: EngineHarness = {
    engine: make(overrides),
    get store() {
      return store;
    },
    closer,
    logger,
    dir: t.dir,
    wall,
    async reopen(o = {}) {
      await h.engine.close();
      h.engine = make({ ...overrides, ...o });
    },
    async done() {
      await h.engine.close();
      t.cleanup();
    },
  };
  return h;
}

export const at = (seconds: number, ms = 0): number => T0 + seconds * SECOND + ms;

/** The bytes an earlier build stored for these hits: a version 1 chunk (whole hits, no identifiers). */
export function version1Chunk(hits: readonly { hitId: string; receivedMs: number; payload: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [Buffer.from([1])];
  for (const hit of hits) {
    const id = Buffer.from(hit.hitId, 'utf8');
    const head = Buffer.alloc(16);
    head.writeDoubleLE(hit.receivedMs, 0);
    head.writeUInt32LE(id.byteLength, 8);
    head.writeUInt32LE(hit.payload.byteLength, 12);
    parts.push(head, id, Buffer.from(hit.payload));
  }
  return Buffer.concat(parts);
}
