/**
 * Objects in an S3 bucket (or an S3-compatible store: GCS's XML API, MinIO, s3rver).
 *
 * An object appears only when its upload completes, never half-written: small objects go up
 * in one PutObject at commit; larger ones as a multipart upload whose parts are sent while the
 * format is still writing, and which becomes visible in one step at CompleteMultipartUpload.
 * Abort discards the parts. Uploading to a key again replaces the object, so a segment that
 * is re-sent after a crash overwrites its earlier copy.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { InvalidObjectKeyError, SettlingUpload, type ObjectUpload, type ObjectUploader } from './object-uploader.js';
import { bucketAlreadyThere, s3ErrorName, s3HttpStatus } from '../../storage/s3-errors.js';

/** S3 refuses parts below 5 MiB (except the last one). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
export const S3_DEFAULT_PART_BYTES = 16 * 1024 * 1024;

export interface S3UploaderOptions {
  client: S3Client;
  bucket: string;
  /** Bytes per multipart part, and the size above which an object goes up in parts. */
  partBytes?: number;
  /** How the destination is named in logs, e.g. `s3://bucket at http://host:9000`. */
  description?: string;
}

export class S3Uploader implements ObjectUploader {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partBytes: number;
  private readonly description: string;

  constructor(options: S3UploaderOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.partBytes = Math.max(S3_MIN_PART_BYTES, options.partBytes ?? S3_DEFAULT_PART_BYTES);
    this.description = options.description ?? `bucket ${options.bucket}`;
  }

  /**
   * Creates the bucket when asked to (an existing one is fine), otherwise checks that it can be
   * reached. A missing or forbidden bucket is a configuration error and fails start-up; any
   * other failure (store down) is returned for the caller to log, since uploads retry anyway.
   */
  async prepare(createBucket: boolean): Promise<Error | null> {
    if (createBucket) {
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
        return null;
      } catch (err) {
        if (bucketAlreadyThere(err)) return null;
        return asError(err);
      }
    }
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return null;
    } catch (err) {
      const status = s3HttpStatus(err);
      if (status === 404 || status === 403 || s3ErrorName(err) === 'NotFound' || s3ErrorName(err) === 'NoSuchBucket') {
        throw new Error(`bucket ${this.bucket} cannot be used (${status === 403 ? 'access denied' : 'not found'}); create it or set s3.create_bucket`);
      }
      return asError(err);
    }
  }

  describe(): string {
    return this.description;
  }

  async begin(key: string): Promise<ObjectUpload> {
    if (key === '' || key.startsWith('/')) throw new InvalidObjectKeyError(`object key must be a non-empty relative path: ${JSON.stringify(key)}`);
    if (Buffer.byteLength(key, 'utf8') > 1024) throw new InvalidObjectKeyError(`object key is longer than S3's 1024 bytes: ${key.slice(0, 80)}…`);
    return new S3Upload(this.client, this.bucket, key, this.partBytes);
  }
}

class S3Upload extends SettlingUpload {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set once the object is too large for one PutObject. */
  private uploadId: string | null = null;
  private readonly parts: CompletedPart[] = [];

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    key: string,
    private readonly partBytes: number,
  ) {
    super(key);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertOpen('write');
    if (chunk.byteLength === 0) return;
    // Copied: callers may reuse their buffer once the write resolves.
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.byteLength;
    while (this.pendingBytes >= this.partBytes) await this.sendPart(this.partBytes);
  }

  protected async publish(): Promise<void> {
    if (this.uploadId === null) {
      const body = this.takePending(this.pendingBytes);
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body, ContentLength: body.byteLength, ContentType: contentTypeOf(this.key) }),
      );
    } else {
      if (this.pendingBytes > 0) await this.sendPart(this.pendingBytes);
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts } }),
      );
    }
  }

  private async sendPart(bytes: number): Promise<void> {
    if (this.uploadId === null) {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: contentTypeOf(this.key) }),
      );
      if (created.UploadId === undefined) throw new Error(`the store started no multipart upload for ${this.key}`);
      this.uploadId = created.UploadId;
    }
    const body = this.takePending(bytes);
    const partNumber = this.parts.length + 1;
    const sent = await this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber: partNumber, Body: body, ContentLength: body.byteLength }),
    );
    this.parts.push({ PartNumber: partNumber, ETag: sent.ETag });
  }

  /** The first `bytes` of what is pending, as one buffer. */
  private takePending(bytes: number): Buffer {
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    const taken = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.pending = rest.byteLength > 0 ? [rest] : [];
    this.pendingBytes = rest.byteLength;
    return taken;
  }

  protected async discard(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    const uploadId = this.uploadId;
    this.uploadId = null;
    if (uploadId === null) return;
    // Parts left behind cost storage but are invisible; a failed abort is not worth failing for.
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId })).catch(() => undefined);
  }
}

function contentTypeOf(key: string): string {
  if (key.endsWith('.csv')) return 'text/csv';
  if (key.endsWith('.gz')) return 'application/gzip';
  if (key.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  return 'application/octet-stream';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
