import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_PATH_TEMPLATE, PathTemplate, PathTemplateError, segmentPathValues } from '../../src/warehouse/files/index.js';
import { escapeTableName, schemaFingerprint } from '../../src/warehouse/files/index.js';
import { Field, Int64, Schema, TimestampSecond, Utf8 } from 'apache-arrow';

const values = segmentPathValues(
  { table: 'events', schema: 'abcdef0123456789', segmentId: '1736942400_00112233445566778899', extension: 'csv.gz' },
  new Date(Date.UTC(2025, 0, 5, 23, 59, 59)),
);

test('the default template renders d8a layout with padded month and day', () => {
  assert.is(
    PathTemplate.parse(DEFAULT_PATH_TEMPLATE).render(values),
    'table=events/schema=abcdef0123456789/y=2025/m=01/d=05/1736942400_00112233445566778899.csv.gz',
  );
});

test('every documented variable renders; spaces inside the braces are allowed', () => {
  const t = PathTemplate.parse('{{.Table}}|{{.Schema}}|{{.SegmentID}}|{{.Extension}}|{{.Year}}|{{.Month}}|{{.MonthPadded}}|{{ .Day }}|{{.DayPadded}}');
  assert.is(t.render(values), 'events|abcdef0123456789|1736942400_00112233445566778899|csv.gz|2025|1|01|5|05');
  assert.equal(t.variables, ['Table', 'Schema', 'SegmentID', 'Extension', 'Year', 'Month', 'MonthPadded', 'Day', 'DayPadded']);
});

test('dates are taken in UTC', () => {
  const v = segmentPathValues({ table: 't', schema: 's', segmentId: 'x', extension: 'csv' }, new Date('2024-12-31T23:30:00-05:00'));
  assert.is(PathTemplate.parse('{{.Year}}-{{.MonthPadded}}-{{.DayPadded}}').render(v), '2025-01-01');
});

test('unknown variables, other actions and broken braces fail at start-up', () => {
  const bad = ['{{.Hour}}/{{.SegmentID}}', '{{.Table | printf "%s"}}', '{{template "x"}}', 'a/{{.Table', 'a/.Table}}', '{{}}', '', '   '];
  for (const source of bad) assert.throws(() => PathTemplate.parse(source), (e: unknown) => e instanceof PathTemplateError, source);
  try {
    PathTemplate.parse('x/{{.Hour}}');
  } catch (err) {
    assert.match((err as Error).message, /unknown variable \.Hour/);
  }
});

test('templates that would leave the destination are refused', () => {
  assert.throws(() => PathTemplate.parse('../{{.SegmentID}}.{{.Extension}}'), /\.\./);
  assert.throws(() => PathTemplate.parse('/abs/{{.SegmentID}}'), /relative/);
});

test('table names are escaped per character; fingerprints follow the schema shape only', () => {
  assert.is(escapeTableName('my.events-1_ok'), 'my_events-1_ok');
  assert.is(escapeTableName('zé/t'), 'z__t');
  assert.is(escapeTableName('😀'), '_');
  const a = new Schema([new Field('id', new Utf8(), true), new Field('n', new Int64(), true)]);
  const sameWithMetadata = new Schema([new Field('id', new Utf8(), true, new Map([['codec', 'x']])), new Field('n', new Int64(), true)]);
  const reordered = new Schema([new Field('n', new Int64(), true), new Field('id', new Utf8(), true)]);
  const notNull = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int64(), true)]);
  const tz = new Schema([new Field('t', new TimestampSecond('UTC'), true)]);
  const noTz = new Schema([new Field('t', new TimestampSecond(), true)]);
  assert.match(schemaFingerprint(a), /^[0-9a-f]{16}$/);
  assert.is(schemaFingerprint(a), schemaFingerprint(sameWithMetadata));
  assert.is.not(schemaFingerprint(a), schemaFingerprint(reordered));
  assert.is.not(schemaFingerprint(a), schemaFingerprint(notNull));
  assert.is.not(schemaFingerprint(tz), schemaFingerprint(noTz));
});

test.run();
