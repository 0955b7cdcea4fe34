import type { Hit } from '../hits/hit.js';
import { PROTOCOL_METADATA_KEY } from '../hits/hit.js';
import type { Row } from '../warehouse/driver.js';

/** A hit as the debug view shows it: what the receiver parsed out of the request. */
export interface DebugHit {
  id: string;
  eventName: string;
  clientId: string;
  userId: string | null;
  propertyId: string;
  protocol: string;
  receivedAt: string;
  ip: string;
  method: string;
  host: string;
  path: string;
  params: Record<string, string[]>;
  headers: Record<string, string>;
  bodyBytes: number;
}

export type DebugEvent =
  | { kind: 'hit'; at: number; hit: DebugHit }
  | { kind: 'row'; at: number; table: string; row: Record<string, unknown> };

export interface RecentClient {
  clientId: string;
  propertyId: string;
  lastSeen: number;
  hits: number;
}

interface Watch {
  history: DebugEvent[];
  listeners: Set<(event: DebugEvent) => void>;
  /** When nobody listens any more, the watch (and its history) ends at this time. */
  expiresAt: number;
}

export interface DebugHubOptions {
  /** Most client ids watched at once; the one unwatched longest is dropped first. */
  maxWatches?: number;
  /** Events kept per client id for a page that connects later. */
  historyLength?: number;
  /**
   * How long a client id stays watched after its last viewer left. Rows arrive only when the
   * session closes (the session timeout later), so this should outlast the timeout.
   */
  retainMs?: number;
  /** Client ids listed as recently seen. */
  recentClients?: number;
  now?: () => number;
}

/** Headers worth showing; the rest (cookies above all) stay out of the page. */
const SHOWN_HEADERS = ['User-Agent', 'Referer', 'Origin', 'Accept-Language', 'Sec-Ch-Ua', 'Sec-Ch-Ua-Platform', 'Sec-Ch-Ua-Mobile', 'Content-Type'];

/**
 * The debug view's data: hits of watched client ids as they are accepted and, once their
 * session is closed, the rows written for them. Only watched ids cost anything beyond one map
 * lookup per hit, so the view can stay open under full load.
 */
export class DebugHub {
  private readonly watches = new Map<string, Watch>();
  private readonly recent = new Map<string, RecentClient>();
  private readonly maxWatches: number;
  private readonly historyLength: number;
  private readonly retainMs: number;
  private readonly recentLimit: number;
  private readonly now: () => number;

  constructor(options: DebugHubOptions = {}) {
    this.maxWatches = options.maxWatches ?? 20;
    this.historyLength = options.historyLength ?? 200;
    this.retainMs = options.retainMs ?? 2 * 60 * 60_000;
    this.recentLimit = options.recentClients ?? 25;
    this.now = options.now ?? Date.now;
  }

  /** Starts (or keeps) watching a client id and returns what was captured for it so far. */
  watch(clientId: string): DebugEvent[] {
    return [...this.ensureWatch(clientId).history];
  }

  /** Calls `listener` for each new event of the client id until the returned function is called. */
  subscribe(clientId: string, listener: (event: DebugEvent) => void): () => void {
    const watch = this.ensureWatch(clientId);
    watch.listeners.add(listener);
    return () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size === 0) watch.expiresAt = this.now() + this.retainMs;
    };
  }

  private ensureWatch(clientId: string): Watch {
    this.expire();
    let watch = this.watches.get(clientId);
    if (watch === undefined) {
      if (this.watches.size >= this.maxWatches) this.dropIdlestWatch();
      watch = { history: [], listeners: new Set(), expiresAt: this.now() + this.retainMs };
      this.watches.set(clientId, watch);
    }
    return watch;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, w] of this.watches) if (w.listeners.size === 0 && w.expiresAt <= now) this.watches.delete(id);
  }

  private dropIdlestWatch(): void {
    let idlest: [string, Watch] | undefined;
    for (const entry of this.watches) {
      if (entry[1].listeners.size > 0) continue;
      if (idlest === undefined || entry[1].expiresAt < idlest[1].expiresAt) idlest = entry;
    }
    if (idlest !== undefined) this.watches.delete(idlest[0]);
    else this.watches.delete(this.watches.keys().next().value as string);
  }

  /** Called with the hits of every accepted request. */
  captureHits(hits: readonly Hit[]): void {
    const first = hits[0];
    if (first === undefined) return;
    this.noteClient(first, hits.length);
    if (this.watches.size === 0) return;
    for (const hit of hits) {
      const watch = this.watches.get(hit.clientId);
      if (watch !== undefined) this.emit(watch, { kind: 'hit', at: this.now(), hit: describeHit(hit) });
    }
  }

  /** Called with every batch of rows a driver wrote successfully. */
  /** Whether any client id is watched: without one, nothing is captured. */
  get watching(): boolean {
    return this.watches.size > 0;
  }

  captureRows(table: string, rows: readonly Row[]): void {
    if (!this.watching) return;
    for (const row of rows) {
      const clientId = row['client_id'];
      if (typeof clientId !== 'string') continue;
      const watch = this.watches.get(clientId);
      if (watch !== undefined) this.emit(watch, { kind: 'row', at: this.now(), table, row: jsonSafeRow(row) });
    }
  }

  private emit(watch: Watch, event: DebugEvent): void {
    watch.history.push(event);
    if (watch.history.length > this.historyLength) watch.history.splice(0, watch.history.length - this.historyLength);
    for (const listener of watch.listeners) listener(event);
  }

  private noteClient(hit: Hit, count: number): void {
    const previous = this.recent.get(hit.clientId);
    if (previous !== undefined) this.recent.delete(hit.clientId);
    else if (this.recent.size >= this.recentLimit) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(hit.clientId, { clientId: hit.clientId, propertyId: hit.propertyId, lastSeen: this.now(), hits: (previous?.hits ?? 0) + count });
  }

  /** Client ids seen most recently first. */
  recentClients(): RecentClient[] {
    return [...this.recent.values()].reverse();
  }

  watchedClientIds(): string[] {
    this.expire();
    return [...this.watches.keys()];
  }
}

export function describeHit(hit: Hit): DebugHit {
  const r = hit.request;
  const params: Record<string, string[]> = {};
  for (const [k, v] of r.queryParams) params[k] = [...v];
  const headers: Record<string, string> = {};
  for (const name of SHOWN_HEADERS) {
    const v = r.headers.get(name);
    if (v !== undefined && v.length > 0) headers[name] = v.join(', ');
  }
  return {
    id: hit.id,
    eventName: hit.eventName,
    clientId: hit.clientId,
    userId: hit.userId,
    propertyId: hit.propertyId,
    protocol: hit.metadata[PROTOCOL_METADATA_KEY] ?? '',
    receivedAt: new Date(r.serverReceivedTime).toISOString(),
    ip: r.ip,
    method: r.method,
    host: r.host,
    path: r.path,
    params,
    headers,
    bodyBytes: r.body.byteLength,
  };
}

/** A row's non-null values in a form JSON can carry (64-bit integers as text, bytes as hex). */
export function jsonSafeRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    const v = jsonSafe(row[key]);
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of value) o[String(k)] = jsonSafe(v);
    return o;
  }
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) o[k] = jsonSafe(v);
  return o;
}
