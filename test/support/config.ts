import { writeFileSync } from 'node:fs';
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

/**
 * Writes `<work>/config.yaml` for a `cairn server` that closes sessions quickly: the receiver
 * on `port`, 2 s session timeout, 200 ms receiver batches, folders under `work`, then `extra`
 * (the warehouse, monitoring). Returns the file's path.
 */
export function writeQuickServerConfig(work: string, port: number, extra: readonly string[]): string {
  const file = join(work, 'config.yaml');
  writeFileSync(
    file,
    [`server: {host: 127.0.0.1, port: ${port}}`, 'sessions: {timeout: 2s}', 'receiver: {batch_timeout: 200ms}', storageUnder(work), ...extra, ''].join('\n'),
  );
  return file;
}
