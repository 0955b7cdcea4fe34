import type { Schema } from 'apache-arrow';
import type { Row, WriteOptions } from '../driver.js';

/** How rows reach a BigQuery table: load jobs or streaming inserts. */
export interface BigQueryRowWriter {
  write(table: string, schema: Schema, rows: Row[], options: WriteOptions): Promise<void>;
  /** Sends what is buffered now (load jobs); nothing to do for streaming. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
