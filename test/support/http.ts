import { request, type Agent, type IncomingMessage } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request with exactly the given headers (fetch would add its own). */
export function send(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
    if (body !== undefined) headers['Content-Length'] = body.length;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: opts.agent ?? false }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b.toString('utf8') }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The whole body of a request or response. */
export function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (c: Buffer) => chunks.push(c));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}
