import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findIssue, issues, load } from './helpers.js';

const only = (s: ReturnType<typeof load>) => {
  const p = s.properties[0];
  if (!p) throw new Error('no property');
  return p;
};

test('ga4.params from YAML with defaults filled in', () => {
  const p = only(load({ yaml: 'ga4:\n  params:\n    - name: page_type\n    - {name: score, type: float64, column_name: s}\n    - {name: n, type: int64, scope: event}\n' }));
  assert.equal(p.customColumns.ga4Params, [
    { name: 'page_type', columnName: 'params_page_type', scope: 'event', type: 'string' },
    { name: 'score', columnName: 's', scope: 'event', type: 'float64' },
    { name: 'n', columnName: 'params_n', scope: 'event', type: 'int64' },
  ]);
});

test('GA4_PARAMS JSON is appended after the YAML entries', () => {
  const p = only(load({ yaml: 'ga4:\n  params: [{name: a}]\n', env: { GA4_PARAMS: '[{"name":"b","type":"int64"},{"name":"c"}]' } }));
  assert.equal(p.customColumns.ga4Params.map((c) => c.name), ['a', 'b', 'c']);
});

test('the flag replaces the env entries but still adds to YAML; repeated flags add up', () => {
  const p = only(
    load({
      yaml: 'ga4:\n  params: [{name: a}]\n',
      env: { GA4_PARAMS: '[{"name":"from_env"}]' },
      args: ['--ga4-params', '[{"name":"b"}]', '--ga4-params={"name":"c"}'],
    }),
  );
  assert.equal(p.customColumns.ga4Params.map((c) => c.name), ['a', 'b', 'c']);
});

test('matomo custom dimensions and variables, YAML and env', () => {
  const p = only(
    load({
      yaml: 'matomo:\n  custom_dimensions:\n    - {slot: 1, name: author, scope: session}\n',
      env: {
        MATOMO_CUSTOM_DIMENSIONS: '[{"slot":2,"name":"category"}]',
        MATOMO_CUSTOM_VARIABLES: '[{"name":"plan","scope":"session"}]',
      },
    }),
  );
  assert.equal(p.customColumns.matomoCustomDimensions, [
    { slot: 1, name: 'author', columnName: 'custom_dimension_author', scope: 'session', type: 'string' },
    { slot: 2, name: 'category', columnName: 'custom_dimension_category', scope: 'event', type: 'string' },
  ]);
  assert.equal(p.customColumns.matomoCustomVariables, [{ name: 'plan', columnName: 'custom_variable_plan', scope: 'session', type: 'string' }]);
});

test('filters: YAML conditions plus FILTERS_CONDITIONS objects', () => {
  const s = load({
    yaml: 'filters:\n  fields: [ip_address, user_agent]\n  conditions:\n    - {name: office, type: exclude, expression: \'inCidr(ip_address, "10.0.0.0/8")\'}\n',
    env: {
      FILTERS_CONDITIONS: '{"name":"bots","type":"exclude","test_mode":true,"expression":"user_agent contains \\"bot\\""},{"name":"only_shop","type":"allow","expression":"true"}',
    },
  });
  const f = only(s).filters;
  assert.equal(f.fields, ['ip_address', 'user_agent']);
  assert.equal(f.conditions, [
    { name: 'office', type: 'exclude', testMode: false, expression: 'inCidr(ip_address, "10.0.0.0/8")' },
    { name: 'bots', type: 'exclude', testMode: true, expression: 'user_agent contains "bot"' },
    { name: 'only_shop', type: 'allow', testMode: false, expression: 'true' },
  ]);
  assert.equal(s.keys.get('filters.conditions'), f.conditions);
});

test('filters.fields defaults to ip_address; a flag replaces the YAML list', () => {
  assert.equal(only(load()).filters.fields, ['ip_address']);
  assert.equal(only(load({ yaml: 'filters:\n  fields: [a]\n', args: ['--filters-fields', 'b,c'] })).filters.fields, ['b', 'c']);
});

test('invalid JSON is skipped with a warning', () => {
  const s = load({ env: { FILTERS_CONDITIONS: '{"name": oops', GA4_PARAMS: 'not json' } });
  assert.equal(only(s).filters.conditions, []);
  assert.equal(only(s).customColumns.ga4Params, []);
  assert.is(s.warnings.length, 2);
  assert.ok(s.warnings.some((w) => w.includes('filters.conditions') && w.includes('FILTERS_CONDITIONS') && w.includes('{\\"name\\": oops')));
  assert.ok(s.warnings.some((w) => w.includes('ga4.params') && w.includes('GA4_PARAMS')));
});

test('shape errors name the entry and the field', () => {
  const list = issues({
    yaml: [
      'ga4:',
      '  params:',
      '    - {name: a}',
      '    - {name: b, scope: session}',
      '    - {name: c, type: bool}',
      '    - {colum_name: d}',
      '    - just text',
      'matomo:',
      '  custom_dimensions:',
      '    - {slot: 0, name: x}',
      '    - {slot: 1, type: int64}',
      '  custom_variables:',
      '    - {name: v, scope: visit}',
      'filters:',
      '  conditions:',
      '    - {name: f, type: block, expression: "true"}',
      '    - {type: allow}',
      '    - {name: g, type: allow, expression: "true", test_mode: sometimes}',
      '',
    ].join('\n'),
  });
  findIssue(list, 'ga4.params[1].scope', '"session"');
  findIssue(list, 'ga4.params[2].type', '"bool"');
  findIssue(list, 'ga4.params[3].colum_name', 'did you mean column_name');
  findIssue(list, 'ga4.params[3].name is required');
  findIssue(list, 'ga4.params[4]', '"just text"');
  findIssue(list, 'matomo.custom_dimensions[0].slot', '0');
  findIssue(list, 'matomo.custom_dimensions[1].name is required');
  findIssue(list, 'matomo.custom_dimensions[1].type', '"int64"');
  findIssue(list, 'matomo.custom_variables[0].scope', '"visit"');
  findIssue(list, 'filters.conditions[0].type', '"block"', 'exclude or allow');
  findIssue(list, 'filters.conditions[1].name is required');
  findIssue(list, 'filters.conditions[1].expression is required');
  findIssue(list, 'filters.conditions[2].test_mode', '"sometimes"');
});

test('entries from env are numbered after the YAML ones and name their source', () => {
  const list = issues({ yaml: 'ga4:\n  params: [{name: a}, {name: b}]\n', env: { GA4_PARAMS: '[{"name":"c","type":"date"}]' } });
  findIssue(list, 'ga4.params[2].type', '"date"', 'GA4_PARAMS');
});

test('output column names must be unique across all custom columns', () => {
  const list = issues({
    yaml: 'ga4:\n  params: [{name: a}, {name: b, column_name: params_a}]\nmatomo:\n  custom_variables: [{name: v, column_name: params_a}]\n',
  });
  findIssue(list, 'ga4.params[1].column_name', '"params_a"', 'ga4.params[0]');
  findIssue(list, 'matomo.custom_variables[0].column_name', '"params_a"');
});

test('a non-list value is reported', () => {
  findIssue(issues({ yaml: 'ga4:\n  params: {name: a}\n' }), 'ga4.params', 'list');
});

test('custom column names must be plain identifiers', () => {
  const list = issues({ yaml: 'ga4:\n  params:\n    - {name: ok}\n    - {name: x, column_name: "bad-name"}\n    - {name: y, column_name: __proto__}\n' });
  findIssue(list, 'ga4.params[1].column_name', '"bad-name"');
  findIssue(list, 'ga4.params[2].column_name', '__proto__');
});

test.run();
