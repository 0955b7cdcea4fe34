export { FilesystemPublisher, type FilesystemPublisherOptions } from './publisher.js';
export {
  DEAD_LETTER_DIR,
  FilesystemConsumer,
  REASON_SUFFIX,
  listTaskFiles,
  queueDepth,
  type FilesystemConsumerOptions,
} from './consumer.js';
export { TASK_SUFFIX, TMP_SUFFIX, TaskNamer, compareTaskNames, processTaskNamer, type TaskNamerOptions } from './task-names.js';
