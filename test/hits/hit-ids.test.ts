import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DerivedHitIds, RandomHitIds } from '../../src/hits/hit-ids.js';

test('random ids are version 4 UUIDs, distinct across refills of the random pool', () => {
  const ids = new RandomHitIds();
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = ids.next();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.is(seen.size, 10_000);
});

test('derived ids depend on the request key and index only', () => {
  const a = new DerivedHitIds();
  const b = new DerivedHitIds();
  assert.is(a.next('line-1', 0), b.next('line-1', 0));
  assert.is.not(a.next('line-1', 0), a.next('line-1', 1));
  assert.match(a.next('x', 0), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test.run();
