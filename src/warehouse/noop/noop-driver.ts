import type { Field, Schema } from 'apache-arrow';
import type { Driver, Row } from '../driver.js';

/** Accepts everything and keeps nothing: for load tests and dry runs. */
export class NoopDriver implements Driver {
  async createTable(_table: string, _schema: Schema): Promise<void> {}

  async addColumn(_table: string, _field: Field): Promise<void> {}

  async missingColumns(_table: string, _schema: Schema): Promise<Field[]> {
    return [];
  }

  async write(_table: string, _schema: Schema, _rows: Row[]): Promise<void> {}

  async close(): Promise<void> {}
}
