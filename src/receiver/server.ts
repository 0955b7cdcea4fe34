import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Headers } from '../hits/hit.js';
import type { Logger } from '../monitoring/logger.js';
import type { Protocol, Response } from '../../protocols/protocol.js';
import type { ClientIpResolver } from './client-ip.js';
import { headersFromRaw } from './headers.js';
import { isSealed, sealHeaders } from '../hits/sealed-headers.js';
import type { HitPipeline, Outcome } from './hit-pipeline.js';
import { assertDecodable, QueryStringError } from './querystring.js';
import type { Router } from './router.js';
import { listenOn } from './listen.js';

export interface ReceiverServerOptions {
  host: string;
  port: number;
  router: Router;
  pipeline: HitPipeline;
  clientIp: ClientIpResolver;
  /** Largest accepted body; larger requests get 413. */
  maxBodyBytes: number;
  /** Whole-request read timeout (408 when exceeded). */
  readTimeoutMs?: number;
  /** Resolves true while the queue accepts writes (`/readyz`). */
  ready: () => Promise<boolean>;
  logger: Logger;
  /** Server-received time source; replaceable in tests. */
  clock?: () => number;
  /** Called after every hit-endpoint request (logging, metrics, the debug view), with its raw query (no `?`). */
  onOutcome?: (outcome: Outcome, request: { rawQuery: string }) => void;
  /** Called once every routed request is answered (metrics); `startedAt` is a `performance.now()` reading. */
  onResponse?: (status: number, startedAt: number) => void;
}

const TEXT = 'text/plain; charset=utf-8';

function send(res: ServerResponse, r: Response, head = false): undefined {
  if (r.status === 204) {
    res.writeHead(204, r.headers);
    res.end();
    return undefined;
  }
  const headers: Record<string, string | number> = { ...r.headers };
  if (r.status !== 304) headers['Content-Length'] = Buffer.byteLength(r.body);
  res.writeHead(r.status, headers);
  res.end(head ? undefined : r.body);
  return undefined;
}

/** 413, closing the connection: the rest of an oversized body is not worth reading. */
function payloadTooLarge(res: ServerResponse, limit: number): void {
  res.setHeader('Connection', 'close');
  send(res, plain(413, `Payload Too Large: the body exceeds ${limit} bytes`));
}

function plain(status: number, body: string, extra: Record<string, string> = {}): Response {
  return { status, headers: { 'Content-Type': TEXT, ...extra }, body };
}

/** HTTP front of the receiver: routing, body limits and timeouts around the hit pipeline. */
export class ReceiverServer {
  private readonly server: Server;
  private readonly clock: () => number;
  /** Per connection, the raw headers of its last hit request and the map built from them. */
  private readonly lastHeaders = new WeakMap<object, { raw: readonly string[]; headers: Headers }>();

  constructor(private readonly opts: ReceiverServerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.server = createServer({ requestTimeout: opts.readTimeoutMs ?? 5000, headersTimeout: opts.readTimeoutMs ?? 5000 }, (req, res) =>
      this.onRequest(req, res),
    );
    this.server.keepAliveTimeout = 65_000;
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const text = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: ${TEXT}\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
    });
  }

  listen(): Promise<AddressInfo> {
    return listenOn(this.server, this.opts.port, this.opts.host);
  }

  /** Stops accepting connections and waits (at most `graceMs`) for requests in flight. */
  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const onResponse = this.opts.onResponse;
    const startedAt = onResponse === undefined ? 0 : performance.now();
    let pending: Promise<void> | undefined;
    try {
      pending = this.dispatch(req, res);
    } catch (err) {
      this.failed(res, err);
      onResponse?.(res.statusCode, startedAt);
      return;
    }
    if (pending === undefined) {
      onResponse?.(res.statusCode, startedAt);
      return;
    }
    pending.then(
      () => onResponse?.(res.statusCode, startedAt),
      (err: unknown) => {
        this.failed(res, err);
        onResponse?.(res.statusCode, startedAt);
      },
    );
  }

  private failed(res: ServerResponse, err: unknown): void {
    this.opts.logger.error('request handling failed', { error: err });
    if (!res.headersSent) send(res, plain(500, 'Internal Server Error'));
    else res.destroy();
  }

  /** Answers the request; returns a promise only when the answer waits for something. */
  private dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    const receivedAt = this.clock();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q);
    const method = req.method ?? 'GET';
    const route = this.opts.router.route(method, rawPath, rawQuery);
    switch (route.kind) {
      case 'hits':
        return this.hits(req, res, route.protocol, rawPath, rawQuery, url, receivedAt);
      case 'custom': {
        req.resume();
        return send(res, route.endpoint.handle({ method, headers: headersFromRaw(req.rawHeaders) }));
      }
      case 'health':
        req.resume();
        return send(res, plain(200, 'OK'), method === 'HEAD');
      case 'ready': {
        req.resume();
        return this.opts
          .ready()
          .catch(() => false)
          .then((ok) => send(res, ok ? plain(200, 'OK') : plain(503, 'Service Unavailable: the queue does not accept writes'), method === 'HEAD'));
      }
      case 'auto-options':
        req.resume();
        return send(res, { status: 200, headers: { Allow: route.allow }, body: '' });
      case 'method-not-allowed':
        req.resume();
        return send(res, plain(405, 'Method Not Allowed', { Allow: route.allow }));
      case 'redirect':
        req.resume();
        return send(res, { status: method === 'GET' ? 301 : 308, headers: { Location: route.location }, body: '' });
      case 'not-found':
        req.resume();
        return send(res, plain(404, 'Not Found'));
    }
  }

  private hits(
    req: IncomingMessage,
    res: ServerResponse,
    protocol: Protocol,
    path: string,
    rawQuery: string,
    url: string,
    receivedAt: number,
  ): Promise<void> | undefined {
    const limit = this.opts.maxBodyBytes;
    // The three headers needed here, read from the raw list: `req.headers` would build an
    // object of every header on each request.
    const raw = req.rawHeaders;
    let contentLength: string | undefined;
    let chunked = false;
    let host: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === 4) {
        if (host === undefined && isHeader(name, 'host')) host = raw[i + 1];
      } else if (name.length === 14) {
        if (contentLength === undefined && isHeader(name, 'content-length')) contentLength = raw[i + 1];
      } else if (name.length === 17) {
        if (isHeader(name, 'transfer-encoding')) chunked = true;
      }
    }
    const declared = Number(contentLength ?? 0);
    if (declared > limit) {
      payloadTooLarge(res, limit);
      req.destroy();
      return undefined;
    }
    const hostText = (host ?? '').toLowerCase();
    // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body; waiting for
    // the stream's end event would only cost time on every GET.
    if (contentLength === undefined && !chunked) {
      req.resume();
      return this.hitsWithBody(req, res, protocol, path, rawQuery, url, receivedAt, hostText, EMPTY);
    }
    return readBody(req, limit).then((body) => {
      if (body === null) {
        payloadTooLarge(res, limit);
        return undefined;
      }
      return this.hitsWithBody(req, res, protocol, path, rawQuery, url, receivedAt, hostText, body);
    });
  }

  private hitsWithBody(
    req: IncomingMessage,
    res: ServerResponse,
    protocol: Protocol,
    path: string,
    rawQuery: string,
    url: string,
    receivedAt: number,
    host: string,
    body: Buffer,
  ): Promise<void> | undefined {
    const headers = this.headersOf(req);
    const query = rawQuery.length > 0 ? rawQuery.slice(1) : '';
    try {
      assertDecodable(query);
    } catch (err) {
      if (!(err instanceof QueryStringError)) throw err;
      const outcome: Outcome = { ...plain(400, `Bad Request: ${err.message}`), hits: [], rejection: { reason: 'protocol', message: err.message } };
      this.opts.onOutcome?.(outcome, { rawQuery: query });
      return send(res, outcome);
    }
    const peer = req.socket.remoteAddress ?? '';
    const outcome = this.opts.pipeline.handle(protocol, {
      method: req.method ?? 'GET',
      path,
      url,
      rawQuery: query,
      body,
      headers,
      ip: this.opts.clientIp.resolve(peer, headers),
      host,
      serverReceivedTime: receivedAt,
      key: '',
    });
    if (outcome instanceof Promise) return outcome.then((o) => this.answer(res, o, query));
    return this.answer(res, outcome, query);
  }

  /**
   * The request's header map. A client sends the same headers with every hit on a keep-alive
   * connection as a rule, so the map of the connection's previous request is taken again when
   * every raw name and value is the same. A map taken again is sealed first, so the hit writer
   * can keep its encoding; a map used once (a proxy's connection carrying many clients) is not
   * worth the copy.
   */
  private headersOf(req: IncomingMessage): Headers {
    const raw = req.rawHeaders;
    const last = this.lastHeaders.get(req.socket);
    if (last !== undefined && sameStrings(last.raw, raw)) {
      if (!isSealed(last.headers)) last.headers = sealHeaders(last.headers);
      return last.headers;
    }
    const headers = headersFromRaw(raw);
    this.lastHeaders.set(req.socket, { raw, headers });
    return headers;
  }

  private answer(res: ServerResponse, outcome: Outcome, query: string): undefined {
    this.opts.onOutcome?.(outcome, { rawQuery: query });
    send(res, outcome);
    return undefined;
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a raw header name is `lower` (already lower-case), in any letter case. */
function isHeader(name: string, lower: string): boolean {
  return name === lower || name.toLowerCase() === lower;
}

const EMPTY = Buffer.alloc(0);

/** Reads the body, or resolves null as soon as it grows past `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
  });
}
