/**
 * s3rver (an S3 look-alike written in Node) on a free loopback port, keeping its objects in a
 * temporary folder, plus a client for tests to look at what was uploaded. It can be stopped
 * and started again on the same port and folder, to play an outage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './cli.js';

// s3rver has no type declarations; this is the part of its API used here.
interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets?: { name: string; configs: string[] }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** s3rver accepts any signature made with this pair. */
export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export class LocalS3 {
  private server: S3rverInstance | null = null;
  readonly client: S3Client;

  private constructor(
    readonly port: number,
    readonly directory: string,
    private readonly buckets: string[],
  ) {
    this.client = new S3Client({
      endpoint: this.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: S3RVER_SECRET_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** A running server with `buckets` created (none: the test creates its own). */
  static async start(buckets: string[] = []): Promise<LocalS3> {
    const s3 = new LocalS3(await freePort(), mkdtempSync(join(tmpdir(), 'cairn-s3-')), buckets);
    await s3.resume();
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops answering (the port is closed); objects stay in the folder. */
  async pause(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  async resume(): Promise<void> {
    if (this.server !== null) return;
    const server = new S3rver({
      port: this.port,
      address: '127.0.0.1',
      silent: true,
      directory: this.directory,
      configureBuckets: this.buckets.map((name) => ({ name, configs: [] })),
    });
    await server.run();
    this.server = server;
  }

  async stop(): Promise<void> {
    await this.pause();
    this.client.destroy();
    rmSync(this.directory, { recursive: true, force: true });
  }

  async keys(bucket: string, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push(o.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out.sort();
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await answer.Body?.transformToByteArray()) ?? new Uint8Array());
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  }
}
