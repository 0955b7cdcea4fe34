/** The ClickHouse driver's pure parts: type mapping both ways, DDL text, compatibility, value encoding, configuration. */
import { Bool, DateDay, DateMillisecond, Field, Float32, Float64, Int16, Int32, Int64, List, Schema, Struct, TimestampMillisecond, TimestampSecond, Uint8, Utf8, DataType } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSettings } from '../../src/settings/load.js';
import {
  arrowTypeOf,
  clickHouseColumnType,
  ClickHouseConfigError,
  clickHouseConfigFromSettings,
  clickHouseTypeComparer,
  columnDefinition,
  createTableStatement,
  readBackField,
  UnsupportedClickHouseTypeError,
  valueEncoderFor,
  ValueEncodingError,
} from '../../src/warehouse/clickhouse/index.js';
import { UnsupportedMappingError } from '../../src/warehouse/errors.js';

const LC = { 'd8a.warehouse.clickhouse.low_cardinality': 'true' };
const CODEC = (c: string): Record<string, string> => ({ 'd8a.warehouse.clickhouse.codec': c });

function field(name: string, type: DataType, nullable = false, metadata: Record<string, string> = {}): Field {
  return new Field(name, type, nullable, new Map(Object.entries(metadata)));
}

function listOf(type: DataType, nullable = true): List {
  return new List(new Field('item', type, nullable));
}

function structOf(members: [string, DataType, boolean?][]): Struct {
  return new Struct(members.map(([n, t, nullable]) => new Field(n, t, nullable ?? true)));
}

// ---- Arrow → ClickHouse (the 13 mappers) --------------------------------------------------------

test('the eight primitives map to their ClickHouse types, nullable ones with a DEFAULT instead of Nullable', () => {
  const cases: [DataType, string, string][] = [
    [new Utf8(), 'String', "''"],
    [new Int64(), 'Int64', '0'],
    [new Int32(), 'Int32', '0'],
    [new Float64(), 'Float64', '0'],
    [new Float32(), 'Float32', '0'],
    [new TimestampSecond('UTC'), 'DateTime64(0)', "'1970-01-01 00:00:00'"],
    [new Bool(), 'Bool', '0'],
    [new DateDay(), 'Date32', "'1970-01-01'"],
  ];
  for (const [type, sql, defaultExpression] of cases) {
    assert.equal(clickHouseColumnType(field('c', type)), { sql, defaultExpression: null }, String(type));
    assert.equal(clickHouseColumnType(field('c', type, true)), { sql, defaultExpression }, `${String(type)} nullable`);
  }
});

test('low cardinality wraps the inner type and keeps its DEFAULT; lists become Array or Nested without DEFAULT', () => {
  assert.is(columnDefinition(field('name', new Utf8(), false, LC)), '`name` LowCardinality(String)');
  assert.is(columnDefinition(field('geo', new Utf8(), true, LC)), "`geo` LowCardinality(String) DEFAULT ''");
  assert.is(columnDefinition(field('tags', listOf(new Utf8()), true)), '`tags` Array(String)');
  assert.is(columnDefinition(field('nums', listOf(new Int64(), false), false)), '`nums` Array(Int64)');
  const items = listOf(structOf([['item id', new Utf8()], ['price', new Float64(), false], ['at', new TimestampSecond('UTC')]]));
  assert.is(columnDefinition(field('items', items, true)), '`items` Nested(`item id` String, `price` Float64, `at` DateTime64(0))');
  assert.is(columnDefinition(field('ts', new TimestampSecond('UTC'), false, CODEC(' CODEC(Delta, LZ4) '))), '`ts` DateTime64(0) CODEC(Delta, LZ4)');
  assert.is(columnDefinition(field('b', new Bool(), true, CODEC('CODEC(T64, LZ4)'))), '`b` Bool DEFAULT 0 CODEC(T64, LZ4)');
  assert.is(columnDefinition(field('odd`name', new Utf8())), '`odd``name` String');
});

test('types ClickHouse tables of Cairn do not hold are refused with UnsupportedMappingError', () => {
  const refused: Field[] = [
    field('s', structOf([['a', new Utf8()]])), // a struct outside a list
    field('ms', new TimestampMillisecond('UTC')),
    field('local', new TimestampSecond()), // no zone: not UTC seconds
    field('i16', new Int16()),
    field('u8', new Uint8()),
    field('dms', new DateMillisecond()),
    field('ll', listOf(listOf(new Utf8()))),
    field('nested-list', listOf(structOf([['a', listOf(new Utf8())]]))),
    field('lc-list', listOf(new Utf8()), true, LC),
  ];
  for (const f of refused) {
    try {
      clickHouseColumnType(f);
      assert.unreachable(f.name);
    } catch (err) {
      assert.instance(err, UnsupportedMappingError, f.name);
    }
  }
  assert.throws(() => columnDefinition(field('x', new Utf8(), false, CODEC('LZ4'))), /must be a CODEC\(\.\.\.\) clause/);
});

// ---- DDL ---------------------------------------------------------------------------------------

const small = new Schema([
  field('property_id', new Utf8(), false, LC),
  field('date_utc', new DateDay(), false, CODEC('CODEC(Delta, LZ4)')),
  field('session_id', new Utf8()),
  field('user_id', new Utf8(), true),
  field('params', listOf(structOf([['name', new Utf8()], ['value_number', new Float64()]])), true),
]);

test('CREATE TABLE: MergeTree, partition, sorting key verbatim, deduplication window', () => {
  const sql = createTableStatement('analytics', 'events', small, {
    orderBy: ['property_id', 'date_utc', 'session_id'],
    partitionBy: 'toYYYYMM(date_utc)',
    deduplicationWindow: 10_000,
  });
  assert.is(
    sql,
    [
      'CREATE TABLE `analytics`.`events` (',
      '  `property_id` LowCardinality(String),',
      '  `date_utc` Date32 CODEC(Delta, LZ4),',
      '  `session_id` String,',
      "  `user_id` String DEFAULT '',",
      '  `params` Nested(`name` String, `value_number` Float64)',
      ') ENGINE = MergeTree()',
      'PARTITION BY toYYYYMM(date_utc)',
      'ORDER BY (property_id, date_utc, session_id)',
      'SETTINGS non_replicated_deduplication_window = 10000',
    ].join('\n'),
  );
  const bare = createTableStatement('db', 't', small, { orderBy: [], partitionBy: '', deduplicationWindow: 0 });
  assert.ok(bare.endsWith(') ENGINE = MergeTree()\nORDER BY tuple()'), bare);
});

test('schema-level hints replace the sorting key (and with it the partition), as in d8a', () => {
  const options = { orderBy: ['a'], partitionBy: 'p()', deduplicationWindow: 1 };
  const withOrder = new Schema(small.fields, new Map([['d8a.warehouse.clickhouse.order_by', 'session_id, date_utc']]));
  assert.match(createTableStatement('d', 't', withOrder, options), /MergeTree\(\)\nORDER BY \(session_id, date_utc\)\nSETTINGS/);
  const withPartition = new Schema(small.fields, new Map([['d8a.warehouse.clickhouse.partition_by', 'toYear(date_utc)']]));
  assert.match(createTableStatement('d', 't', withPartition, options), /PARTITION BY toYear\(date_utc\)\nORDER BY \(a\)/);
});

// ---- ClickHouse → Arrow (reading a table back) ----------------------------------------------------

test('every type Cairn creates reads back as the Arrow type it was made from', () => {
  const fields = [
    field('s', new Utf8()),
    field('i', new Int64(), true),
    field('i32', new Int32()),
    field('f', new Float64(), true),
    field('f32', new Float32()),
    field('t', new TimestampSecond('UTC'), true),
    field('b', new Bool()),
    field('d', new DateDay()),
    field('lc', new Utf8(), true, LC),
    field('a', listOf(new Int64())),
    field('n', listOf(structOf([['x y', new Utf8()], ['z', new Float64()]]))),
  ];
  for (const f of fields) {
    const type = clickHouseColumnType(f);
    const back = readBackField(f.name, type.sql, type.defaultExpression === null ? '' : 'DEFAULT');
    assert.is(clickHouseTypeComparer.fieldsIncompatibility(back, f), null, `${f.name}: ${type.sql}`);
    assert.is(String(back.type), String(f.type), f.name);
    if (!DataType.isList(f.type)) assert.is(back.nullable, f.nullable, `${f.name} nullability`);
  }
  assert.is(String(arrowTypeOf("DateTime64(0, 'UTC')").type), 'Timestamp<SECOND, UTC>');
  assert.is(String(arrowTypeOf('Nested(`a``b` String, "c" Int32, d Bool)').type), 'List<Struct<{a`b:Utf8, c:Int32, d:Bool}>>');
  assert.is(String(arrowTypeOf('Nested(`a\\`b` String)').type), 'List<Struct<{a`b:Utf8}>>');
});

test('native types Cairn never creates are reported, Nullable(T) included', () => {
  for (const native of ['Nullable(String)', 'DateTime', 'DateTime64(3)', "DateTime64(0, 'Europe/Paris')", 'UInt8', 'Map(String, String)', 'Tuple(a String)', 'JSON', 'LowCardinality(Nullable(String))', 'Array(Array(String))', 'Nested(a Array(String))', 'Array(String']) {
    assert.throws(() => arrowTypeOf(native), (err: unknown) => err instanceof UnsupportedClickHouseTypeError, native);
  }
  assert.throws(() => arrowTypeOf('Nullable(String)'), /does not write Nullable columns/);
});

// ---- compatibility (§3.5) ----------------------------------------------------------------------

test('compatibility: exact numeric widths, nullability ignored, Nested member nullability ignored', () => {
  const c = clickHouseTypeComparer;
  assert.match(c.fieldsIncompatibility(field('n', new Int64()), field('n', new Int32())) ?? '', /n: types differ - expected: Int64, actual: Int32/);
  assert.ok(c.fieldsIncompatibility(field('f', new Float32()), field('f', new Float64())) !== null);
  assert.ok(c.fieldsIncompatibility(field('s', new Utf8()), field('s', new Int64())) !== null);
  assert.is(c.fieldsIncompatibility(field('s', new Utf8(), true), field('s', new Utf8(), false)), null);
  assert.is(c.fieldsIncompatibility(field('a', listOf(new Utf8(), false)), field('a', listOf(new Utf8(), true), true)), null);
  const readBack = field('items', listOf(structOf([['id', new Utf8(), true], ['price', new Float64(), true]])));
  const strict = field('items', listOf(structOf([['id', new Utf8(), false], ['price', new Float64(), false]])));
  assert.is(c.fieldsIncompatibility(readBack, strict), null);
  const renamed = field('items', listOf(structOf([['id', new Utf8()], ['cost', new Float64()]])));
  assert.match(c.fieldsIncompatibility(readBack, renamed) ?? '', /items\[LIST_ELEMENT\]\.STRUCT\[1\]\.price: struct field names differ/);
  const retyped = field('items', listOf(structOf([['id', new Utf8()], ['price', new Int64()]])));
  assert.match(c.fieldsIncompatibility(readBack, retyped) ?? '', /STRUCT\[1\]\.price: type IDs differ/);
  // Codec and low-cardinality hints never count as a difference.
  assert.is(c.fieldsIncompatibility(field('x', new Utf8()), field('x', new Utf8(), false, { ...LC, ...CODEC('CODEC(ZSTD)') })), null);
});

// ---- value encoding ----------------------------------------------------------------------------

function encode(f: Field, value: unknown): unknown {
  return valueEncoderFor(f)(value);
}

test('values are encoded for JSONEachRow: epoch seconds for times, quoted big integers, spelled-out non-finite floats', () => {
  assert.is(encode(field('t', new TimestampSecond('UTC')), '2025-01-02T03:04:05Z'), 1735787045);
  assert.is(encode(field('t', new TimestampSecond('UTC')), '2025-01-02T04:04:05.900+01:00'), 1735787045);
  assert.is(encode(field('t', new TimestampSecond('UTC')), 1735787045), 1735787045);
  assert.is(encode(field('t', new TimestampSecond('UTC')), 1735787045n), 1735787045);
  assert.is(encode(field('t', new TimestampSecond('UTC')), new Date(1735787045_500)), 1735787045);
  assert.is(encode(field('d', new DateDay()), '2025-01-02'), '2025-01-02');
  assert.is(encode(field('d', new DateDay()), 20090), '2025-01-02');
  assert.is(encode(field('i', new Int64()), 2n ** 62n), '4611686018427387904');
  assert.is(encode(field('i', new Int64()), -5), -5);
  assert.is(encode(field('i', new Int64()), 12n), 12);
  assert.is(encode(field('f', new Float64()), NaN), 'nan');
  assert.is(encode(field('f', new Float64()), -Infinity), '-inf');
  assert.is(encode(field('f', new Float32()), 1.5), 1.5);
  assert.is(encode(field('b', new Bool()), true), true);
  assert.equal(encode(field('a', listOf(new Int64())), [1, 2n]), [1, 2]);
});

test('NULL in a DEFAULT column or a list is left out of the row; inside Nested it is the member type\'s zero value', () => {
  const defaults: [DataType, unknown][] = [
    [new Utf8(), ''],
    [new Int64(), 0],
    [new Int32(), 0],
    [new Float64(), 0],
    [new Float32(), 0],
    [new TimestampSecond('UTC'), 0],
    [new Bool(), false],
    [new DateDay(), '1970-01-01'],
  ];
  for (const [type, value] of defaults) {
    assert.is(encode(field('c', type, true), null), undefined, String(type));
    assert.equal(encode(field('n', listOf(structOf([['m', type]]))), [{ m: null }]), [{ m: value }], `member ${String(type)}`);
  }
  assert.is(encode(field('a', listOf(new Utf8())), null), undefined);
  const nested = field('n', listOf(structOf([['name', new Utf8()], ['v', new Float64()]])));
  assert.is(encode(nested, undefined), undefined);
  assert.equal(encode(nested, [{ name: 'a' }, { name: null, v: 2 }, new Map([['v', 3]])]), [
    { name: 'a', v: 0 },
    { name: '', v: 2 },
    { name: '', v: 3 },
  ]);
});

test('a value of the wrong kind is an error that says what was expected and what came', () => {
  const bad: [Field, unknown, RegExp][] = [
    [field('s', new Utf8()), 5, /expected a string, got number 5/],
    [field('s', new Utf8()), null, /NULL for a column without a DEFAULT/],
    [field('i', new Int64()), 1.5, /expected an integer/],
    [field('i', new Int64()), 2n ** 64n, /does not fit in Int64/],
    [field('i', new Int32()), 2 ** 31, /does not fit in Int32/],
    [field('b', new Bool()), 'true', /expected a boolean/],
    [field('t', new TimestampSecond('UTC')), '2025-01-02', /RFC 3339/],
    [field('d', new DateDay()), '2025-1-2', /YYYY-MM-DD/],
    [field('a', listOf(new Utf8())), ['x', null], /element 1 is NULL/],
    [field('a', listOf(new Utf8())), 'x', /expected an array/],
    [field('n', listOf(structOf([['v', new Float64()]]))), [{ v: 'x' }], /element 0, member v: expected a number/],
    [field('n', listOf(structOf([['v', new Float64()]]))), ['x'], /element 0: expected an object/],
  ];
  for (const [f, value, message] of bad) {
    assert.throws(() => encode(f, value), (err: unknown) => err instanceof ValueEncodingError && message.test((err as Error).message), `${f.name} ${String(value)}`);
  }
});

// ---- configuration -----------------------------------------------------------------------------

function config(args: string[], readFile?: (p: string) => Buffer): ReturnType<typeof clickHouseConfigFromSettings> {
  return clickHouseConfigFromSettings(loadSettings({ args, env: {}, cwd: process.cwd() }).settings, readFile);
}

test('configuration: HTTP port 8123 by default, d8a keys, TLS as Cairn keys', () => {
  const c = config(['--warehouse-clickhouse-host', 'ch.internal', '--warehouse-clickhouse-database', 'analytics']);
  assert.is(c.url, 'http://ch.internal:8123');
  assert.equal(c.orderBy, ['property_id', 'date_utc', 'session_id']);
  assert.is(c.partitionBy, 'toYYYYMM(date_utc)');
  assert.is(c.username, '');
  const tls = config(
    ['--warehouse-clickhouse-host', '::1', '--warehouse-clickhouse-port', '8443', '--warehouse-clickhouse-database', 'a', '--warehouse-clickhouse-tls', '--warehouse-clickhouse-tls-ca-file', '/ca.pem', '--warehouse-clickhouse-order-by', ' a , ,b '],
    (p) => Buffer.from(`pem of ${p}`),
  );
  assert.is(tls.url, 'https://[::1]:8443');
  assert.is(tls.caCertificate?.toString(), 'pem of /ca.pem');
  assert.equal(tls.orderBy, ['a', 'b']);
});

test('configuration errors name the key', () => {
  const cases: [string[], RegExp][] = [
    [['--warehouse-clickhouse-database', 'a'], /warehouse\.clickhouse\.host is required/],
    [['--warehouse-clickhouse-host', 'h'], /warehouse\.clickhouse\.database is required/],
    [['--warehouse-clickhouse-host', 'h', '--warehouse-clickhouse-database', 'a', '--warehouse-clickhouse-port', '80a'], /warehouse\.clickhouse\.port must be a TCP port/],
    [['--warehouse-clickhouse-host', 'http://h:8123', '--warehouse-clickhouse-database', 'a'], /not a URL/],
    [['--warehouse-clickhouse-host', 'h', '--warehouse-clickhouse-database', 'a', '--warehouse-clickhouse-tls-ca-file', '/x.pem'], /tls is false/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => config(args), (err: unknown) => err instanceof ClickHouseConfigError && message.test((err as Error).message), args.join(' '));
  }
  assert.throws(
    () => config(['--warehouse-clickhouse-host', 'h', '--warehouse-clickhouse-database', 'a', '--warehouse-clickhouse-tls', '--warehouse-clickhouse-tls-ca-file', '/missing.pem']),
    /tls_ca_file "\/missing\.pem" cannot be read/,
  );
});

test.run();
