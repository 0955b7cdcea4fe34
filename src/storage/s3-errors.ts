/** What the AWS SDK's errors say, read without trusting their shape (S3 look-alikes vary). */

/** The HTTP status of a failed S3 call, when the error carries one. */
export function s3HttpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta: unknown = err.$metadata;
  if (typeof meta !== 'object' || meta === null || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/** The SDK's error name (`NoSuchKey`, `NotFound`, …), or `''`. */
export function s3ErrorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

/** Whether a CreateBucket failed only because the bucket is there already. */
export function bucketAlreadyThere(err: unknown): boolean {
  const name = s3ErrorName(err);
  return name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists' || s3HttpStatus(err) === 409;
}
