/**
 * Partitions of the NATS queue. Every hit goes to the partition of its isolated client id, so
 * all hits of one client reach the one worker that owns that partition and its proto-sessions.
 * The client id is the one the client sent: Measurement Protocol events keep their own
 * proto-session key but must meet the same client's web session on the same worker.
 */
import { fnv1a32 } from '../../protosessions/fnv.js';
import { isolatedClientId } from '../../protosessions/stamps.js';

/** Task header naming the partition a task was built for (absent on pings, which go to all). */
export const PARTITION_HEADER = 'partition';

export function partitionOf(propertyId: string, clientId: string, partitions: number): number {
  return fnv1a32(isolatedClientId(propertyId, clientId)) % partitions;
}

/** `<stream>.p.<n>`: the stream captures `<stream>.>`, so the stream name is the subject root. */
export function partitionSubject(stream: string, partition: number): string {
  return `${stream}.p.${partition}`;
}

export function deadLetterSubject(stream: string): string {
  return `${stream}.dead-letter`;
}

/** Durable consumer of one partition, shared by whichever worker owns the partition. */
export function partitionConsumerName(stream: string, partition: number): string {
  return `${stream}-p${partition}`;
}

export class PartitionListError extends Error {
  override readonly name = 'PartitionListError';
}

/**
 * Parses `queue.nats.partitions_owned`: numbers and inclusive ranges (`0-3`, `7`), each below
 * `partitions`. Returns them sorted without duplicates; an empty list means "assign for me".
 */
export function parsePartitionList(items: readonly string[], partitions: number): number[] {
  const out = new Set<number>();
  for (const raw of items) {
    for (const part of raw.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const m = /^(\d+)(?:-(\d+))?$/.exec(item);
      if (m === null) throw new PartitionListError(`queue.nats.partitions_owned: ${JSON.stringify(item)} is neither a partition number nor a range like 0-3`);
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      if (to < from) throw new PartitionListError(`queue.nats.partitions_owned: range ${item} runs backwards`);
      if (to >= partitions) throw new PartitionListError(`queue.nats.partitions_owned: partition ${to} does not exist (queue.nats.partitions is ${partitions})`);
      for (let p = from; p <= to; p++) out.add(p);
    }
  }
  return [...out].sort((a, b) => a - b);
}
