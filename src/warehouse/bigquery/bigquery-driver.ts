/**
 * The BigQuery warehouse (reference §2): tables in one existing dataset, created from the Arrow
 * schema with day partitioning on `date_utc` by default, optional partition expiry and
 * clustering; columns added as the schema grows; rows written by load jobs or streaming
 * inserts (see `load-job-writer.ts` and `streaming-writer.ts`).
 */
import { DataType, type Field, type Schema } from 'apache-arrow';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { Driver, Row, WriteOptions } from '../driver.js';
import { ColumnAlreadyExistsError, TableAlreadyExistsError, TableNotFoundError } from '../errors.js';
import { findMissingColumns } from '../schema-diff.js';
import { sleep } from './backoff.js';
import type { BigQueryApi, TableDefinition, TableResource } from './bigquery-api.js';
import type { PartitionInterval } from './config.js';
import { classify, isAlreadyExists, isNotFound } from './errors.js';
import type { BigQueryRowWriter } from './row-writer.js';
import { arrowFieldOf, bigQueryFieldOf, bigQuerySchemaOf, bigQueryTypeComparer } from './schema-mapping.js';

export interface BigQueryTableOptions {
  /** Empty: no partitioning. */
  partitionField: string;
  partitionInterval: PartitionInterval;
  partitionExpirationDays: number;
  clustering: readonly string[];
  tableCreationTimeoutMs: number;
}

export interface BigQueryDriverOptions {
  api: BigQueryApi;
  dataset: string;
  writer: BigQueryRowWriter;
  tables: BigQueryTableOptions;
  logger?: Logger;
  /** Gap between checks that a new table is visible. */
  visibilityPollMs?: number;
}

const MS_PER_DAY = 86_400_000;

export class BigQueryConfigurationError extends Error {
  override readonly name = 'BigQueryConfigurationError';
}

export class BigQueryDriver implements Driver {
  private readonly api: BigQueryApi;
  private readonly writer: BigQueryRowWriter;
  private readonly logger: Logger;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: BigQueryDriverOptions) {
    this.api = options.api;
    this.writer = options.writer;
    this.logger = options.logger ?? silentLogger;
  }

  /** `dataset.table`, as errors name tables. */
  qualify(table: string): string {
    return `${this.options.dataset}.${table}`;
  }

  async createTable(table: string, schema: Schema): Promise<void> {
    const definition = this.tableDefinition(table, schema);
    try {
      await this.api.createTable(table, definition);
    } catch (err) {
      if (isAlreadyExists(err)) throw new TableAlreadyExistsError(this.qualify(table));
      throw err;
    }
    await this.waitUntilVisible(table);
  }

  async addColumn(table: string, field: Field): Promise<void> {
    const current = await this.tableResource(table);
    if (current.fields.some((f) => f.name === field.name)) throw new ColumnAlreadyExistsError(this.qualify(table), field.name);
    const added = bigQueryFieldOf(field);
    if (added.mode === 'REQUIRED') {
      throw new BigQueryConfigurationError(
        `cannot add column ${field.name} to ${this.qualify(table)}: BigQuery adds only NULLABLE or REPEATED columns to an existing table, and this one is not nullable`,
      );
    }
    try {
      await this.api.patchFields(table, [...current.fields, added], current.etag);
    } catch (err) {
      if (isAlreadyExists(err)) throw new ColumnAlreadyExistsError(this.qualify(table), field.name);
      if (classify(err).status === 412) {
        // The table changed between reading and patching (another Cairn migrating): look again.
        const again = await this.tableResource(table);
        if (again.fields.some((f) => f.name === field.name)) throw new ColumnAlreadyExistsError(this.qualify(table), field.name);
        await this.api.patchFields(table, [...again.fields, added], again.etag);
        return;
      }
      throw err;
    }
  }

  async missingColumns(table: string, schema: Schema): Promise<Field[]> {
    const current = await this.tableResource(table);
    const existing = new Map(current.fields.map((f) => [f.name, arrowFieldOf(f)]));
    return findMissingColumns(this.qualify(table), existing, schema, bigQueryTypeComparer);
  }

  async write(table: string, schema: Schema, rows: Row[], options: WriteOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.writer.write(table, schema, rows, options);
  }

  /** Loads what the load-job writer holds now (tests, shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    this.closing ??= this.writer.close();
    return this.closing;
  }

  // ---------------------------------------------------------------------------------------------

  private async tableResource(table: string): Promise<TableResource> {
    try {
      return await this.api.getTable(table);
    } catch (err) {
      if (isNotFound(err)) throw new TableNotFoundError(this.qualify(table));
      throw err;
    }
  }

  /** The tables.insert body: fields, partitioning (with expiry) and clustering. */
  tableDefinition(table: string, schema: Schema): TableDefinition {
    const { partitionField, partitionInterval, partitionExpirationDays, clustering } = this.options.tables;
    const definition: TableDefinition = { fields: bigQuerySchemaOf(schema) };
    if (partitionField !== '') {
      const field = schema.fields.find((f) => f.name === partitionField);
      const type = field?.type as DataType | undefined;
      if (type === undefined || !(DataType.isDate(type) || DataType.isTimestamp(type))) {
        throw new BigQueryConfigurationError(
          `warehouse.bigquery.partition_field ${partitionField} must name a DATE or TIMESTAMP column of ${this.qualify(table)}`,
        );
      }
      definition.timePartitioning = {
        type: partitionInterval,
        field: partitionField,
        // Set at creation instead of by a later ALTER TABLE: same result, one call fewer.
        ...(partitionExpirationDays > 0 ? { expirationMs: String(partitionExpirationDays * MS_PER_DAY) } : {}),
      };
    }
    if (clustering.length > 0) {
      const names = new Set(schema.fields.map((f) => f.name));
      const unknown = clustering.filter((c) => !names.has(c));
      if (unknown.length > 0) throw new BigQueryConfigurationError(`warehouse.bigquery.clustering names columns ${this.qualify(table)} lacks: ${unknown.join(', ')}`);
      definition.clustering = { fields: [...clustering] };
    }
    return definition;
  }

  /** Tables can take a moment to be readable after creation; wait so the first write finds it. */
  private async waitUntilVisible(table: string): Promise<void> {
    const started = Date.now();
    const poll = this.options.visibilityPollMs ?? 500;
    for (;;) {
      try {
        await this.api.getTable(table);
        this.logger.debug('BigQuery table is visible', { table: this.qualify(table) });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (Date.now() - started >= this.options.tables.tableCreationTimeoutMs) {
        throw new Error(`table ${this.qualify(table)} was created but did not become visible within ${this.options.tables.tableCreationTimeoutMs} ms`);
      }
      await sleep(poll);
    }
  }
}
