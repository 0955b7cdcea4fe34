/**
 * Parquet segments, read back value by value with hyparquet (a JavaScript Parquet reader
 * written independently of the Rust writer behind parquet-wasm).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, List, Schema, Struct, TimestampMillisecond, TimestampSecond, Utf8 } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { loadSettings } from '../../src/settings/load.js';
import type { Row } from '../../src/warehouse/driver.js';
import { UnsupportedMappingError } from '../../src/warehouse/errors.js';
import { createFilesDriver, ParquetFormat, ParquetValueError, type ByteSink, type ParquetCompression } from '../../src/warehouse/files/index.js';
import { testProperty } from '../support/properties.js';
import { ga4Rows } from './clickhouse-rows.js';
import { listFiles, recordingLogger, tempDir } from './helpers.js';
import { rejection } from '../support/rejection.js';

class MemorySink implements ByteSink {
  readonly chunks: Buffer[] = [];
  ended = false;
  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(chunk));
  }
  async end(): Promise<void> {
    this.ended = true;
  }
  arrayBuffer(): ArrayBuffer {
    const all = Buffer.concat(this.chunks);
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  }
}

async function parquetOf(schema: Schema, rows: readonly Row[], options: ConstructorParameters<typeof ParquetFormat>[0] = {}): Promise<ArrayBuffer> {
  const sink = new MemorySink();
  const writer = new ParquetFormat(options).open(schema, sink);
  await writer.writeRows(rows);
  await writer.close();
  assert.ok(sink.ended, 'the sink is ended by close');
  return sink.arrayBuffer();
}

const item = new Struct([new Field('name', new Utf8(), true), new Field('value_number', new Float64(), true), new Field('n', new Int32(), false)]);
const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('text', new Utf8(), true),
  new Field('big', new Int64(), true),
  new Field('small', new Int32(), true),
  new Field('price', new Float64(), true),
  new Field('ratio', new Float32(), true),
  new Field('flag', new Bool(), true),
  new Field('timestamp_utc', new TimestampSecond('UTC'), false),
  new Field('plain_time', new TimestampSecond(), true),
  new Field('date_utc', new DateDay(), false),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
  new Field('params', new List(new Field('item', item, true)), true),
]);

const rows: Row[] = [
  {
    id: 'a',
    text: 'plain',
    big: 2n ** 62n,
    small: -7,
    price: 10.25,
    ratio: 0.5,
    flag: true,
    timestamp_utc: '2025-01-15T12:00:00Z',
    plain_time: 1_736_942_401,
    date_utc: '2025-01-15',
    tags: ['x', 'y'],
    params: [{ name: 'page_location', value_number: null, n: 1 }, { name: 'engagement_time_msec', value_number: 1234.5, n: 2 }],
  },
  {
    id: 'ü€😀',
    text: null,
    big: null,
    small: null,
    price: null,
    ratio: null,
    flag: null,
    timestamp_utc: new Date(Date.UTC(2024, 11, 31, 23, 59, 59)),
    plain_time: null,
    date_utc: new Date(Date.UTC(2024, 11, 31)),
    tags: null,
    params: [],
  },
  { id: 'c', big: 5, small: 2_147_483_647, price: -0.0001, ratio: -3.25, flag: false, timestamp_utc: 0, date_utc: 20_103, tags: [], params: null },
];

/** What hyparquet gives back for `rows`: 64-bit integers as bigint, times as Date, null lists as undefined. */
const expected = [
  {
    id: 'a',
    text: 'plain',
    big: 2n ** 62n,
    small: -7,
    price: 10.25,
    ratio: 0.5,
    flag: true,
    timestamp_utc: new Date('2025-01-15T12:00:00Z'),
    plain_time: new Date(1_736_942_401_000),
    date_utc: new Date('2025-01-15T00:00:00Z'),
    tags: ['x', 'y'],
    params: [
      { name: 'page_location', value_number: null, n: 1 },
      { name: 'engagement_time_msec', value_number: 1234.5, n: 2 },
    ],
  },
  {
    id: 'ü€😀',
    text: null,
    big: null,
    small: null,
    price: null,
    ratio: null,
    flag: null,
    timestamp_utc: new Date('2024-12-31T23:59:59Z'),
    plain_time: null,
    date_utc: new Date('2024-12-31T00:00:00Z'),
    tags: undefined,
    params: [],
  },
  {
    id: 'c',
    text: null,
    big: 5n,
    small: 2_147_483_647,
    price: -0.0001,
    ratio: -3.25,
    flag: false,
    timestamp_utc: new Date(0),
    plain_time: null,
    date_utc: new Date('2025-01-15T00:00:00Z'),
    tags: [],
    params: undefined,
  },
];

for (const compression of ['none', 'snappy', 'gzip', 'zstd'] as ParquetCompression[]) {
  test(`every column type round-trips value by value (${compression})`, async () => {
    const file = await parquetOf(schema, rows, { compression });
    const back = await parquetReadObjects({ file, compressors });
    assert.equal(back, expected);
    const metadata = parquetMetadata(file);
    const codec = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD' }[compression];
    for (const group of metadata.row_groups) for (const column of group.columns) assert.is(column.meta_data?.codec, codec);
  });
}

test('the Parquet schema: column order, required / optional, LIST of groups, TIMESTAMP(MILLIS) and DATE', async () => {
  const file = await parquetOf(schema, rows);
  const tree = parquetSchema(parquetMetadata(file));
  assert.equal(tree.children.map((c) => c.element.name), schema.fields.map((f) => f.name));
  const byName = new Map(tree.children.map((c) => [c.element.name, c]));
  assert.is(byName.get('id')?.element.repetition_type, 'REQUIRED');
  assert.is(byName.get('text')?.element.repetition_type, 'OPTIONAL');
  assert.is(byName.get('big')?.element.type, 'INT64');
  assert.is(byName.get('small')?.element.type, 'INT32');
  assert.is(byName.get('ratio')?.element.type, 'FLOAT');
  const ts = byName.get('timestamp_utc')?.element;
  assert.is(ts?.type, 'INT64');
  assert.equal(ts?.logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
  assert.is(byName.get('date_utc')?.element.converted_type, 'DATE');
  const params = byName.get('params');
  assert.is(params?.element.converted_type, 'LIST');
  const element = params?.children[0]?.children[0];
  assert.equal(element?.children.map((c) => [c.element.name, c.element.repetition_type]), [
    ['name', 'OPTIONAL'],
    ['value_number', 'OPTIONAL'],
    ['n', 'REQUIRED'],
  ]);
});

test('many batches and row groups, an empty segment still has its schema', async () => {
  const many = Array.from({ length: 2500 }, (_, i) => ({ ...rows[i % 3], id: `row-${i}` }));
  const file = await parquetOf(schema, many, { compression: 'snappy', batchRows: 300, rowGroupRows: 1000 });
  const metadata = parquetMetadata(file);
  assert.is(Number(metadata.num_rows), 2500);
  assert.is(metadata.row_groups.length, 3);
  const back = await parquetReadObjects({ file, compressors });
  assert.equal(back.map((r) => r['id']), many.map((r) => r.id));
  assert.equal(back[1000], { ...expected[1], id: 'row-1000' });

  const empty = await parquetOf(schema, []);
  assert.is(Number(parquetMetadata(empty).num_rows), 0);
  assert.equal(await parquetReadObjects({ file: empty }), []);
  assert.is(parquetSchema(parquetMetadata(empty)).children.length, schema.fields.length);
});

test('types without a Parquet layout are refused; values a column cannot hold name the column', async () => {
  const format = new ParquetFormat();
  const unsupported = [
    new Field('u', new Int16(), true),
    new Field('ms', new TimestampMillisecond('UTC'), true),
    new Field('tz', new TimestampSecond('Europe/Warsaw'), true),
    new Field('top', item, true),
    new Field('nested', new List(new Field('item', new List(new Field('item', new Utf8(), true)), true)), true),
  ];
  for (const field of unsupported) {
    assert.throws(() => format.checkSchema(new Schema([field])), (err: unknown) => err instanceof UnsupportedMappingError, field.name);
  }
  const cases: [Row, RegExp][] = [
    [{ ...rows[0], id: null }, /id: column is not nullable/],
    [{ ...rows[0], text: 5 }, /text: a utf8 column cannot hold number 5/],
    [{ ...rows[0], small: 2 ** 31 }, /small: 2147483648 is outside the int32 range/],
    [{ ...rows[0], ratio: 1e39 }, /ratio: 1e\+39 overflows a 32-bit float/],
    [{ ...rows[0], big: 1.5 }, /big: a int64 column cannot hold number 1.5/],
    [{ ...rows[0], date_utc: 'yesterday' }, /date_utc: a date32 column cannot hold string "yesterday"/],
    [{ ...rows[0], tags: 'x' }, /tags: a list column needs an array/],
    [{ ...rows[0], params: [{ name: 'x' }] }, /params\[0\]\.n: column is not nullable/],
  ];
  for (const [row, message] of cases) {
    const err = await rejection(parquetOf(schema, [row]));
    assert.instance(err, ParquetValueError);
    assert.match(err.message, message);
  }
});

/** What hyparquet returns for a row value of `type` (the mapping of reference §4.6). */
function readBack(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return DataType.isList(type) ? undefined : null;
  if (DataType.isInt(type) && type.bitWidth === 64) return BigInt(value as number);
  if (DataType.isTimestamp(type)) return typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (DataType.isDate(type)) return new Date(`${String(value)}T00:00:00Z`);
  if (DataType.isFloat(type) && type.precision === 1) return Math.fround(value as number);
  if (DataType.isList(type)) {
    const element = type.valueType as DataType;
    return (value as unknown[]).map((v) => readBack(element, v));
  }
  if (DataType.isStruct(type)) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(type.children.map((c) => [c.name, readBack(c.type as DataType, record[c.name])]));
  }
  return value;
}

test('the GA4 events table through the files driver: a readable .parquet file, value by value', async () => {
  const ga4 = buildPropertySchemas([testProperty()]).forProperty('default').tables[0];
  if (ga4 === undefined) throw new Error('no GA4 table');
  const dir = tempDir('parquet-driver');
  const out = join(dir, 'out');
  const settings = loadSettings({
    args: [
      '--warehouse-driver', 'files',
      '--warehouse-files-storage', 'filesystem',
      '--warehouse-files-filesystem-path', out,
      '--warehouse-files-format', 'parquet',
      '--warehouse-files-compression', 'snappy',
      '--storage-spool-directory', join(dir, 'spool'),
    ],
    env: {},
    cwd: dir,
  }).settings;
  const driver = await createFilesDriver(settings, recordingLogger());
  const input = ga4Rows(ga4.schema, 1500);
  await driver.write('events', ga4.schema, input.slice(0, 700));
  await driver.write('events', ga4.schema, input.slice(700));
  await driver.close();
  const files = listFiles(out);
  assert.is(files.length, 1);
  assert.match(files[0] ?? '', /\.parquet$/);
  const bytes = readFileSync(join(out, files[0] ?? ''));
  const back = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, compressors });
  assert.is(back.length, input.length);
  let compared = 0;
  for (let i = 0; i < input.length; i++) {
    for (const field of ga4.schema.fields) {
      const want = readBack(field.type as DataType, input[i]?.[field.name]);
      const got = back[i]?.[field.name];
      assert.equal(got, want, `row ${i} column ${field.name}`);
      compared++;
    }
  }
  assert.ok(compared > 300_000, `${compared} values compared`);
});

test.run();
