import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  Struct,
  TimestampMillisecond,
  TimestampSecond,
  Utf8,
  type DataType,
} from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Driver } from '../../src/warehouse/driver.js';
import {
  ColumnAlreadyExistsError,
  MultipleTypeIncompatibleError,
  TableAlreadyExistsError,
  TableNotFoundError,
  TypeIncompatibleError,
  UnsupportedMappingError,
} from '../../src/warehouse/errors.js';
import { ensureTables, findMissingColumns, TypeComparer } from '../../src/warehouse/schema-diff.js';

const cmp = new TypeComparer();
const f = (name: string, type: DataType, nullable = true, metadata?: Map<string, string>): Field => new Field(name, type, nullable, metadata ?? null);
const list = (type: DataType, nullable = true): List => new List(f('item', type, nullable));
const struct = (...fields: Field[]): Struct => new Struct(fields);

test('comparer: equal primitive types are compatible', () => {
  for (const t of [new Utf8(), new Int64(), new Int32(), new Float64(), new Float32(), new Bool(), new DateDay()]) {
    assert.is(cmp.compare(t, t, 'c'), null, String(t));
  }
});

test('comparer: different type ids are reported with both ids and the path', () => {
  const reason = cmp.compare(new Utf8(), new Int64(), 'col');
  assert.is(reason, 'col: type IDs differ - expected: Utf8, actual: Int');
});

test('comparer: same id but different width compares by the type text', () => {
  assert.match(cmp.compare(new Int64(), new Int32(), 'n') ?? '', /n: types differ - expected: Int64, actual: Int32/);
  assert.match(cmp.compare(new Float64(), new Float32(), 'x') ?? '', /Float64.*Float32/);
});

test('comparer: list elements are compared recursively, their nullability is not', () => {
  assert.is(cmp.compare(list(new Utf8(), true), list(new Utf8(), false), 'tags'), null);
  assert.is(cmp.compare(list(new Utf8()), list(new Int64()), 'tags'), 'tags[LIST_ELEMENT]: type IDs differ - expected: Utf8, actual: Int');
  assert.is(cmp.compare(list(list(new Int64())), list(list(new Int32())), 'm')?.startsWith('m[LIST_ELEMENT][LIST_ELEMENT]:'), true);
});

test('comparer: structs need the same field names, order, nullability and types', () => {
  const base = struct(f('name', new Utf8()), f('value', new Float64()));
  assert.is(cmp.compare(base, struct(f('name', new Utf8()), f('value', new Float64())), 'p'), null);
  assert.match(cmp.compare(base, struct(f('name', new Utf8())), 'p') ?? '', /p: struct field counts differ - expected: 2, actual: 1/);
  assert.match(cmp.compare(base, struct(f('value', new Float64()), f('name', new Utf8())), 'p') ?? '', /p\.STRUCT\[0\]\.name: struct field names differ/);
  assert.match(cmp.compare(base, struct(f('name', new Utf8(), false), f('value', new Float64())), 'p') ?? '', /nullability/);
  assert.match(cmp.compare(base, struct(f('name', new Utf8()), f('value', new Int64())), 'p') ?? '', /p\.STRUCT\[1\]\.value: type IDs differ/);
  // list<struct<…>> as GA4 params
  const params = list(base);
  assert.match(cmp.compare(params, list(struct(f('name', new Utf8()), f('value', new Utf8()))), 'params') ?? '', /params\[LIST_ELEMENT\]\.STRUCT\[1\]\.value/);
});

test('comparer: timestamps need the same unit and time zone', () => {
  assert.is(cmp.compare(new TimestampSecond('UTC'), new TimestampSecond('UTC'), 't'), null);
  assert.match(cmp.compare(new TimestampSecond('UTC'), new TimestampMillisecond('UTC'), 't') ?? '', /units differ - expected: SECOND, actual: MILLISECOND/);
  assert.match(cmp.compare(new TimestampSecond('UTC'), new TimestampSecond(), 't') ?? '', /timezones differ - expected: "UTC", actual: ""/);
  assert.is(cmp.compare(new TimestampSecond(null), new TimestampSecond(), 't'), null);
});

test('comparer: field metadata never matters', () => {
  const a = f('c', new Utf8(), true, new Map([['codec', 'ZSTD']]));
  const b = f('c', new Utf8(), true);
  assert.is(cmp.fieldsIncompatibility(a, b), null);
  const inner = struct(f('x', new Int64(), true, new Map([['hint', 'lowcard']])));
  assert.is(cmp.compare(inner, struct(f('x', new Int64())), 's'), null);
});

test('comparer: custom rules decide first; a handled "no" falls back to the structural check', () => {
  const lenient = new TypeComparer([(e, a) => ({ handled: e.typeId !== a.typeId, compatible: true })]);
  assert.is(lenient.compare(new Utf8(), new Int64(), 'c'), null);
  const strictNo = new TypeComparer([
    () => ({ handled: true, compatible: false }),
    () => ({ handled: true, compatible: true }),
  ]);
  assert.is(strictNo.compare(new Utf8(), new Utf8(), 'c'), null, 'falls through to structural: equal');
  assert.ok(strictNo.compare(new Utf8(), new Int64(), 'c'), 'later rules are not consulted');
});

test('findMissingColumns: returns absent fields in input order and ignores extra table columns', () => {
  const existing = new Map([
    ['id', f('id', new Utf8())],
    ['legacy', f('legacy', new Int64())],
  ]);
  const input = new Schema([f('z_last', new Utf8()), f('id', new Utf8()), f('a_first', new Int64())]);
  assert.equal(
    findMissingColumns('events', existing, input).map((x) => x.name),
    ['z_last', 'a_first'],
  );
  assert.equal(findMissingColumns('events', new Map([['z_last', f('z_last', new Utf8())], ['id', f('id', new Utf8())], ['a_first', f('a_first', new Int64())]]), input), []);
});

test('findMissingColumns: every incompatibility is reported and no list is returned', () => {
  const existing = new Map([
    ['a', f('a', new Utf8())],
    ['b', f('b', new Int64())],
  ]);
  const input = new Schema([f('a', new Int64()), f('b', new Float64()), f('c', new Utf8())]);
  try {
    findMissingColumns('ds.events', existing, input);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, MultipleTypeIncompatibleError);
    const e = err as MultipleTypeIncompatibleError;
    assert.is(e.errors.length, 2);
    assert.is(e.message.split('\n')[0], 'table ds.events has 2 type incompatibilities:');
    assert.match(e.message, /column a of table ds\.events has type Utf8 but Int64 is wanted/);
    assert.match(e.message, /column b of table ds\.events has type Int64 but Float64 is wanted/);
  }
});

test('MultipleTypeIncompatibleError with one column uses that column message verbatim', () => {
  const one = new TypeIncompatibleError('t', 'c', 'Utf8', 'Int64', 'c: type IDs differ');
  const e = new MultipleTypeIncompatibleError('t', [one]);
  assert.is(e.message, one.message);
});

test('error types name their subject', () => {
  assert.match(new TableAlreadyExistsError('db.events').message, /db\.events already exists/);
  assert.match(new ColumnAlreadyExistsError('events', 'x').message, /column x already exists in table events/);
  assert.match(new TableNotFoundError('events').message, /events not found/);
  assert.match(new UnsupportedMappingError('Map<…>', 'clickhouse').message, /"clickhouse" cannot map Arrow type "Map<…>"/);
});

/** A warehouse with tables in memory, recording every DDL call. */
class MemoryDriver implements Driver {
  readonly tables = new Map<string, Field[]>();
  readonly calls: string[] = [];

  async createTable(table: string, schema: Schema): Promise<void> {
    this.calls.push(`create ${table}`);
    if (this.tables.has(table)) throw new TableAlreadyExistsError(table);
    this.tables.set(table, [...schema.fields]);
  }

  async addColumn(table: string, field: Field): Promise<void> {
    this.calls.push(`add ${table}.${field.name}`);
    const fields = this.tables.get(table);
    if (fields === undefined) throw new TableNotFoundError(table);
    if (fields.some((x) => x.name === field.name)) throw new ColumnAlreadyExistsError(table, field.name);
    fields.push(field);
  }

  async missingColumns(table: string, schema: Schema): Promise<Field[]> {
    const fields = this.tables.get(table);
    if (fields === undefined) throw new TableNotFoundError(table);
    return findMissingColumns(table, new Map(fields.map((x) => [x.name, x])), schema);
  }

  async write(): Promise<void> {}
  async close(): Promise<void> {}
}

const eventsSchema = new Schema([f('id', new Utf8()), f('timestamp_utc', new TimestampSecond('UTC')), f('session_hit_number', new Int64()), f('params', list(struct(f('name', new Utf8()), f('value_number', new Float64()))))]);

test('ensureTables: a new table is created with every column', async () => {
  const driver = new MemoryDriver();
  const report = await ensureTables(driver, [{ name: 'events', schema: eventsSchema }]);
  assert.equal(report, [{ table: 'events', created: true, addedColumns: [] }]);
  assert.equal(driver.tables.get('events')?.map((x) => x.name), ['id', 'timestamp_utc', 'session_hit_number', 'params']);
});

test('ensureTables: a table lacking two columns gets them added in schema order', async () => {
  const driver = new MemoryDriver();
  driver.tables.set('events', [f('id', new Utf8()), f('timestamp_utc', new TimestampSecond('UTC'))]);
  const report = await ensureTables(driver, [{ name: 'events', schema: eventsSchema }]);
  assert.equal(report, [{ table: 'events', created: false, addedColumns: ['session_hit_number', 'params'] }]);
  assert.equal(driver.calls, ['create events', 'add events.session_hit_number', 'add events.params']);
  // A second run has nothing to do.
  assert.equal(await ensureTables(driver, [{ name: 'events', schema: eventsSchema }]), [{ table: 'events', created: false, addedColumns: [] }]);
});

test('ensureTables: an incompatible column stops with table, column and both types in the message', async () => {
  const driver = new MemoryDriver();
  driver.tables.set('events', [f('id', new Utf8()), f('session_hit_number', new Utf8())]);
  try {
    await ensureTables(driver, [{ name: 'events', schema: eventsSchema }]);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, MultipleTypeIncompatibleError);
    const message = (err as Error).message;
    assert.match(message, /session_hit_number/);
    assert.match(message, /events/);
    assert.match(message, /type Utf8 but Int64 is wanted/);
  }
  assert.equal(driver.calls, ['create events'], 'no column was added');
});

test('ensureTables: other createTable errors abort', async () => {
  const driver = new MemoryDriver();
  driver.createTable = async () => {
    throw new Error('permission denied');
  };
  try {
    await ensureTables(driver, [{ name: 'events', schema: eventsSchema }]);
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as Error).message, 'permission denied');
  }
});

test.run();
