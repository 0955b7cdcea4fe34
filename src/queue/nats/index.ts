export { NatsConsumer, type NatsConsumerOptions } from './consumer.js';
export { NatsPublisher, type NatsPublisherOptions } from './publisher.js';
export { partitionedHitsSink } from './partitioned-sink.js';
export { connectNats, ensureQueueLayout, NatsLayoutError, partitionsBucketName, type NatsQueueSettings } from './layout.js';
export { claimPartitions, PartitionAssignmentError, recordExplicitPartitions, workerId, WORKER_ID_FILE } from './assignment.js';
export {
  deadLetterSubject,
  parsePartitionList,
  partitionConsumerName,
  partitionOf,
  partitionSubject,
  PartitionListError,
  PARTITION_HEADER,
} from './partitions.js';
