/**
 * The CREATE TABLE and ALTER TABLE statements of the ClickHouse driver (reference §3.2, §3.7),
 * as text, so `cairn migrate --dry-run` can print exactly what a real run would send.
 */
import type { Field, Schema } from 'apache-arrow';
import { splitOrderBy } from './config.js';
import { columnDefinition } from './column-types.js';
import { qualifiedTable } from './identifiers.js';

/** Schema-level metadata that overrides the driver's sorting and partitioning for one table. */
export const TABLE_HINTS = {
  orderBy: 'd8a.warehouse.clickhouse.order_by',
  partitionBy: 'd8a.warehouse.clickhouse.partition_by',
} as const;

export interface TableLayoutOptions {
  /** Sorting key items, verbatim. Empty gives `ORDER BY tuple()` (MergeTree needs a clause). */
  orderBy: readonly string[];
  /** Partition expression; empty for none. */
  partitionBy: string;
  /**
   * How many recent inserts each table remembers to drop a repeated one. Inserts carry a token
   * derived from the spool batch, so a batch re-sent after a lost answer is not stored twice.
   */
  deduplicationWindow: number;
}

/** Recent insert blocks a Cairn table remembers for deduplication (ClickHouse's replicated default is of this order). */
export const DEFAULT_DEDUPLICATION_WINDOW = 10_000;

/** Sorting and partitioning of a table: the driver's, unless the schema carries hints (as in d8a). */
function tableLayout(schema: Schema, options: TableLayoutOptions): { orderBy: readonly string[]; partitionBy: string } {
  const orderHint = schema.metadata.get(TABLE_HINTS.orderBy);
  const partitionHint = schema.metadata.get(TABLE_HINTS.partitionBy);
  if (orderHint !== undefined) return { orderBy: splitOrderBy(orderHint), partitionBy: (partitionHint ?? '').trim() };
  if (partitionHint !== undefined) return { orderBy: options.orderBy, partitionBy: partitionHint.trim() };
  return { orderBy: options.orderBy, partitionBy: options.partitionBy };
}

/**
 * `CREATE TABLE` without `IF NOT EXISTS`: an existing table must fail so that the caller knows
 * to compare columns instead (reference §1.1). No trailing semicolon; printers add one.
 */
export function createTableStatement(database: string, table: string, schema: Schema, options: TableLayoutOptions): string {
  if (schema.fields.length === 0) throw new Error(`table ${database}.${table}: a schema without fields cannot become a table`);
  const columns = schema.fields.map((field) => `  ${columnDefinition(field)}`);
  const { orderBy, partitionBy } = tableLayout(schema, options);
  const lines = [`CREATE TABLE ${qualifiedTable(database, table)} (`, columns.join(',\n'), ') ENGINE = MergeTree()'];
  if (partitionBy !== '') lines.push(`PARTITION BY ${partitionBy}`);
  lines.push(orderBy.length > 0 ? `ORDER BY (${orderBy.join(', ')})` : 'ORDER BY tuple()');
  if (options.deduplicationWindow > 0) lines.push(`SETTINGS non_replicated_deduplication_window = ${Math.floor(options.deduplicationWindow)}`);
  return lines.join('\n');
}

/** `ALTER TABLE … ADD COLUMN` with the same column definition CREATE TABLE would use. */
export function addColumnStatement(database: string, table: string, field: Field): string {
  return `ALTER TABLE ${qualifiedTable(database, table)} ADD COLUMN ${columnDefinition(field)}`;
}
