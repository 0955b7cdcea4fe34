import type { Schema } from 'apache-arrow';
import type { Row } from '../driver.js';

/** How rows reach a BigQuery table: load jobs or streaming inserts. */
export interface BigQueryRowWriter {
  write(table: string, schema: Schema, rows: Row[], options: { batchId?: string; signal?: AbortSignal }): Promise<void>;
  /** Sends what is buffered now (load jobs); nothing to do for streaming. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
