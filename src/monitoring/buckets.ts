/**
 * Histogram bucket boundaries, the reference's four sets (warehouse-config.md §7.1) so that
 * dashboards built for d8a read Cairn's histograms the same way. Seconds unless noted.
 */

/** 1 µs … 100 ms: storage operations. */
export const MICROSECOND_BUCKETS: readonly number[] = [
  0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/** 0.5 ms … 5 s: request handling, batch steps, session writes. */
export const MILLISECOND_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** 5 ms … 120 s: warehouse writes and spool flushes, which may wait on the network. */
export const SECOND_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** 1 KiB … 512 MiB, powers of two: payload sizes in bytes. */
export const BYTE_BUCKETS: readonly number[] = Array.from({ length: 20 }, (_, i) => 1024 * 2 ** i);
