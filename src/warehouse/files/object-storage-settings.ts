/**
 * The S3 client of the files warehouse, from the `warehouse.files.s3.*` / `gcs.*` keys
 * (reference §6.4): endpoint `<protocol>://<host>:<port>`, path-style addressing, static keys.
 *
 * GCS is reached through its S3-compatible XML API, which signs requests with an HMAC key pair
 * rather than a service-account JSON: the pair goes in `s3.access_key` / `s3.secret_key` and the
 * bucket in `gcs.bucket` (the queue's object storage reads them the same way).
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export const GCS_XML_API_ENDPOINT = 'https://storage.googleapis.com';

export class ObjectStorageSettingsError extends Error {
  override readonly name = 'ObjectStorageSettingsError';
}

export interface ObjectStorageTarget {
  client: S3Client;
  bucket: string;
  /** `s3.create_bucket` (S3 only). */
  createBucket: boolean;
  /** For logs: where objects go. */
  description: string;
}

type KeyReader = (name: string) => unknown;

const PREFIX = 'warehouse.files.';

/** Builds the client for `storage` (`s3` or `gcs`); the message of a missing key names it. */
export function objectStorageTarget(storage: 's3' | 'gcs', read: KeyReader): ObjectStorageTarget {
  const text = (suffix: string): string => {
    const value = read(PREFIX + suffix);
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw new ObjectStorageSettingsError(`${PREFIX}${suffix} must be a string`);
    return value.trim();
  };
  const port = read(`${PREFIX}s3.port`) ?? 9000;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ObjectStorageSettingsError(`${PREFIX}s3.port must be a port number`);
  }
  const protocol = (text('s3.protocol') || 'http').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw new ObjectStorageSettingsError(`${PREFIX}s3.protocol must be http or https`);
  const required = (names: string[], why: string): void => {
    const missing = names.filter((n) => text(n) === '').map((n) => PREFIX + n);
    if (missing.length > 0) throw new ObjectStorageSettingsError(`${PREFIX}storage ${storage} needs ${missing.join(', ')}${why}`);
  };
  const credentials = { accessKeyId: text('s3.access_key'), secretAccessKey: text('s3.secret_key') };
  const base: S3ClientConfig = {
    forcePathStyle: true,
    credentials,
    maxAttempts: 3,
    requestHandler: { requestTimeout: 120_000, connectionTimeout: 10_000 },
  };

  if (storage === 's3') {
    required(['s3.host', 's3.bucket', 's3.access_key', 's3.secret_key'], '');
    const endpoint = `${protocol}://${text('s3.host')}:${port}`;
    const config: S3ClientConfig = { ...base, endpoint, region: text('s3.region') || 'us-east-1' };
    if (read(`${PREFIX}s3.disable_upload_checksums`) === true) {
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    const bucket = text('s3.bucket');
    return { client: new S3Client(config), bucket, createBucket: read(`${PREFIX}s3.create_bucket`) === true, description: `s3://${bucket} at ${endpoint}` };
  }

  if (text('gcs.creds_json') !== '' && (credentials.accessKeyId === '' || credentials.secretAccessKey === '')) {
    throw new ObjectStorageSettingsError(
      `${PREFIX}gcs.creds_json is not used by Cairn: it writes to GCS through the S3-compatible API, which needs an HMAC key pair in ${PREFIX}s3.access_key and ${PREFIX}s3.secret_key`,
    );
  }
  required(['gcs.bucket', 's3.access_key', 's3.secret_key'], ' (an HMAC key pair of the GCS interoperability settings)');
  const endpoint = text('s3.host') === '' ? GCS_XML_API_ENDPOINT : `${protocol}://${text('s3.host')}:${port}`;
  const bucket = text('gcs.bucket');
  return {
    // The XML API rejects the newer default checksum headers of the AWS SDK.
    client: new S3Client({ ...base, endpoint, region: 'auto', requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    bucket,
    createBucket: false,
    description: `gs://${bucket} at ${endpoint}`,
  };
}
