import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FilterCondition } from '../../src/settings/types.js';
import { filterEnvironment, formatFieldValue } from '../../src/splitter/filter-environment.js';
import { compileFilterConditions } from '../../src/splitter/registry.js';
import { SPLIT_CAUSE_METADATA_KEY } from '../../src/splitter/split-conditions.js';
import { TrafficFilter, TRAFFIC_FILTER_NAME_METADATA_KEY } from '../../src/splitter/traffic-filter.js';
import { indexes, makeEvent, makeSession, recordingLogger } from './helpers.js';
import { silentLogger } from '../../src/monitoring/logger.js';

function condition(expression: string, type: 'exclude' | 'allow' = 'exclude', testMode = false, name = expression): FilterCondition {
  return { name, type, testMode, expression };
}

function filterOf(conditions: FilterCondition[], fields: string[] = ['ip_address'], logger = silentLogger): TrafficFilter {
  const compiled = compileFilterConditions({ id: 'p', filters: { fields, conditions } });
  return new TrafficFilter({ fields, conditions: compiled, logger, propertyId: 'p' });
}

/** Which of the given events (by `i`) survive one condition set. */
function survivors(filter: TrafficFilter, rows: Record<string, unknown>[]): unknown[] {
  const session = makeSession(rows.map((values, i) => makeEvent({ i, ...values }, i)));
  return indexes(filter.modify(session)).flat();
}

function matchesIp(expression: string, ip: string, fields: Record<string, unknown> = {}): boolean {
  const filter = filterOf([condition(expression)], ['ip_address', ...Object.keys(fields)]);
  return survivors(filter, [{ ip_address: ip, ...fields }]).length === 0;
}

test('documented example expressions', () => {
  assert.ok(matchesIp('ip_address startsWith "192.168"', '192.168.1.10'));
  assert.not.ok(matchesIp('ip_address startsWith "192.168"', '10.192.168.1'));
  assert.ok(matchesIp('hostname endsWith ".100"', '', { hostname: 'srv.100' }));
  assert.ok(matchesIp('ip_address matches "^10\\\\.0\\\\.0\\\\.[0-9]{1,3}$"', '10.0.0.254'));
  assert.not.ok(matchesIp('ip_address matches "^10\\\\.0\\\\.0\\\\.[0-9]{1,3}$"', '10.0.0.2545'));
  assert.not.ok(matchesIp('ip_address matches "^10\\\\.0\\\\.0\\\\.[0-9]{1,3}$"', '10a0.0.1'));
  assert.ok(matchesIp('inCidr(ip_address, "100.64.0.0/10")', '100.64.0.0'));
  assert.ok(matchesIp('ip_address startsWith "192.168" || inCidr(ip_address, "10.0.0.0/8")', '10.20.30.40'));
  assert.ok(matchesIp('ip_address != ""', '1.1.1.1'));
  assert.not.ok(matchesIp('ip_address != ""', ''));
  assert.ok(matchesIp('event_name == "page_view" || event_name == "screen_view"', '', { event_name: 'screen_view' }));
  assert.ok(matchesIp('user_agent contains "bot"', '', { user_agent: 'Googlebot/2.1' }));
  assert.ok(matchesIp('user_id startsWith "test_" && inCidr(ip_address, "10.0.0.0/8")', '10.1.1.1', { user_id: 'test_7' }));
  assert.not.ok(matchesIp('user_id startsWith "test_" && inCidr(ip_address, "10.0.0.0/8")', '11.1.1.1', { user_id: 'test_7' }));
});

test('/10 boundaries: 100.64.0.0 and 100.127.255.255 are in, 100.128.0.0 and 100.63.255.255 are out', () => {
  const inRange = (ip: string): boolean => matchesIp('inCidr(ip_address, "100.64.0.0/10")', ip);
  assert.ok(inRange('100.64.0.0'));
  assert.ok(inRange('100.127.255.255'));
  assert.not.ok(inRange('100.128.0.0'));
  assert.not.ok(inRange('100.63.255.255'));
});

test('IPv6 2001:db8::/32', () => {
  const inRange = (ip: string): boolean => matchesIp('inCidr(ip_address, "2001:db8::/32")', ip);
  assert.ok(inRange('2001:db8::1'));
  assert.ok(inRange('2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff'));
  assert.not.ok(inRange('2001:db9::1'));
  assert.not.ok(inRange('10.0.0.1'));
  assert.not.ok(inRange('not an ip'));
});

test('a listed field absent from the event compares as ""', () => {
  const filter = filterOf([condition('hostname == ""')], ['ip_address', 'hostname']);
  assert.equal(survivors(filter, [{ ip_address: '1.2.3.4' }, { ip_address: '1.2.3.4', hostname: 'x' }]), [1]);
});

test('a null value is the text <nil>, a number its decimal text, a boolean true/false', () => {
  const event = makeEvent({ user_id: null, n: 42, f: 1.5, big: 1_500_000, small: 0.00001, tiny_float: 1234567.5, flag: true, off: false, s: 'x' });
  const env = filterEnvironment(event, ['user_id', 'n', 'f', 'big', 'small', 'tiny_float', 'flag', 'off', 's', 'missing']);
  assert.equal({ ...env }, {
    user_id: '<nil>',
    n: '42',
    f: '1.5',
    big: '1500000',
    small: '1e-05',
    tiny_float: '1.2345675e+06',
    flag: 'true',
    off: 'false',
    s: 'x',
    missing: '',
  });
  const filter = filterOf([condition('user_id == "<nil>"')], ['user_id']);
  assert.equal(survivors(filter, [{ user_id: null }, { user_id: 'u' }, {}]), [1, 2]);
});

test('fields that are not listed are nil in expressions, even when the event has them', () => {
  const env = filterEnvironment(makeEvent({ ip_address: '1.1.1.1', user_id: 'u' }), ['ip_address']);
  assert.equal(Object.keys(env), ['ip_address']);
  const filter = filterOf([condition('user_id == nil')], ['ip_address']);
  assert.equal(survivors(filter, [{ ip_address: '1.1.1.1', user_id: 'u' }]), []);
});

test('formatting of other value shapes', () => {
  assert.is(formatFieldValue(['a', null, 3]), '[a <nil> 3]');
  assert.is(formatFieldValue(new Uint8Array([1, 2])), '[1 2]');
  assert.is(formatFieldValue({ b: 1, a: 'x' }), 'map[a:x b:1]');
  assert.is(formatFieldValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.is(formatFieldValue(-0.5), '-0.5');
});

test('exclude drops matching events and keeps the rest in order', () => {
  const filter = filterOf([condition('ip_address startsWith "10."')]);
  assert.equal(survivors(filter, [{ ip_address: '10.0.0.1' }, { ip_address: '8.8.8.8' }, { ip_address: '10.1.1.1' }, { ip_address: '1.1.1.1' }]), [1, 3]);
});

test('allow keeps only events some allow condition matched', () => {
  const filter = filterOf([condition('ip_address == "1.1.1.1"', 'allow'), condition('ip_address == "2.2.2.2"', 'allow')]);
  assert.equal(survivors(filter, [{ ip_address: '1.1.1.1' }, { ip_address: '3.3.3.3' }, { ip_address: '2.2.2.2' }]), [0, 2]);
});

test('exclude wins over allow', () => {
  const filter = filterOf([condition('ip_address startsWith "10."', 'allow'), condition('ip_address == "10.0.0.13"', 'exclude')]);
  assert.equal(survivors(filter, [{ ip_address: '10.0.0.1' }, { ip_address: '10.0.0.13' }, { ip_address: '8.8.8.8' }]), [0]);
});

test('test mode names the condition and drops nothing; the last matching test condition wins', () => {
  const filter = filterOf([
    condition('ip_address startsWith "10."', 'exclude', true, 'internal'),
    condition('ip_address == "10.0.0.13"', 'exclude', true, 'office printer'),
    condition('ip_address == "nobody"', 'exclude', true, 'never'),
  ]);
  const session = makeSession([
    makeEvent({ ip_address: '10.0.0.1' }),
    makeEvent({ ip_address: '10.0.0.13' }),
    makeEvent({ ip_address: '8.8.8.8' }),
  ]);
  const [result] = filter.modify(session);
  assert.is(result, session);
  assert.equal(
    session.events.map((e) => e.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY]),
    ['internal', 'office printer', undefined],
  );
});

test('a test-mode allow neither enables allow filtering nor counts as allowing', () => {
  const onlyTest = filterOf([condition('ip_address == "1.1.1.1"', 'allow', true, 'would allow')]);
  assert.equal(survivors(onlyTest, [{ ip_address: '1.1.1.1' }, { ip_address: '2.2.2.2' }]), [0, 1]);

  const mixed = filterOf([condition('ip_address == "1.1.1.1"', 'allow', true, 'test allow'), condition('ip_address == "2.2.2.2"', 'allow')]);
  assert.equal(survivors(mixed, [{ ip_address: '1.1.1.1' }, { ip_address: '2.2.2.2' }]), [1]);
});

test('a test-mode exclude alongside a real exclude: tagged events survive unless really excluded', () => {
  const filter = filterOf([condition('ip_address startsWith "10."', 'exclude', true, 'preview'), condition('ip_address == "10.0.0.9"')]);
  const session = makeSession([makeEvent({ i: 0, ip_address: '10.0.0.1' }), makeEvent({ i: 1, ip_address: '10.0.0.9' })]);
  const [result] = filter.modify(session);
  assert.equal(result?.events.map((e) => e.values['i']), [0]);
  assert.is(result?.events[0]?.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY], 'preview');
});

test('a session with no surviving event gives zero sessions', () => {
  const filter = filterOf([condition('true')]);
  assert.equal(filter.modify(makeSession([makeEvent({}), makeEvent({})])), []);
  const allowNothing = filterOf([condition('false', 'allow')]);
  assert.equal(allowNothing.modify(makeSession([makeEvent({})])), []);
  assert.equal(filter.modify(makeSession([])), []);
});

test('a dropped first event takes its split cause with it', () => {
  const filter = filterOf([condition('ip_address == "drop"')]);
  const first = makeEvent({ i: 0, ip_address: 'drop' });
  first.metadata[SPLIT_CAUSE_METADATA_KEY] = 'max_events_reached';
  const [result] = filter.modify(makeSession([first, makeEvent({ i: 1, ip_address: 'keep' })]));
  assert.is(result?.events[0]?.metadata[SPLIT_CAUSE_METADATA_KEY], undefined);
  assert.is(result?.events.length, 1);
});

test('runtime errors and non-boolean results are warned about and the condition is ignored', () => {
  const logger = recordingLogger();
  const filter = filterOf(
    [condition('hostname contains "x"', 'exclude', false, 'nil operand'), condition('ip_address', 'exclude', false, 'not a boolean'), condition('ip_address == "9.9.9.9"')],
    ['ip_address'],
    logger,
  );
  assert.equal(survivors(filter, [{ ip_address: '1.1.1.1' }, { ip_address: '9.9.9.9' }]), [0]);
  const warned = logger.entries.filter((e) => e.level === 'warn').map((e) => e.fields?.['filter']);
  assert.equal(warned, ['nil operand', 'not a boolean']);
  assert.match(String(logger.entries[0]?.fields?.['error']), /nil contains string/);
});

test('repeated failures of one condition are warned about at most once a minute', () => {
  const logger = recordingLogger();
  let now = 0;
  const compiled = compileFilterConditions({ id: 'p', filters: { fields: [], conditions: [condition('x startsWith "a"')] } });
  const filter = new TrafficFilter({ fields: [], conditions: compiled, logger, now: () => now });
  for (let i = 0; i < 5; i++) filter.modify(makeSession([makeEvent({})]));
  assert.is(logger.entries.length, 1);
  now = 61_000;
  filter.modify(makeSession([makeEvent({})]));
  assert.is(logger.entries.length, 2);
  assert.is(logger.entries[1]?.fields?.['suppressedSinceLastWarning'], 4);
});

test.run();
