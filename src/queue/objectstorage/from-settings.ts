/** The object-storage queue's bucket, from the `queue.object_storage.*` keys. */
import type { ResolvedKeys } from '../../settings/types.js';
import { S3Bucket } from './s3-bucket.js';

export class ObjectStorageConfigError extends Error {
  override readonly name = 'ObjectStorageConfigError';
}

const GCS_ENDPOINT = 'https://storage.googleapis.com';

function str(keys: ResolvedKeys, key: string): string {
  const v = keys.get(key);
  return typeof v === 'string' ? v : '';
}

function num(keys: ResolvedKeys, key: string, fallback: number): number {
  const v = keys.get(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * Builds the bucket client. GCS is reached through its S3-compatible XML API, which signs with
 * HMAC keys: they go in `s3.access_key` / `s3.secret_key`, the bucket in `gcs.bucket`.
 */
export function bucketFromSettings(keys: ResolvedKeys): { bucket: S3Bucket; createBucket: boolean } {
  const type = str(keys, 'queue.object_storage.type');
  const k = (suffix: string): string => str(keys, `queue.object_storage.${suffix}`);
  const missing = (names: string[]): string[] => names.filter((n) => k(n).trim() === '').map((n) => `queue.object_storage.${n}`);
  const protocol = k('s3.protocol') || 'http';
  const port = num(keys, 'queue.object_storage.s3.port', 9000);
  const checksumsOnlyWhenRequired = keys.get('queue.object_storage.s3.disable_upload_checksums') === true;
  if (type === 's3') {
    const absent = missing(['s3.host', 's3.bucket', 's3.access_key', 's3.secret_key']);
    if (absent.length > 0) throw new ObjectStorageConfigError(`queue.object_storage.type s3 needs ${absent.join(', ')}`);
    return {
      bucket: new S3Bucket({
        endpoint: `${protocol}://${k('s3.host')}:${port}`,
        bucket: k('s3.bucket'),
        region: k('s3.region') || 'us-east-1',
        accessKey: k('s3.access_key'),
        secretKey: k('s3.secret_key'),
        checksumsOnlyWhenRequired,
      }),
      createBucket: keys.get('queue.object_storage.s3.create_bucket') === true,
    };
  }
  if (type === 'gcs') {
    const absent = missing(['gcs.bucket', 's3.access_key', 's3.secret_key']);
    if (absent.length > 0) {
      throw new ObjectStorageConfigError(
        `queue.object_storage.type gcs needs ${absent.join(', ')} (Cairn uses the GCS S3-compatible API, signed with an HMAC key pair)`,
      );
    }
    return {
      bucket: new S3Bucket({
        endpoint: k('s3.host') === '' ? GCS_ENDPOINT : `${protocol}://${k('s3.host')}:${port}`,
        bucket: k('gcs.bucket'),
        region: 'auto',
        accessKey: k('s3.access_key'),
        secretKey: k('s3.secret_key'),
        // The XML API does not know the newer flexible checksums.
        checksumsOnlyWhenRequired: true,
      }),
      createBucket: false,
    };
  }
  throw new ObjectStorageConfigError('queue.backend objectstorage needs queue.object_storage.type: s3 or gcs');
}
