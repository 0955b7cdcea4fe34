import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DebugEvent, DebugHub } from './debug-hub.js';
import type { Logger } from './logger.js';
import type { MetricsPipeline } from './metrics-pipeline.js';
import type { StatusReader } from './status.js';
import { renderStatusPage } from './status-page.js';
import { listenOn } from '../receiver/listen.js';

export const DEBUG_COOKIE = 'cairn_debug_cid';

/** Longest client id the debug view accepts (GA4's are about 20 characters, Matomo's 16). */
const MAX_CLIENT_ID_LENGTH = 256;

/** Bytes an event stream may have waiting for a slow viewer before new events are skipped. */
const MAX_BUFFERED_EVENT_BYTES = 4 * 1024 * 1024;

export interface MonitoringServerOptions {
  host: string;
  port: number;
  role: string;
  version: string;
  status: StatusReader;
  /** Null in processes without a receiver: the debug view then shows rows only. */
  hub: DebugHub | null;
  metrics: MetricsPipeline | null;
  logger: Logger;
  refreshMs?: number;
  /** Comment lines sent on idle event streams so proxies keep them open. */
  keepAliveMs?: number;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function plain(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

/**
 * The monitoring port: `/metrics` (Prometheus text), `/status` (the page), `/status.json`
 * (what the page shows), `/debug/events?cid=` (the debug view's event stream) and `/healthz`.
 * It is separate from the tracking port so that it can stay private.
 */
export class MonitoringServer {
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly refreshMs: number;
  private readonly keepAliveMs: number;

  constructor(private readonly opts: MonitoringServerOptions) {
    this.refreshMs = opts.refreshMs ?? 2000;
    this.keepAliveMs = opts.keepAliveMs ?? 15_000;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        opts.logger.error('monitoring request failed', { path: req.url, error: err });
        if (!res.headersSent) plain(res, 500, 'Internal Server Error');
        else res.destroy();
      });
    });
  }

  listen(): Promise<AddressInfo> {
    return listenOn(this.server, this.opts.port, this.opts.host);
  }

  async close(): Promise<void> {
    for (const res of this.streams) res.end();
    this.streams.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://monitoring.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    switch (url.pathname) {
      case '/':
        res.writeHead(302, { Location: '/status' });
        res.end();
        return;
      case '/metrics':
        if (this.opts.metrics?.servePrometheus(req, res)) return;
        return plain(res, 404, 'Not Found: metrics are not collected in this process');
      case '/status':
        return this.page(req, res, url);
      case '/status.json': {
        const body = JSON.stringify(await this.opts.status.snapshot());
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case '/debug/events':
        return this.events(req, res, url);
      case '/healthz':
        return plain(res, 200, 'OK');
      default:
        return plain(res, 404, 'Not Found');
    }
  }

  private page(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const headers: Record<string, string> = {};
    let clientId = cookieValue(req.headers.cookie, DEBUG_COOKIE) ?? '';
    const asked = url.searchParams.get('debug_cid');
    if (asked !== null) {
      clientId = asked.trim().slice(0, MAX_CLIENT_ID_LENGTH);
      headers['Set-Cookie'] =
        clientId === ''
          ? `${DEBUG_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`
          : `${DEBUG_COOKIE}=${encodeURIComponent(clientId)}; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict`;
    }
    const nonce = randomBytes(16).toString('base64');
    const html = renderStatusPage({ nonce, debugClientId: clientId, role: this.opts.role, version: this.opts.version, refreshMs: this.refreshMs });
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  }

  /** Server-sent events: what was captured so far for the client id, then each new event. */
  private events(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const clientId = (url.searchParams.get('cid') ?? '').trim();
    if (clientId === '' || clientId.length > MAX_CLIENT_ID_LENGTH) return plain(res, 400, 'Bad Request: give the client id as ?cid=');
    const hub = this.opts.hub;
    if (hub === null) return plain(res, 404, 'Not Found: the debug view needs a process that receives or writes hits');
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // A viewer that cannot keep up misses events rather than growing this process's memory.
    const send = (event: DebugEvent): void => {
      if (res.writableLength > MAX_BUFFERED_EVENT_BYTES) return;
      res.write(`event: debug\ndata: ${JSON.stringify(event)}\n\n`);
    };
    res.write('retry: 2000\n\n');
    for (const event of hub.watch(clientId)) send(event);
    const unsubscribe = hub.subscribe(clientId, send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs);
    keepAlive.unref();
    this.streams.add(res);
    res.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      this.streams.delete(res);
    });
  }
}
