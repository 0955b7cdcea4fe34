import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { ObjectBucket } from './bucket.js';
import { bucketAlreadyThere, s3ErrorName, s3HttpStatus } from '../../storage/s3-errors.js';

export interface S3BucketOptions {
  /** `<protocol>://<host>:<port>`; addressing is always path-style, as in the reference. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKey: string;
  secretKey: string;
  /** Send request checksums only when an operation requires them (for older S3 look-alikes). */
  checksumsOnlyWhenRequired?: boolean;
  /** Per-request time limit; a hung store must not hold the queue forever. */
  requestTimeoutMs?: number;
}

/** An S3 (or S3-compatible: MinIO, GCS interoperability, s3rver) bucket. */
export class S3Bucket implements ObjectBucket {
  private readonly client: S3Client;

  constructor(private readonly options: S3BucketOptions) {
    const config: S3ClientConfig = {
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      credentials: { accessKeyId: options.accessKey, secretAccessKey: options.secretKey },
      maxAttempts: 3,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
    };
    if (options.checksumsOnlyWhenRequired) {
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  /** Creates the bucket unless it exists already (`s3.create_bucket`). */
  async create(): Promise<void> {
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.options.bucket }));
    } catch (err) {
      if (bucketAlreadyThere(err)) return;
      throw err;
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: data, ContentLength: data.byteLength, ContentType: 'application/octet-stream' }),
    );
  }

  async list(prefix: string, limit: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          Delimiter: '/',
          MaxKeys: Math.min(1000, limit - keys.length),
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) keys.push(o.Key);
        if (keys.length >= limit) return keys;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      if (out.Body === undefined) return new Uint8Array(0);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (s3ErrorName(err) === 'NoSuchKey' || s3HttpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (err) {
      if (s3ErrorName(err) === 'NoSuchKey' || s3HttpStatus(err) === 404) return;
      throw err;
    }
  }

  async reachable(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  describe(): string {
    return `${this.options.endpoint}/${this.options.bucket}`;
  }

  close(): void {
    this.client.destroy();
  }
}
