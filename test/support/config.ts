import { join } from 'node:path';

/** The config line that puts a process's state, queue and spool folders under `work`. */
export function storageUnder(work: string): string {
  return `storage: {bolt_directory: ${join(work, 'state')}, queue_directory: ${join(work, 'queue')}, spool_directory: ${join(work, 'spool')}}`;
}

/** The config line of the files warehouse writing CSV into `out`, table `events`; `maxSegmentAge` seals segments sooner. */
export function csvFilesWarehouse(out: string, maxSegmentAge?: string): string {
  const age = maxSegmentAge === undefined ? '' : ` max_segment_age: ${maxSegmentAge},`;
  return `warehouse: {driver: files, table: events, files: {storage: filesystem, format: csv,${age} filesystem: {path: ${out}}}}`;
}
