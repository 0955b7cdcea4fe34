import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FilterCompileError, PropertyModifierRegistry } from '../../src/splitter/registry.js';
import { ExpressionError } from '../../src/splitter/expressions/index.js';
import { SPLIT_CAUSE_METADATA_KEY } from '../../src/splitter/split-conditions.js';
import { MultiModifier } from '../../src/splitter/multi-modifier.js';
import type { SessionModifier } from '../../src/splitter/modifier.js';
import type { Session } from '../../src/schema/session.js';
import { testProperty } from '../support/properties.js';
import { indexes, makeEvent, makeSession, numberedSession, recordingLogger } from './helpers.js';

test('each property gets its own splitting settings', () => {
  const registry = new PropertyModifierRegistry([testProperty({ id: 'a', splitByMaxEvents: 2 }), testProperty({ id: 'b', splitByMaxEvents: 3 })]);
  assert.equal(indexes(registry.forProperty('a').modify(numberedSession(4))), [[0, 1], [2, 3]]);
  assert.equal(indexes(registry.forProperty('b').modify(numberedSession(4))), [[0, 1, 2], [3]]);
  assert.is(registry.forProperty('a'), registry.forProperty('a'));
});

test('with filter conditions, sessions are split first and each piece is filtered', () => {
  const property = testProperty({
    id: 'shop',
    splitByMaxEvents: 2,
    filters: { fields: ['ip_address'], conditions: [{ name: 'internal', type: 'exclude', testMode: false, expression: 'ip_address startsWith "10."' }] },
  });
  const registry = new PropertyModifierRegistry([property]);
  const ips = ['8.8.8.8', '10.0.0.1', '10.0.0.2', '10.0.0.3', '1.1.1.1'];
  const session = makeSession(ips.map((ip, i) => makeEvent({ i, ip_address: ip }, i)));
  const result = registry.forProperty('shop').modify(session);
  // Split into [0,1] [2,3] [4]; the middle piece loses both events and disappears.
  assert.equal(indexes(result), [[0], [4]]);
  assert.is(result[1]?.events[0]?.metadata[SPLIT_CAUSE_METADATA_KEY], 'max_events_reached');
});

test('a bad filter expression fails construction, naming property, filter and position', () => {
  const property = testProperty({
    id: 'shop',
    filters: { fields: ['ip_address'], conditions: [{ name: 'internal traffic', type: 'exclude', testMode: false, expression: 'ip_address == (1' }] },
  });
  try {
    new PropertyModifierRegistry([testProperty({ id: 'fine' }), property]);
    assert.unreachable('construction should fail');
  } catch (error) {
    assert.instance(error, FilterCompileError);
    const failure = error as FilterCompileError;
    assert.is(failure.message, 'property "shop", filter "internal traffic": unclosed parenthesis at position 16');
    assert.is(failure.propertyId, 'shop');
    assert.is(failure.filterName, 'internal traffic');
    assert.is(failure.position, 16);
    assert.instance(failure.cause, ExpressionError);
  }
});

test('the message format for an unexpected token', () => {
  const property = testProperty({
    id: 'shop',
    filters: { fields: ['ip_address'], conditions: [{ name: 'internal traffic', type: 'exclude', testMode: false, expression: 'ip_address == "10.0.0.1" "x"' }] },
  });
  assert.throws(() => new PropertyModifierRegistry([property]), (e: unknown) => e instanceof Error && e.message === 'property "shop", filter "internal traffic": unexpected token at position 25');
});

test('an unknown property gets default splitting, no filters, and one warning', () => {
  const logger = recordingLogger();
  const registry = new PropertyModifierRegistry([testProperty({ id: 'a', splitByMaxEvents: 1 })], logger);
  const modifier = registry.forProperty('gone');
  assert.equal(indexes(modifier.modify(numberedSession(3))), [[0, 1, 2]]);
  registry.forProperty('gone');
  assert.is(logger.entries.filter((e) => e.level === 'warn').length, 1);
});

test('MultiModifier feeds every piece of one step to the next', () => {
  const halve: SessionModifier = {
    modify: (s: Session) => [makeSession(s.events.slice(0, 1)), makeSession(s.events.slice(1))].filter((p) => p.events.length > 0),
  };
  const dropOdd: SessionModifier = {
    modify: (s: Session) => {
      const kept = s.events.filter((e) => Number(e.values['i']) % 2 === 0);
      return kept.length === 0 ? [] : [makeSession(kept)];
    },
  };
  const result = new MultiModifier([halve, halve, dropOdd]).modify(numberedSession(5));
  assert.equal(indexes(result), [[0], [2, 4]]);
});

test.run();
