export type { ObjectBucket } from './bucket.js';
export { S3Bucket, type S3BucketOptions } from './s3-bucket.js';
export { ObjectStoragePublisher, type ObjectStoragePublisherOptions } from './publisher.js';
export { ObjectStorageConsumer, type ObjectStorageConsumerOptions } from './consumer.js';
export {
  DEAD_LETTER_FOLDER,
  REASON_SUFFIX,
  TaskKeyClock,
  compareTaskKeys,
  deadLetterKey,
  listingPrefix,
  taskKey,
  taskKeyTime,
  trimPrefix,
} from './task-keys.js';
