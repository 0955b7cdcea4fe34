/**
 * The ClickHouse warehouse (reference §3): MergeTree tables created from Arrow schemas, read
 * back from `system.columns` for schema evolution, and rows inserted as `JSONEachRow` over the
 * HTTP interface.
 *
 * Write path: the table's real columns (cached for a minute, re-read after DDL) decide the
 * column list and how each value is encoded, as in the reference. Unlike the reference, the
 * insert names its columns, so a column an operator added to the table (with a default) does
 * not stop Cairn's writes; a column Cairn wants that the table lacks does, with a message
 * saying which. Every insert carries a deduplication token derived from the batch id the
 * session writer passes, and tables are created with a deduplication window, so a batch sent
 * again after a lost answer is stored once.
 */
import type { Field, Schema } from 'apache-arrow';
import { silentLogger, type Logger } from '../../monitoring/logger.js';
import type { Driver, Row, WriteOptions } from '../driver.js';
import { ColumnAlreadyExistsError, MultipleTypeIncompatibleError, TableAlreadyExistsError, TableNotFoundError, TypeIncompatibleError } from '../errors.js';
import { findMissingColumns } from '../schema-diff.js';
import { clickHouseColumnType } from './column-types.js';
import { clickHouseTypeComparer } from './compatibility.js';
import type { ClickHouseConnection } from './connection.js';
import { addColumnStatement, createTableStatement, DEFAULT_DEDUPLICATION_WINDOW } from './ddl.js';
import {
  ClickHouseRequestError,
  ClickHouseWriteError,
  isColumnAlreadyExists,
  isTableAlreadyExists,
  isUnknownTable,
  UnsupportedColumnTypeError,
} from './errors.js';
import { displayTable, qualifiedTable, quoteIdentifier } from './identifiers.js';
import { readBackField, UnsupportedClickHouseTypeError } from './type-parser.js';
import { valueEncoderFor, ValueEncodingError, type JsonValue, type ValueEncoder } from './value-encoding.js';

export interface ClickHouseDriverOptions {
  connection: ClickHouseConnection;
  /** Existing database the tables live in. */
  database: string;
  /** Sorting key of new tables (`warehouse.clickhouse.order_by`). */
  orderBy: readonly string[];
  /** Partition expression of new tables (`warehouse.clickhouse.partition_by`). */
  partitionBy: string;
  /** `non_replicated_deduplication_window` of new tables; 10,000 by default. */
  deduplicationWindow?: number;
  /** How long a table's columns are trusted before `write` reads them again; 1 min (the reference's). */
  columnCacheTtlMs?: number;
  logger?: Logger;
  now?: () => number;
}

/** One column of a table as `system.columns` describes it. */
export interface TableColumn {
  name: string;
  /** The native type, e.g. `LowCardinality(String)`. */
  type: string;
  /** `DEFAULT`, `MATERIALIZED`, `ALIAS`, `EPHEMERAL` or empty. */
  defaultKind: string;
}

interface CachedColumns {
  columns: TableColumn[];
  loadedAt: number;
}

/** How rows of one schema go into one table: the columns in table order, each with its encoder. */
interface InsertPlan {
  schema: Schema;
  source: CachedColumns;
  names: string[];
  quoted: string[];
  encoders: ValueEncoder[];
}

/** Prefix of the `insert_deduplication_token` of Cairn's inserts. */
export const DEDUPLICATION_TOKEN_PREFIX = 'cairn:';

const COLUMNS_QUERY =
  'SELECT name, type, default_kind FROM system.columns WHERE database = {database:String} AND table = {table:String} ORDER BY position';
const COLUMN_COUNT_QUERY =
  'SELECT count() AS n FROM system.columns WHERE database = {database:String} AND table = {table:String} AND name = {column:String}';
const TABLE_ENGINE_QUERY = 'SELECT engine, engine_full FROM system.tables WHERE database = {database:String} AND name = {table:String}';

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

export class ClickHouseDriver implements Driver {
  private readonly connection: ClickHouseConnection;
  private readonly database: string;
  private readonly layout: { orderBy: readonly string[]; partitionBy: string; deduplicationWindow: number };
  private readonly cacheTtlMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly columnCache = new Map<string, CachedColumns>();
  private readonly plans = new Map<string, InsertPlan>();
  /** Tables already checked for a deduplication window, so the warning comes once. */
  private readonly deduplicationChecked = new Set<string>();
  private closing: Promise<void> | null = null;

  constructor(options: ClickHouseDriverOptions) {
    this.connection = options.connection;
    this.database = options.database;
    this.layout = {
      orderBy: options.orderBy,
      partitionBy: options.partitionBy,
      deduplicationWindow: options.deduplicationWindow ?? DEFAULT_DEDUPLICATION_WINDOW,
    };
    this.cacheTtlMs = options.columnCacheTtlMs ?? 60_000;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => Date.now());
  }

  // ---- DDL as text (also what `cairn migrate --dry-run` prints) -------------------------------

  createTableStatement(table: string, schema: Schema): string {
    return createTableStatement(this.database, table, schema, this.layout);
  }

  addColumnStatement(table: string, field: Field): string {
    return addColumnStatement(this.database, table, field);
  }

  // ---- schema ---------------------------------------------------------------------------------

  async createTable(table: string, schema: Schema): Promise<void> {
    const statement = this.createTableStatement(table, schema);
    try {
      await this.connection.command(statement);
    } catch (err) {
      if (isTableAlreadyExists(err)) throw new TableAlreadyExistsError(this.display(table));
      throw ClickHouseRequestError.wrap(`creating table ${this.display(table)}`, err);
    } finally {
      this.forget(table);
    }
  }

  async addColumn(table: string, field: Field): Promise<void> {
    const statement = this.addColumnStatement(table, field);
    let present: Record<string, unknown>[];
    try {
      present = await this.connection.select(COLUMN_COUNT_QUERY, { database: this.database, table, column: field.name });
    } catch (err) {
      throw ClickHouseRequestError.wrap(`looking up column ${field.name} of ${this.display(table)}`, err);
    }
    if (Number(present[0]?.['n'] ?? 0) > 0) throw new ColumnAlreadyExistsError(this.display(table), field.name);
    try {
      await this.connection.command(statement);
    } catch (err) {
      if (isUnknownTable(err)) throw new TableNotFoundError(this.display(table));
      if (isColumnAlreadyExists(err)) throw new ColumnAlreadyExistsError(this.display(table), field.name);
      throw ClickHouseRequestError.wrap(`adding column ${field.name} to ${this.display(table)}`, err);
    } finally {
      this.forget(table);
    }
  }

  async missingColumns(table: string, schema: Schema): Promise<Field[]> {
    const { columns } = await this.loadColumns(table);
    await this.checkDeduplicationWindow(table);
    const wanted = new Set(schema.fields.map((f) => f.name));
    // Only columns Cairn writes are read back: a column of a foreign type the operator added
    // for their own use does not block anything.
    const existing = new Map<string, Field>();
    for (const column of columns) {
      if (wanted.has(column.name)) existing.set(column.name, this.readBack(table, column));
    }
    try {
      return findMissingColumns(this.display(table), existing, schema, clickHouseTypeComparer);
    } catch (err) {
      if (err instanceof MultipleTypeIncompatibleError) throw this.withNativeTypes(err, columns, schema);
      throw err;
    }
  }

  // ---- rows -----------------------------------------------------------------------------------

  async write(table: string, schema: Schema, rows: Row[], options: WriteOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const plan = await this.insertPlan(table, schema, options.signal);
    const encoded: Record<string, JsonValue>[] = new Array<Record<string, JsonValue>>(rows.length);
    for (let i = 0; i < rows.length; i++) encoded[i] = this.encodeRow(table, plan, rows[i] as Row, i);
    try {
      await this.connection.insert({
        table: qualifiedTable(this.database, table),
        columns: plan.quoted,
        rows: encoded,
        ...(options.batchId !== undefined ? { deduplicationToken: DEDUPLICATION_TOKEN_PREFIX + options.batchId } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (isUnknownTable(err)) this.forget(table);
      throw ClickHouseRequestError.wrap(`inserting ${rows.length} rows into ${this.display(table)}`, err);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.connection.close();
    return this.closing;
  }

  // ---- internals ------------------------------------------------------------------------------

  private display(table: string): string {
    return displayTable(this.database, table);
  }

  private forget(table: string): void {
    this.columnCache.delete(table);
    this.plans.delete(table);
  }

  /** The table's columns from `system.columns`, refreshing the cache; `TableNotFoundError` when there are none. */
  private async loadColumns(table: string, signal?: AbortSignal): Promise<CachedColumns> {
    let rows: Record<string, unknown>[];
    try {
      rows = await this.connection.select(COLUMNS_QUERY, { database: this.database, table }, signal);
    } catch (err) {
      throw ClickHouseRequestError.wrap(`reading the columns of ${this.display(table)}`, err);
    }
    if (rows.length === 0) {
      this.forget(table);
      throw new TableNotFoundError(this.display(table));
    }
    const entry: CachedColumns = {
      columns: rows.map((r) => ({ name: text(r['name']), type: text(r['type']), defaultKind: text(r['default_kind']) })),
      loadedAt: this.now(),
    };
    this.columnCache.set(table, entry);
    return entry;
  }

  /** The cached columns while they are younger than the TTL, else freshly read ones. */
  private async cachedColumns(table: string, signal?: AbortSignal): Promise<{ entry: CachedColumns; fresh: boolean }> {
    const cached = this.columnCache.get(table);
    if (cached !== undefined && this.now() - cached.loadedAt < this.cacheTtlMs) return { entry: cached, fresh: false };
    return { entry: await this.loadColumns(table, signal), fresh: true };
  }

  private readBack(table: string, column: TableColumn): Field {
    try {
      return readBackField(column.name, column.type, column.defaultKind);
    } catch (err) {
      if (err instanceof UnsupportedClickHouseTypeError) {
        throw new UnsupportedColumnTypeError(this.display(table), column.name, column.type, err.message);
      }
      throw err;
    }
  }

  /** The comparer speaks Arrow; the operator reads ClickHouse, so the errors show native types. */
  private withNativeTypes(err: MultipleTypeIncompatibleError, columns: readonly TableColumn[], schema: Schema): MultipleTypeIncompatibleError {
    const nativeOf = new Map(columns.map((c) => [c.name, c.type]));
    const fieldOf = new Map(schema.fields.map((f) => [f.name, f]));
    const errors = err.errors.map((e) => {
      const field = fieldOf.get(e.column);
      let wanted = e.expectedType;
      if (field !== undefined) {
        try {
          wanted = clickHouseColumnType(field).sql;
        } catch {
          // keep the Arrow form
        }
      }
      return new TypeIncompatibleError(e.table, e.column, nativeOf.get(e.column) ?? e.existingType, wanted, e.detail);
    });
    return new MultipleTypeIncompatibleError(err.table, errors);
  }

  private async insertPlan(table: string, schema: Schema, signal?: AbortSignal): Promise<InsertPlan> {
    const cached = await this.cachedColumns(table, signal);
    let source = cached.entry;
    const known = this.plans.get(table);
    if (known !== undefined && known.schema === schema && known.source === source) return known;
    let absent = this.absentColumns(source.columns, schema);
    if (absent.length > 0 && !cached.fresh) {
      // The cache may predate a column added by a migration elsewhere: look once more.
      source = await this.loadColumns(table, signal);
      absent = this.absentColumns(source.columns, schema);
    }
    if (absent.length > 0) {
      throw new ClickHouseWriteError(
        `table ${this.display(table)} has no column ${absent.join(', ')}; run \`cairn migrate\` (or start \`cairn server\`) to add ${absent.length === 1 ? 'it' : 'them'}`,
      );
    }
    const wanted = new Set(schema.fields.map((f) => f.name));
    const plan: InsertPlan = { schema, source, names: [], quoted: [], encoders: [] };
    for (const column of source.columns) {
      if (!wanted.has(column.name)) continue;
      plan.names.push(column.name);
      plan.quoted.push(quoteIdentifier(column.name));
      plan.encoders.push(valueEncoderFor(this.readBack(table, column)));
    }
    this.plans.set(table, plan);
    return plan;
  }

  private absentColumns(columns: readonly TableColumn[], schema: Schema): string[] {
    const present = new Set(columns.map((c) => c.name));
    return schema.fields.filter((f) => !present.has(f.name)).map((f) => f.name);
  }

  private encodeRow(table: string, plan: InsertPlan, row: Row, index: number): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (let c = 0; c < plan.names.length; c++) {
      const name = plan.names[c] as string;
      const value = row[name];
      if (value === undefined && !(name in row)) {
        throw new ClickHouseWriteError(`row ${index} for ${this.display(table)} has no value for column ${name}`);
      }
      try {
        const encoded = (plan.encoders[c] as ValueEncoder)(value);
        if (encoded !== undefined) out[name] = encoded;
      } catch (err) {
        if (!(err instanceof ValueEncodingError)) throw err;
        throw new ClickHouseWriteError(`row ${index} for ${this.display(table)}, column ${name}: ${err.message}`);
      }
    }
    return out;
  }

  /**
   * A table made before Cairn (by d8a, or by hand) may lack a deduplication window; then a
   * re-sent batch is stored twice. Said once per table, with the statement that fixes it.
   */
  private async checkDeduplicationWindow(table: string): Promise<void> {
    if (this.deduplicationChecked.has(table)) return;
    this.deduplicationChecked.add(table);
    let rows: Record<string, unknown>[];
    try {
      rows = await this.connection.select(TABLE_ENGINE_QUERY, { database: this.database, table });
    } catch (err) {
      this.logger.debug('could not read the table engine', { table: this.display(table), error: err });
      return;
    }
    const engine = text(rows[0]?.['engine']);
    const engineFull = text(rows[0]?.['engine_full']);
    if (!engine.endsWith('MergeTree') || engine.startsWith('Replicated') || engine.startsWith('Shared')) return;
    const window = /non_replicated_deduplication_window\s*=\s*(\d+)/.exec(engineFull);
    if (window !== null && Number(window[1]) > 0) return;
    this.logger.warn('the table has no deduplication window, so a batch re-sent after a lost answer can be stored twice', {
      table: this.display(table),
      fix: `ALTER TABLE ${qualifiedTable(this.database, table)} MODIFY SETTING non_replicated_deduplication_window = ${this.layout.deduplicationWindow}`,
    });
  }
}
