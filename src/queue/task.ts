/** A unit of work on the queue: a type, string headers and an opaque body. */
export interface Task {
  type: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export const PROCESS_HITS_TASK = 'process-hits';
export const TASK_ID_HEADER = 'task_id';
export const PING_HEADER = 'is-ping';
export const PING_TIMESTAMP_HEADER = 'ping-timestamp';

/** Publishes tasks to a queue. `publish` resolves only once the task is durable in the queue. */
export interface Publisher {
  publish(task: Task): Promise<void>;
  /** Whether the queue currently accepts writes (used by `/readyz`). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Handles one task. Resolving means the task is done and may be deleted from the queue;
 * throwing a `DropTaskError` sends it to the dead letters; any other error leaves it queued
 * for another attempt.
 */
export type TaskHandler = (task: Task) => Promise<void>;

export class DropTaskError extends Error {
  override readonly name = 'DropTaskError';
}

/** Reads tasks in publication order and hands them to a handler, one at a time. */
export interface Consumer {
  /** Runs until `stop()` is called; resolves after the task in hand is finished. */
  consume(handler: TaskHandler): Promise<void>;
  stop(): Promise<void>;
}
