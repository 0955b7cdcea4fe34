import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPropertySchemas } from '../../columns/column-sets.js';
import { lookUpNested } from '../../columns/generic/nested-lookup.js';
import { CustomColumnConfigError, ga4CustomColumns } from '../../protocols/ga4/columns/custom-columns.js';
import type { Ga4ParamColumn, PropertySettings } from '../../src/settings/types.js';
import { testProperty } from '../support/properties.js';
import { columnSet, dl, gtagSession, GTAG_BASE } from './gtag.js';

const PARAMS: Ga4ParamColumn[] = [
  { name: 'author', columnName: 'params_author', scope: 'event', type: 'string' },
  { name: 'word_count', columnName: 'params_word_count', scope: 'event', type: 'int64' },
  { name: 'reading_minutes', columnName: 'reading_time', scope: 'event', type: 'float64' },
];

function property(protocol: PropertySettings['protocol'], ga4Params: Ga4ParamColumn[] = PARAMS): PropertySettings {
  return testProperty({ protocol, customColumns: { ga4Params, matomoCustomDimensions: [], matomoCustomVariables: [] } });
}

const ARTICLE = `${GTAG_BASE}&${dl('https://shop.example/blog/tea-guide')}&en=page_view`;

for (const protocol of ['ga4', 'd8a'] as const) {
  test(`${protocol}: ga4.params columns read the params list by type`, () => {
    const s = gtagSession(
      [
        { query: `${ARTICLE}&ep.author=Ann&epn.word_count=1200&epn.reading_minutes=4.5` },
        // Text sent as a number and a number sent as text are not picked up; the last value wins.
        { query: `${ARTICLE}&epn.author=7&ep.word_count=900&epn.reading_minutes=1&epn.reading_minutes=2.25` },
        { query: `${ARTICLE}&ep.author=&epn.word_count=12.9` },
      ],
      { protocol, extra: ga4CustomColumns(property(protocol)) },
    );
    assert.equal(
      s.events.map((e) => [e.values['params_author'], e.values['params_word_count'], e.values['reading_time']]),
      [
        ['Ann', 1200, 4.5],
        [null, null, 2.25],
        [null, 12, null],
      ],
    );
    assert.ok(s.events.every((e) => e.brokenReason === null));
  });
}

test('custom columns get their own ids, nullable fields and the params dependency of their protocol', () => {
  const ga4 = ga4CustomColumns(property('ga4')).event;
  assert.equal(
    ga4.map((c) => [c.implements.id, c.implements.field.name, String(c.implements.field.type), c.implements.field.nullable]),
    [
      ['customcolumns.d8a.tech/event/params_author', 'params_author', 'Utf8', true],
      ['customcolumns.d8a.tech/event/params_word_count', 'params_word_count', 'Int64', true],
      ['customcolumns.d8a.tech/event/reading_time', 'reading_time', 'Float64', true],
    ],
  );
  assert.equal(ga4[0]!.dependsOn, ['ga4.protocols.d8a.tech/event/params']);
  assert.equal(ga4CustomColumns(property('d8a')).event[0]!.dependsOn, ['d8a.protocols.d8a.tech/event/params']);
  assert.is(ga4CustomColumns(property('matomo')).event.length, 0);
  assert.is(ga4CustomColumns(property('ga4', [])).event.length, 0);
});

test('a custom column may not take a built-in column name', () => {
  const clash = property('ga4', [{ name: 'campaign_id', columnName: 'params_campaign_id', scope: 'event', type: 'string' }]);
  assert.throws(() => ga4CustomColumns(clash), (err: unknown) => err instanceof CustomColumnConfigError && /params_campaign_id/.test(String(err)));
  const session = property('ga4', [{ name: 'x', columnName: 'session_id', scope: 'event', type: 'string' }]);
  assert.throws(() => ga4CustomColumns(session), (err: unknown) => err instanceof CustomColumnConfigError);
});

test('buildPropertySchemas places custom columns after the built-in event columns, per property', () => {
  const withCustom = { ...property('ga4'), id: 'blog', isDefault: false };
  const plain = { ...property('d8a', []), id: 'shop', isDefault: false };
  const registry = buildPropertySchemas([withCustom, plain]);
  const blog = registry.forProperty('blog');
  const fields = blog.tables[0]!.schema.fields.map((f) => f.name);
  const lastEvent = fields.indexOf('user_properties');
  assert.equal(fields.slice(lastEvent + 1, lastEvent + 4), ['params_author', 'params_word_count', 'reading_time']);
  assert.is(fields.length, 256);
  assert.is(registry.forProperty('shop').tables[0]!.schema.fields.length, 253);
  // The native protocol with custom columns resolves its renamed params interface.
  const native = buildPropertySchemas([{ ...property("d8a"), id: "app" }]);
  assert.ok(native.forProperty('app').tables[0]!.schema.fields.some((f) => f.name === 'reading_time'));
});

test('nested lookup: strict matching, last non-null value, non-list source breaks the event', () => {
  const values = {
    params: [
      { name: 'n', value_string: 'a', value_number: null },
      { name: 'n', value_string: null, value_number: 1 },
      { name: 'n', value_string: 'b', value_number: null },
      { name: 'm', value_string: 'c', value_number: null },
    ],
  };
  const lookup = { sourceField: 'params', matchField: 'name', matchEquals: 'n', valueField: 'value_string' };
  assert.is(lookUpNested(values, lookup), 'b');
  assert.is(lookUpNested(values, { ...lookup, valueField: 'value_number' }), 1);
  assert.is(lookUpNested(values, { ...lookup, matchEquals: 'missing' }), null);
  assert.is(lookUpNested({ params: null }, lookup), null);
  assert.throws(() => lookUpNested({ params: 'oops' }, lookup), /not a list/);
});

test('the custom column set sorts with the full catalogue', () => {
  const set = columnSet({ extra: ga4CustomColumns(property('ga4')) });
  const names = set.event.map((c) => c.implements.field.name);
  assert.ok(names.indexOf('params') < names.indexOf('params_author'), 'params is evaluated first');
});

test.run();
