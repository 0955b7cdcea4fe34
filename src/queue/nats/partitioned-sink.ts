import { decodeHitItems } from '../../hits/hit-codec.js';
import { createHitsTaskFromBatchOffThread, HitBatch, type HitsSink } from '../hits-task.js';
import type { Publisher } from '../task.js';
import { PARTITION_HEADER, partitionOf } from './partitions.js';

/** Hit-time width of the slices a batch is published in, oldest first. */
const SLICE_MS = 1_000;

/**
 * The receivers' sink for a partitioned queue: one flushed batch holds hits of many clients, so
 * it becomes one task per partition it touches, each naming its partition. The hits stay in the
 * bytes they were encoded to on arrival; they are decoded only to read the client and the time.
 *
 * A batch is published in slices of one second of hit time, oldest first, each slice split by
 * partition. A worker takes its partitions in publication order, so it never sees a new hit of
 * one partition before an old hit of another from the same batch; a batch that spans more than
 * the session timeout (hits kept while the queue was away) would otherwise lose its old hits as
 * late ones.
 */
export function partitionedHitsSink(publisher: Publisher, partitions: number): HitsSink {
  return async (batch) => {
    const hits = decodeHitItems(batch.items);
    const slices = new Map<number, Map<number, Uint8Array[]>>();
    hits.forEach((h, i) => {
      const slice = Math.floor(h.request.serverReceivedTime / SLICE_MS);
      let groups = slices.get(slice);
      if (groups === undefined) slices.set(slice, (groups = new Map()));
      const p = partitionOf(h.propertyId, h.clientId, partitions);
      let g = groups.get(p);
      if (g === undefined) groups.set(p, (g = []));
      g.push(batch.items[i] as Uint8Array);
    });
    for (const slice of [...slices.keys()].sort((a, b) => a - b)) {
      await Promise.all(
        [...(slices.get(slice) as Map<number, Uint8Array[]>)].map(async ([p, items]) => {
          const task = await createHitsTaskFromBatchOffThread(new HitBatch(items));
          task.headers[PARTITION_HEADER] = String(p);
          return publisher.publish(task);
        }),
      );
    }
  };
}
