import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findIssue, issues, load } from './helpers.js';

const BASE = [
  'protocol: ga4',
  'property:',
  '  id: main',
  '  name: Base',
  '  settings:',
  '    split_by_campaign: false',
  '    split_by_max_events: 50',
  'sessions:',
  '  timeout: 10m',
  'warehouse:',
  '  table: all_events',
  'filters:',
  '  fields: [ip_address]',
  '  conditions: [{name: office, type: exclude, expression: "false"}]',
  'ga4:',
  '  params: [{name: page_type}]',
  '',
].join('\n');

test('without properties: one default property from the single-property keys', () => {
  const s = load({ yaml: BASE });
  assert.is(s.properties.length, 1);
  const p = s.properties[0];
  assert.is(p?.id, 'main');
  assert.is(p?.name, 'Base');
  assert.is(p?.isDefault, true);
  assert.equal(p?.measurementIds, []);
  assert.is(p?.table, 'all_events');
  assert.is(p?.splitByCampaign, false);
  assert.is(p?.splitByMaxEvents, 50);
  assert.is(p?.sessionTimeoutMs, 600_000);
  assert.is(p?.filters.conditions.length, 1);
  assert.is(p?.customColumns.ga4Params[0]?.columnName, 'params_page_type');
});

test('listed properties inherit everything they leave out', () => {
  const s = load({
    yaml:
      BASE +
      [
        'properties:',
        '  - id: shop',
        '    measurement_ids: [G-ABC123, 7]',
        '    default: true',
        '  - id: blog',
        '    name: Blog',
        '    protocol: matomo',
        '    measurement_ids: ["12"]',
        '    table: blog_events',
        '    settings: {split_by_max_events: 5, ip_masking_level: 4}',
        '    sessions: {timeout: 5m, join_by_session_stamp: false}',
        '    filters: {conditions: []}',
        '    ga4: {params: [{name: other}]}',
        '    matomo: {custom_dimensions: [{slot: 3, name: author}]}',
        '',
      ].join('\n'),
  });
  assert.equal(s.properties.map((p) => p.id), ['shop', 'blog']);
  const [shop, blog] = s.properties;
  assert.equal(shop?.measurementIds, ['G-ABC123', '7']);
  assert.is(shop?.isDefault, true);
  assert.is(shop?.name, 'Base');
  assert.is(shop?.protocol, 'ga4');
  assert.is(shop?.table, 'all_events');
  assert.is(shop?.splitByCampaign, false);
  assert.is(shop?.splitByMaxEvents, 50);
  assert.is(shop?.sessionTimeoutMs, 600_000);
  assert.is(shop?.filters.conditions.length, 1);
  assert.is(shop?.customColumns.ga4Params[0]?.name, 'page_type');

  assert.is(blog?.isDefault, false);
  assert.is(blog?.name, 'Blog');
  assert.is(blog?.protocol, 'matomo');
  assert.is(blog?.table, 'blog_events');
  assert.is(blog?.splitByCampaign, false);
  assert.is(blog?.splitByMaxEvents, 5);
  assert.is(blog?.ipMaskingLevel, 4);
  assert.is(blog?.sessionTimeoutMs, 300_000);
  assert.is(blog?.joinBySessionStamp, false);
  assert.is(blog?.joinByUserId, true);
  assert.equal(blog?.filters.fields, ['ip_address']);
  assert.equal(blog?.filters.conditions, []);
  assert.equal(blog?.customColumns.ga4Params.map((c) => c.name), ['other']);
  assert.equal(blog?.customColumns.matomoCustomDimensions[0]?.slot, 3);
});

test('no default property at all is allowed', () => {
  const s = load({ yaml: 'properties:\n  - {id: a, measurement_ids: [G-1]}\n  - {id: b, measurement_ids: [G-2]}\n' });
  assert.equal(s.properties.map((p) => p.isDefault), [false, false]);
});

test('duplicate ids, shared measurement ids and several defaults are refused', () => {
  const list = issues({
    yaml: [
      'properties:',
      '  - {id: shop, measurement_ids: [G-1, 7], default: true}',
      '  - {id: blog, measurement_ids: ["7"], default: true}',
      '  - {id: shop}',
      '',
    ].join('\n'),
  });
  findIssue(list, 'properties[2].id', '"shop"', 'properties[0]');
  findIssue(list, 'properties[1].measurement_ids', '"7"', 'properties[0]');
  findIssue(list, 'properties[1].default', 'only one');
});

test('unknown keys inside an entry name the full path and the closest key', () => {
  const list = issues({ yaml: 'properties:\n  - id: a\n    settings: {split_by_campaing: true}\n    sesions: {}\n    matomo: {tracking_endpoints: [/x]}\n' });
  findIssue(list, 'properties[0].settings.split_by_campaing', 'split_by_campaign');
  findIssue(list, 'properties[0].sesions', 'sessions');
  findIssue(list, 'properties[0].matomo.tracking_endpoints', 'top level');
});

test('entry fields are validated like the keys they mirror', () => {
  const list = issues({
    yaml: [
      'properties:',
      '  - id: a',
      '    protocol: ga5',
      '    table: ""',
      '    settings: {ip_masking_level: 9, split_by_time_since_first_event: forever}',
      '    sessions: {timeout: -5m}',
      '    default: maybe',
      '    measurement_ids: [G-1, {x: 1}]',
      '    ga4: {params: [{name: p, type: bool}]}',
      '  - name: no id',
      '  - 42',
      '',
    ].join('\n'),
  });
  findIssue(list, 'properties[0].protocol', '"ga5"');
  findIssue(list, 'properties[0].table', '""');
  findIssue(list, 'properties[0].settings.ip_masking_level', '9');
  findIssue(list, 'properties[0].settings.split_by_time_since_first_event', '"forever"');
  findIssue(list, 'properties[0].sessions.timeout', '"-5m"');
  findIssue(list, 'properties[0].default', '"maybe"');
  findIssue(list, 'properties[0].measurement_ids[1]');
  findIssue(list, 'properties[0].ga4.params[0].type', '"bool"');
  findIssue(list, 'properties[1].id is required');
  findIssue(list, 'properties[2]', '42');
});

test('masking level 4 with stamp joining is checked per property, inherited values included', () => {
  const list = issues({ yaml: 'sessions:\n  join_by_session_stamp: true\nproperties:\n  - {id: a, settings: {ip_masking_level: 4}}\n  - {id: b}\n' });
  findIssue(list, 'properties[0]', 'ip_masking_level 4', 'join_by_session_stamp', 'true');
  assert.is(list.length, 1);
});

test('duplicate custom columns inside one property', () => {
  findIssue(
    issues({ yaml: 'properties:\n  - id: a\n    ga4: {params: [{name: x}, {name: y, column_name: params_x}]}\n' }),
    'properties[0].ga4.params[1].column_name',
    '"params_x"',
  );
});

test('properties must be a non-empty list', () => {
  findIssue(issues({ yaml: 'properties: []\n' }), 'properties', 'empty');
  findIssue(issues({ yaml: 'properties: {id: a}\n' }), 'properties', 'list');
});


test('measurement_protocol.api_secrets: off by default, set at the top, per property, or by env and flag', () => {
  assert.equal(load({ yaml: BASE }).properties[0]?.measurementProtocol.apiSecrets, []);
  const top = load({ yaml: BASE + 'measurement_protocol:\n  api_secrets: [a1, b2]\n' });
  assert.equal(top.properties[0]?.measurementProtocol.apiSecrets, ['a1', 'b2']);
  const listed = load({
    yaml: BASE + 'measurement_protocol: {api_secrets: [inherited]}\nproperties:\n  - id: shop\n    measurement_protocol: {api_secrets: [own]}\n  - id: blog\n',
  });
  assert.equal(listed.properties.map((p) => [p.id, p.measurementProtocol.apiSecrets]), [['shop', ['own']], ['blog', ['inherited']]]);
  assert.equal(load({ yaml: BASE, env: { MEASUREMENT_PROTOCOL_API_SECRETS: 'e1,e2' } }).properties[0]?.measurementProtocol.apiSecrets, ['e1', 'e2']);
  assert.equal(load({ yaml: BASE, args: ['--measurement-protocol-api-secrets', 'f1'] }).properties[0]?.measurementProtocol.apiSecrets, ['f1']);
  findIssue(issues({ yaml: 'properties:\n  - id: a\n    measurement_protocol: {api_secret: [x]}\n' }), 'properties[0].measurement_protocol.api_secret', 'api_secrets');
});

test.run();
