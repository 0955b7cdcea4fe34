import type { Field, Schema } from 'apache-arrow';
import { buildPropertySchemas } from '../../../columns/column-sets.js';
import type { Logger } from '../../monitoring/logger.js';
import { splitPositionals } from '../../replay/split-args.js';
import type { PropertySchemaRegistry } from '../../schema/property-schema.js';
import type { Settings } from '../../settings/types.js';
import { ClickHouseConfigError } from '../../warehouse/clickhouse/config.js';
import type { Driver } from '../../warehouse/driver.js';
import { TableNotFoundError } from '../../warehouse/errors.js';
import { FilesConfigError } from '../../warehouse/files/index.js';
import { createDriver, UnsupportedWarehouseError } from '../../warehouse/registry.js';
import { ensureTables } from '../../warehouse/schema-diff.js';
import { ExitCode } from '../exit-codes.js';
import { loggerFor, settingsOrReport } from '../service.js';

/** One property's table, as the layout of its columns defines it. */
export interface MigrationTarget {
  propertyId: string;
  table: string;
  schema: Schema;
}

/**
 * A driver that can show its DDL as text (ClickHouse), so a dry run prints the statements a
 * real run would send rather than a description of them.
 */
export interface DdlStatements {
  createTableStatement(table: string, schema: Schema): string;
  addColumnStatement(table: string, field: Field): string;
}

function hasDdlStatements(driver: Driver): driver is Driver & DdlStatements {
  const candidate = driver as Partial<DdlStatements>;
  return typeof candidate.createTableStatement === 'function' && typeof candidate.addColumnStatement === 'function';
}

/**
 * The tables of every configured property. Device and geo columns are the stubs: they
 * implement the same interfaces (same names and types) as the real detectors, which would
 * open their databases for nothing.
 */
export function migrationTargets(settings: Pick<Settings, 'properties'>): MigrationTarget[] {
  const schemas: PropertySchemaRegistry = buildPropertySchemas(settings.properties);
  return settings.properties.flatMap((p) => schemas.forProperty(p.id).tables.map((t) => ({ propertyId: p.id, table: t.table, schema: t.schema })));
}

function columnCount(n: number): string {
  return `${n} column${n === 1 ? '' : 's'}`;
}

function typeText(field: Field): string {
  return `${String(field.type)}${field.nullable ? ', nullable' : ''}`;
}

/** Creates or evolves every table and says what it did, one line per property and table. */
export async function migrate(driver: Driver, targets: readonly MigrationTarget[], logger: Logger): Promise<string[]> {
  const lines: string[] = [];
  for (const target of targets) {
    const [report] = await ensureTables(driver, [{ name: target.table, schema: target.schema }], logger);
    const where = `property ${target.propertyId}, table ${target.table}`;
    if (report?.created === true) lines.push(`${where}: created with ${columnCount(target.schema.fields.length)}`);
    else if (report !== undefined && report.addedColumns.length > 0) {
      lines.push(`${where}: added ${columnCount(report.addedColumns.length)}: ${report.addedColumns.join(', ')}`);
    } else lines.push(`${where}: up to date`);
  }
  return lines;
}

/**
 * What `migrate` would do, without doing it: the DDL for drivers that have it, a description
 * for the others. Several properties may share a table; later ones are planned against what the
 * earlier ones would have created or added.
 */
export async function planMigration(driver: Driver, targets: readonly MigrationTarget[]): Promise<string[]> {
  const lines: string[] = [];
  /** Tables this plan creates, with the columns they will have by now. */
  const creating = new Map<string, Set<string>>();
  /** Columns this plan adds to tables that exist. */
  const adding = new Map<string, Set<string>>();
  for (const target of targets) {
    const where = `property ${target.propertyId}, table ${target.table}`;
    const names = target.schema.fields.map((f) => f.name);
    const created = creating.get(target.table);
    let missing: Field[];
    let create = false;
    if (created !== undefined) {
      missing = target.schema.fields.filter((f) => !created.has(f.name));
      for (const name of names) created.add(name);
    } else {
      try {
        const added = adding.get(target.table) ?? new Set<string>();
        adding.set(target.table, added);
        missing = (await driver.missingColumns(target.table, target.schema)).filter((f) => !added.has(f.name));
        for (const f of missing) added.add(f.name);
      } catch (err) {
        if (!(err instanceof TableNotFoundError)) throw err;
        create = true;
        missing = [];
        creating.set(target.table, new Set(names));
      }
    }
    if (create) {
      if (hasDdlStatements(driver)) lines.push(`-- ${where}: does not exist`, `${driver.createTableStatement(target.table, target.schema)};`, '');
      else lines.push(`${where}: would be created with ${columnCount(target.schema.fields.length)}:`, ...target.schema.fields.map((f) => `  ${f.name} (${typeText(f)})`));
    } else if (missing.length > 0) {
      if (hasDdlStatements(driver)) {
        lines.push(`-- ${where}: lacks ${columnCount(missing.length)}`, ...missing.map((f) => `${driver.addColumnStatement(target.table, f)};`), '');
      } else {
        lines.push(`${where}: would get ${columnCount(missing.length)}:`, ...missing.map((f) => `  ${f.name} (${typeText(f)})`));
      }
    } else {
      lines.push(hasDdlStatements(driver) ? `-- ${where}: up to date` : `${where}: up to date`);
    }
  }
  return lines;
}

/** Separates `--dry-run` (also `--dry-run=true|false`) from the configuration flags. */
export function parseMigrateArgs(args: readonly string[]): { dryRun: boolean; rest: string[] } {
  let dryRun = false;
  const rest: string[] = [];
  for (const arg of args) {
    const match = /^--dry-run(?:=(true|false))?$/.exec(arg);
    if (match === null) rest.push(arg);
    else dryRun = match[1] !== 'false';
  }
  return { dryRun, rest };
}

/** Failures that mean "fix the configuration" rather than "the warehouse failed". */
function isConfigurationError(err: unknown): boolean {
  return err instanceof ClickHouseConfigError || err instanceof FilesConfigError || err instanceof UnsupportedWarehouseError;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `cairn migrate [--config F] [--dry-run]`: creates or evolves the table of every configured
 * property, printing one line per property and table on stdout. With `--dry-run` nothing is
 * changed and the statements (ClickHouse) or a description (other drivers) are printed.
 * Exit 0 when done, 1 when the warehouse refused (e.g. a column of another type), 2 for a
 * configuration problem, 3 when the driver cannot be set up.
 */
export async function runMigrateCommand(args: string[]): Promise<number> {
  const { dryRun, rest } = parseMigrateArgs(args);
  const { options, positionals } = splitPositionals(rest);
  if (positionals.length > 0) {
    process.stderr.write(`cairn migrate: unexpected argument ${JSON.stringify(positionals[0])}; migrate takes only flags\n`);
    return ExitCode.config;
  }
  const settings = settingsOrReport(options);
  if (settings === null) return ExitCode.config;
  const logger = loggerFor(settings);
  for (const w of settings.warnings) logger.warn(w);
  let targets: MigrationTarget[];
  try {
    targets = migrationTargets(settings);
  } catch (err) {
    process.stderr.write(`cairn migrate: ${messageOf(err)}\n`);
    return ExitCode.config;
  }
  let driver: Driver;
  try {
    driver = await createDriver(settings, logger);
  } catch (err) {
    process.stderr.write(`cairn migrate: ${messageOf(err)}\n`);
    return isConfigurationError(err) ? ExitCode.config : ExitCode.startup;
  }
  let code: number = ExitCode.ok;
  const print = (lines: readonly string[]): void => {
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  };
  try {
    if (dryRun) print(await planMigration(driver, targets));
    // Table by table, so what was done before a failure is on record.
    else for (const target of targets) print(await migrate(driver, [target], logger));
  } catch (err) {
    process.stderr.write(`cairn migrate: ${messageOf(err)}\n`);
    code = ExitCode.failure;
  }
  try {
    await driver.close();
  } catch (err) {
    logger.warn('closing the warehouse driver failed', { error: err });
  }
  return code;
}
