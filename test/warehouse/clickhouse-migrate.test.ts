/** The parts of `cairn migrate` that need no warehouse: its tables, its argument handling, its plan for other drivers. */
import { Field, Schema, Utf8 } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { deviceColumns } from '../../columns/device/index.js';
import { geoColumnsFrom } from '../../columns/geo/index.js';
import { migrate, migrationTargets, parseMigrateArgs, planMigration } from '../../src/cli/commands/migrate.js';
import { loadSettings } from '../../src/settings/load.js';
import type { Driver, Row } from '../../src/warehouse/driver.js';
import { TableAlreadyExistsError, TableNotFoundError } from '../../src/warehouse/errors.js';
import { findMissingColumns } from '../../src/warehouse/schema-diff.js';
import { recordingLogger, tempDir } from './helpers.js';

function settings(): ReturnType<typeof loadSettings>['settings'] {
  return loadSettings({ args: [], env: {}, cwd: tempDir('clickhouse-migrate') }).settings;
}

test('migrate builds the same tables as the worker, whose device and geo columns are the real ones', () => {
  const s = settings();
  const [target] = migrationTargets(s);
  const worker = buildPropertySchemas(s.properties, {
    deviceGeoColumns: { event: [...geoColumnsFrom({ current: () => null }, recordingLogger()), ...deviceColumns('dd2')], sessionScoped: [], session: [] },
  }).forProperty('default').tables[0];
  assert.ok(target !== undefined && worker !== undefined);
  assert.is(target.table, 'events');
  const describe = (schema: Schema): string[] => schema.fields.map((f) => `${f.name} ${String(f.type)} ${f.nullable} ${JSON.stringify([...f.metadata])}`);
  assert.equal(describe(target.schema), describe(worker.schema));
});

test('--dry-run is taken out of the arguments; everything else is left for the configuration', () => {
  assert.equal(parseMigrateArgs(['--config', 'c.yaml', '--dry-run', '--debug']), { dryRun: true, rest: ['--config', 'c.yaml', '--debug'] });
  assert.equal(parseMigrateArgs(['--dry-run=false']), { dryRun: false, rest: [] });
  assert.equal(parseMigrateArgs(['--dry-run=true', '--property-id', 'shop']), { dryRun: true, rest: ['--property-id', 'shop'] });
});

/** A driver keeping tables in memory, with no DDL text to show (as the files driver). */
class MemoryDriver implements Driver {
  readonly tables = new Map<string, Schema>();
  async createTable(table: string, schema: Schema): Promise<void> {
    if (this.tables.has(table)) throw new TableAlreadyExistsError(table);
    this.tables.set(table, schema);
  }
  async addColumn(table: string, field: Field): Promise<void> {
    const schema = this.tables.get(table);
    if (schema === undefined) throw new TableNotFoundError(table);
    this.tables.set(table, new Schema([...schema.fields, field]));
  }
  async missingColumns(table: string, schema: Schema): Promise<Field[]> {
    const existing = this.tables.get(table);
    if (existing === undefined) throw new TableNotFoundError(table);
    return findMissingColumns(table, new Map(existing.fields.map((f) => [f.name, f])), schema);
  }
  async write(_table: string, _schema: Schema, _rows: Row[]): Promise<void> {}
  async close(): Promise<void> {}
}

test('without DDL text, the plan describes in words; properties sharing a table are planned cumulatively', async () => {
  const a = new Schema([new Field('id', new Utf8(), false)]);
  const b = new Schema([new Field('id', new Utf8(), false), new Field('extra', new Utf8(), true)]);
  const driver = new MemoryDriver();
  const targets = [
    { propertyId: 'one', table: 'events', schema: a },
    { propertyId: 'two', table: 'events', schema: b },
    { propertyId: 'three', table: 'events', schema: b },
  ];
  assert.equal(await planMigration(driver, targets), [
    'property one, table events: would be created with 1 column:',
    '  id (Utf8)',
    'property two, table events: would get 1 column:',
    '  extra (Utf8, nullable)',
    'property three, table events: up to date',
  ]);
  assert.is(driver.tables.size, 0, 'a plan changes nothing');
  assert.equal(await migrate(driver, targets, recordingLogger()), [
    'property one, table events: created with 1 column',
    'property two, table events: added 1 column: extra',
    'property three, table events: up to date',
  ]);
  assert.equal(await planMigration(driver, targets), [
    'property one, table events: up to date',
    'property two, table events: up to date',
    'property three, table events: up to date',
  ]);
});

test.run();
