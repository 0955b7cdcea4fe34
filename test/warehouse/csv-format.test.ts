import { gunzipSync } from 'node:zlib';
import { Bool, DateDay, Field, Float32, Float64, Int32, Int64, List, Schema, Struct, TimeUnit, TimestampSecond, Utf8 } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvFormat, csvField, csvLine, csvRows, type ByteSink } from '../../src/warehouse/files/index.js';
import { csvValueBytes } from '../../src/warehouse/files/csv-bytes.js';
import {
  formatCell,
  formatDateValue,
  formatFloat32,
  formatFloat64,
  formatInteger,
  formatTimestampValue,
  goJson,
} from '../../src/warehouse/value-text.js';
import { csvDicts, parseCsv } from './helpers.js';
import { seededInts } from '../support/random.js';

test('floats print as Go %v does', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [100, '100'],
    [123456, '123456'],
    [123456.789, '123456.789'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [123456789, '1.23456789e+08'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [0.00001, '1e-05'],
    [-2.5e-7, '-2.5e-07'],
    [1.23e-10, '1.23e-10'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [-42.25, '-42.25'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [value, expected] of cases) assert.is(formatFloat64(value), expected, String(value));
});

test('float32 values print with the shortest single-precision digits', () => {
  assert.is(formatFloat32(0.1), '0.1');
  assert.is(formatFloat32(Math.fround(0.1)), '0.1');
  assert.is(formatFloat32(16777217), '1.6777216e+07');
  assert.is(formatFloat32(3.4028234663852886e38), '3.4028235e+38');
  assert.is(formatFloat32(2.5), '2.5');
});

test('integers print in decimal, bigints in full', () => {
  assert.is(formatInteger(42), '42');
  assert.is(formatInteger(-7), '-7');
  assert.is(formatInteger(9007199254740993n), '9007199254740993');
  assert.is(formatInteger(1e22), '10000000000000000000000');
});

test('timestamps: strings kept, numbers in the column unit, dates in UTC with trimmed fractions', () => {
  assert.is(formatTimestampValue('2025-01-01T12:00:00Z', TimeUnit.SECOND), '2025-01-01T12:00:00Z');
  assert.is(formatTimestampValue(1735732800, TimeUnit.SECOND), '2025-01-01T12:00:00Z');
  assert.is(formatTimestampValue(1735732800123, TimeUnit.MILLISECOND), '2025-01-01T12:00:00.123Z');
  assert.is(formatTimestampValue(1735732800100000n, TimeUnit.MICROSECOND), '2025-01-01T12:00:00.1Z');
  assert.is(formatTimestampValue(1735732800123456789n, TimeUnit.NANOSECOND), '2025-01-01T12:00:00.123456789Z');
  assert.is(formatTimestampValue(new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 50)), TimeUnit.SECOND), '2025-01-01T12:00:00.05Z');
  assert.is(formatTimestampValue(-1, TimeUnit.SECOND), '1969-12-31T23:59:59Z');
  assert.is(formatTimestampValue({}, TimeUnit.SECOND), null);
});

test('dates: strings kept, Date objects by UTC day, numbers as days since the epoch', () => {
  assert.is(formatDateValue('2025-01-01'), '2025-01-01');
  assert.is(formatDateValue(new Date(Date.UTC(2025, 1, 3, 23, 59))), '2025-02-03');
  assert.is(formatDateValue(20089), '2025-01-01');
});

test('nested values: Go JSON with sorted keys and HTML-safe escapes', () => {
  assert.is(goJson({ b: 1, a: '<x>&' }), '{"a":"\\u003cx\\u003e\\u0026","b":1}');
  assert.is(goJson([{ name: 'é😀', value: null }, { value: 2.5, name: 'q"\\' }]), '[{"name":"é😀","value":null},{"name":"q\\"\\\\","value":2.5}]');
  assert.is(goJson(new Map<string, unknown>([['z', [1, 2]], ['a', new Date(Date.UTC(2025, 0, 1))]])), '{"a":"2025-01-01T00:00:00Z","z":[1,2]}');
  assert.is(goJson('line\nsep\u2028\u0001\t'), '"line\\nsep\\u2028\\u0001\\t"');
  assert.is(goJson(['\ud800']), '["\\ufffd"]');
  assert.is(goJson({ big: 12345678901234567890n, tiny: 1e-7, none: undefined, nan: NaN }), '{"big":12345678901234567890,"nan":null,"none":null,"tiny":1e-7}');
  assert.is(goJson(new Uint8Array([1, 2, 3])), '"AQID"');
  // Objects of equal key counts but other keys, or the same keys in another order, each get their own order.
  assert.is(goJson([{ b: 1, a: 2 }, { d: 3, c: 4 }, { a: 5, b: 6 }, { b: 7, a: 8 }]), '[{"a":2,"b":1},{"c":4,"d":3},{"a":5,"b":6},{"a":8,"b":7}]');
  assert.is(goJson({ 'k"<': 1, '😀': 2, 'ￚ': 3 }), '{"k\\"\\u003c":1,"ￚ":3,"😀":2}');
});

test('CSV fields are quoted only when needed, as Go encoding/csv does', () => {
  assert.is(csvField(''), '');
  assert.is(csvField('plain'), 'plain');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
  assert.is(csvField('line\nbreak'), '"line\nbreak"');
  assert.is(csvField('cr\rhere'), '"cr\rhere"');
  assert.is(csvField(' leading space'), '" leading space"');
  assert.is(csvField('\tleading tab'), '"\tleading tab"');
  assert.is(csvField('\u00a0nbsp'), '"\u00a0nbsp"');
  assert.is(csvField('trailing '), 'trailing ');
  assert.is(csvField('\\.'), '"\\."');
  assert.is(csvField('zażółć 😀'), 'zażółć 😀');
  assert.is(csvLine(['a', null, '', 'b,c']), 'a,,,"b,c"\n');
  assert.is(csvField('\u3000ideographic space'), '"\u3000ideographic space"');
  assert.is(csvField('\u2028'), '"\u2028"');
  assert.is(csvField('\ufeffbom'), '\ufeffbom', 'U+FEFF is not white space to Go');
  assert.is(csvField('x'.repeat(300) + ','), `"${'x'.repeat(300)},"`);
  assert.is(csvField('x'.repeat(300)), 'x'.repeat(300));
});

test('CSV quoting agrees with the rule written as regular expressions, on random text', () => {
  const leading = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
  const special = /[",\r\n]/;
  const units = ['a', ' ', '\t', ',', '"', '\n', '\r', '\u0085', '\u00a0', '\u2000', '\u200b', '\u3000', '\ufeff', '\\', '.', 'ż', '😀'];
  const rnd = seededInts(7);
  for (let i = 0; i < 5000; i++) {
    let text = '';
    const n = [0, 1, 2, 3, 10, 300][rnd(6)]!;
    while (text.length < n) text += units[rnd(units.length)];
    const quoted = text !== '' && (special.test(text) || leading.test(text) || text === '\\.');
    assert.is(csvField(text), quoted ? `"${text.replace(/"/g, '""')}"` : text, JSON.stringify(text));
  }
});

const item = new Struct([new Field('name', new Utf8(), true), new Field('price', new Float64(), true)]);
const schema = new Schema([
  new Field('id', new Utf8(), true),
  new Field('count', new Int64(), true),
  new Field('small', new Int32(), true),
  new Field('ratio', new Float64(), true),
  new Field('single', new Float32(), true),
  new Field('flag', new Bool(), true),
  new Field('date_utc', new DateDay(), true),
  new Field('timestamp_utc', new TimestampSecond('UTC'), true),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
  new Field('items', new List(new Field('item', item, true)), true),
  new Field('meta', new Struct([new Field('k', new Utf8(), true)]), true),
]);

test('CSV rows: every value type, NULL and empty string both empty, nested JSON, round trip', () => {
  const rows = [
    {
      id: 'a,"quoted"\nline',
      count: 1234567,
      small: -3,
      ratio: 1e6,
      single: 0.1,
      flag: true,
      date_utc: '2025-01-01',
      timestamp_utc: '2025-01-01T12:00:00Z',
      tags: ['x', 'y,z'],
      items: [{ price: 9.99, name: 'Shirt "XL"' }],
      meta: { k: '<b>' },
    },
    {
      id: '',
      count: 9007199254740993n,
      small: null,
      ratio: 0.00001,
      single: null,
      flag: false,
      date_utc: new Date(Date.UTC(2025, 5, 30)),
      timestamp_utc: 1735732800,
      tags: [],
      items: null,
      // meta missing entirely
    },
    { id: 'zażółć 😀', count: 0, flag: null, ratio: -0.5, tags: null, items: [{ name: null, price: 1 }] },
  ];
  const text = csvRows(schema, rows);
  const parsed = parseCsv(text);
  assert.is(parsed.length, 3);
  assert.equal(parsed[0], [
    'a,"quoted"\nline',
    '1234567',
    '-3',
    '1e+06',
    '0.1',
    'true',
    '2025-01-01',
    '2025-01-01T12:00:00Z',
    '["x","y,z"]',
    '[{"name":"Shirt \\"XL\\"","price":9.99}]',
    '{"k":"\\u003cb\\u003e"}',
  ]);
  assert.equal(parsed[1], ['', '9007199254740993', '', '1e-05', '', 'false', '2025-06-30', '2025-01-01T12:00:00Z', '[]', '', '']);
  assert.equal(parsed[2], ['zażółć 😀', '0', '', '-0.5', '', '', '', '', '', '[{"name":null,"price":1}]', '']);
  // Nested cells read back as JSON, as the conformance runner parses them.
  assert.equal(JSON.parse(parsed[0]?.[9] ?? ''), [{ name: 'Shirt "XL"', price: 9.99 }]);
  // Exact bytes of the first line: only fields that need it are quoted.
  assert.is(text.split('\n')[0], '"a,""quoted""');
});

test('formatCell falls back to the JS kind when the value does not match the column', () => {
  assert.is(formatCell('text', new Int64()), 'text');
  assert.is(formatCell(3, new Utf8()), '3');
  assert.is(formatCell(2.5, new Utf8()), '2.5');
  assert.is(formatCell(true, new Utf8()), 'true');
  assert.is(formatCell(undefined, new Utf8()), null);
});

class MemorySink implements ByteSink {
  chunks: Buffer[] = [];
  ended = false;
  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(chunk));
  }
  async end(): Promise<void> {
    this.ended = true;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

test('CSV writer: header in schema order once, rows across batches; gzip round trip', async () => {
  const small = new Schema([new Field('b', new Utf8(), true), new Field('a', new Int64(), true)]);
  for (const compression of ['none', 'gzip'] as const) {
    const format = new CsvFormat({ compression });
    assert.is(format.extension, compression === 'gzip' ? 'csv.gz' : 'csv');
    const sink = new MemorySink();
    const writer = format.open(small, sink);
    await writer.writeRows([{ a: 1, b: 'x' }]);
    await writer.writeRows([{ a: 2, b: 'y' }, { a: null, b: '' }]);
    await writer.close();
    assert.ok(sink.ended);
    const text = (compression === 'gzip' ? gunzipSync(sink.bytes) : sink.bytes).toString('utf8');
    assert.is(text, 'b,a\nx,1\ny,2\n,\n');
    assert.equal(csvDicts(text), [{ b: 'x', a: '1' }, { b: 'y', a: '2' }, { b: '', a: '' }]);
  }
});

test('CSV writer: a segment without rows still has its header', async () => {
  const sink = new MemorySink();
  const writer = new CsvFormat().open(new Schema([new Field('only', new Utf8(), true)]), sink);
  await writer.close();
  assert.is(sink.bytes.toString(), 'only\n');
});


test('positional CSV lines match the general cell formatting, value for value, repeats included', () => {
  const item = new Struct([new Field('b', new Utf8()), new Field('a', new Float64())]);
  const schema = new Schema([
    new Field('s', new Utf8()),
    new Field('i', new Int64()),
    new Field('f', new Float64()),
    new Field('g', new Float32()),
    new Field('b', new Bool()),
    new Field('t', new TimestampSecond()),
    new Field('d', new DateDay()),
    new Field('l', new List(new Field('item', item))),
  ]);
  const strings = ['', 'plain', ' lead', 'a,b', 'q"q', 'line\nbreak', '\\.', 'é', '\u00a0x', 'x'.repeat(300) + ','];
  const numbers = [0, -0, 1, -1, 0.5, 19.9, 1e-4, 9.99e-5, 999999.5, 1e6, 123456789, 1e21, 2 ** 53, 2 ** 53 + 2, NaN, Infinity, -Infinity, 1e-7, 5e-324];
  const odd: unknown[] = [null, undefined, true, false, 12n, new Date(Date.UTC(2025, 5, 2, 10, 0, 0, 250)), [{ b: 'x<y', a: 2.5 }], { z: 1, a: [1, 2] }];
  const pool = [...strings, ...numbers, ...odd];
  const rows: unknown[][] = [];
  // Each value twice in a row in every column, so the per-column memory of the last value is exercised.
  for (let k = 0; k < pool.length * 2; k++) {
    rows.push(schema.fields.map((_, j) => pool[(Math.floor(k / 2) + j * 7) % pool.length]));
  }
  const names = schema.fields.map((f) => f.name);
  const fast = Buffer.from(csvValueBytes(schema, names, rows)).toString('utf8');
  const general = rows.map((r) => csvLine(r.map((v, j) => formatCell(v, schema.fields[j]!.type)))).join('');
  assert.is(fast, general);
  assert.is(csvRows(schema, rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])))), general, 'rows as objects print the same');
  assert.is(parseCsv(fast).length, rows.length);
});

test('positional CSV lines match the general cell formatting on random text and nested values', () => {
  const schema = new Schema([
    new Field('s', new Utf8()),
    new Field('l', new List(new Field('item', new Utf8()))),
    new Field('o', new Struct([new Field('k', new Utf8())])),
  ]);
  const units = ['a', ' ', '\t', ',', '"', '\n', '\r', '\u0085', '\u00a0', '\u3000', '\ufeff', '\\', '.', '<', 'ż', '😀', '\ud800', '\udc00', '\u2028'];
  const rnd = seededInts(11);
  const text = (): string => {
    let t = '';
    const n = [0, 1, 2, 5, 40, 3000][rnd(6)]!;
    while (t.length < n) t += units[rnd(units.length)];
    return t;
  };
  // Nested values of every kind JSON cells meet, some the direct path leaves to the general one.
  const nestedValue = (depth: number): unknown => {
    switch (rnd(depth > 3 ? 8 : 11)) {
      case 0: return text();
      case 1: return [0, -0, 1.5, 19.9, 1e21, 1e-7, NaN, -Infinity][rnd(8)];
      case 2: return rnd(2) === 0;
      case 3: return null;
      case 4: return undefined;
      case 5: return 12n;
      case 6: return new Date(Date.UTC(2025, 5, 2, 10, 0, rnd(60), rnd(1000)));
      case 7: return text().length;
      case 8: return Array.from({ length: rnd(4) }, () => nestedValue(depth + 1));
      case 9: return Object.fromEntries(Array.from({ length: rnd(4) }, () => [text().slice(0, 5), nestedValue(depth + 1)]));
      default: return rnd(2) === 0 ? new Map([[text(), nestedValue(depth + 1)]]) : Object.assign(Object.create(null) as object, { z: 1, a: [text()] });
    }
  };
  const rows: unknown[][] = [];
  for (let i = 0; i < 2000; i++) rows.push([rnd(4) === 0 ? nestedValue(0) : text(), [text(), text()], rnd(2) === 0 ? { k: text() } : nestedValue(0)]);
  // One row far longer than the writer's first guess, so its buffer has to grow.
  rows.push(['x'.repeat(100_000) + '"', ['ż'.repeat(50_000)], { k: '"'.repeat(10_000) }]);
  const names = schema.fields.map((f) => f.name);
  const fast = Buffer.from(csvValueBytes(schema, names, rows));
  // Compared as UTF-8 bytes: a lone surrogate becomes U+FFFD in both.
  const general = Buffer.from(rows.map((r) => csvLine(r.map((v, j) => formatCell(v, schema.fields[j]!.type)))).join(''), 'utf8');
  assert.ok(fast.equals(general), 'same bytes as the general formatting');
});

test('positional CSV lines: cells a row shares at its end with the previous row print as their own', () => {
  const schema = new Schema([
    new Field('s', new Utf8()),
    new Field('i', new Int64()),
    new Field('f', new Float64()),
    new Field('b', new Bool()),
    new Field('n', new List(new Field('item', new Utf8()))),
    new Field('t', new Utf8()),
    new Field('g', new Float64()),
  ]);
  const shared = { k: 'a,b' };
  const pool: unknown[] = ['', 'x', 'a,b', 'q"q', 'é', 0, -0, 1.5, NaN, null, undefined, true, false, ['p', 'q'], shared, 12n];
  const rnd = seededInts(5);
  const rows: unknown[][] = [];
  for (let r = 0; r < 3000; r++) {
    const row = schema.fields.map(() => pool[rnd(pool.length)]);
    const previous = rows[rows.length - 1];
    if (previous !== undefined) {
      // Most rows end like the previous one, as a session's rows do; some differ only by 0 / -0.
      const keep = rnd(schema.fields.length + 1);
      for (let j = schema.fields.length - keep; j < schema.fields.length; j++) row[j] = previous[j];
      if (rnd(4) === 0) {
        const j = rnd(schema.fields.length);
        if (Object.is(previous[j], 0)) row[j] = -0;
        else if (Object.is(previous[j], -0)) row[j] = 0;
      }
    }
    rows.push(row);
  }
  // Rows that are wholly the same, and a session's tail after a row whose cells all differ.
  rows.push([...rows[rows.length - 1]!], [...rows[rows.length - 1]!]);
  rows.push(['other', 7, 2.5, true, ['z'], 'u', 0], ['other', 8, 2.5, true, ['z'], 'u', -0]);
  // Fields in another order than the schema's, and one the rows do not have.
  const names = ['g', 't', 'n', 'b', 'f', 'i', 's'];
  const positional = rows.map((r) => names.map((n) => r[schema.fields.findIndex((f) => f.name === n)]));
  const wider = new Schema([...schema.fields, new Field('missing', new Utf8())]);
  const fast = Buffer.from(csvValueBytes(wider, names, positional)).toString('utf8');
  const general = rows.map((r) => csvLine([...r.map((v, j) => formatCell(v, schema.fields[j]!.type)), null])).join('');
  assert.is(fast, general);
});

test('nested objects of many shapes, met again after others, print as the general formatting prints them', () => {
  const schema = new Schema([new Field('o', new Utf8())]);
  // 400 key lists, each met twice with other lists between: more than the key-list cache and
  // the compiled shapes hold, so shapes are found again by their names and the last ones are
  // written without a compiled function.
  const shapes = Array.from({ length: 400 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, k) => `k${i}_${k}${k % 2 === 0 ? '"' : ''}`));
  const rows: unknown[][] = [];
  for (let round = 0; round < 2; round++) {
    for (const keys of shapes) rows.push([Object.fromEntries(keys.map((k, j) => [k, j % 3 === 0 ? null : j % 3 === 1 ? `v,${j}` : j]))]);
  }
  const fast = Buffer.from(csvValueBytes(schema, ['o'], rows)).toString('utf8');
  const general = rows.map((r) => csvLine([formatCell(r[0], schema.fields[0]!.type)])).join('');
  assert.is(fast, general);
});

test.run();
