import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PairMap } from '../../src/storage/pair-map.js';

test('a pair map tells apart pairs whose joined text would be the same', () => {
  const map = new PairMap<number>();
  map.set('a\u0000b', 'c', 1);
  map.set('a', 'b\u0000c', 2);
  map.set('', 'a\u0000b\u0000c', 3);
  assert.is(map.get('a\u0000b', 'c'), 1);
  assert.is(map.get('a', 'b\u0000c'), 2);
  assert.is(map.get('', 'a\u0000b\u0000c'), 3);
  assert.is(map.get('a', 'b'), undefined);
  assert.is(map.get('b', 'a\u0000b'), undefined);
});

test('a pair map keeps the latest value of a pair and every pair of a shared first key', () => {
  const map = new PairMap<string>();
  map.set('property', 'client-1', 'x');
  map.set('property', 'client-2', 'y');
  map.set('property', 'client-1', 'z');
  assert.is(map.get('property', 'client-1'), 'z');
  assert.is(map.get('property', 'client-2'), 'y');
  assert.is(map.get('other', 'client-1'), undefined);
});

test('a pair map with a capacity starts over when a new pair would pass it; replacing a pair does not count', () => {
  const map = new PairMap<number>(3);
  map.set('a', '1', 1);
  map.set('a', '2', 2);
  map.set('b', '1', 3);
  map.set('a', '1', 10);
  assert.is(map.get('a', '1'), 10, 'a replaced pair keeps the table as it is');
  assert.is(map.get('b', '1'), 3);
  map.set('c', '1', 4);
  assert.is(map.get('c', '1'), 4, 'the new pair is kept');
  assert.is(map.get('a', '1'), undefined, 'the table started over');
  assert.is(map.get('b', '1'), undefined);
  map.set('c', '2', 5);
  map.set('d', '1', 6);
  assert.equal([map.get('c', '1'), map.get('c', '2'), map.get('d', '1')], [4, 5, 6]);
});

test.run();
