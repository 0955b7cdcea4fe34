import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { roundCentsHalfEven } from '../../columns/currency/rounding.js';

test('exact halves go to the even cent', () => {
  assert.is(roundCentsHalfEven(0.125), 0.12);
  assert.is(roundCentsHalfEven(0.135), 0.14);
  assert.is(roundCentsHalfEven(12.345), 12.34);
  assert.is(roundCentsHalfEven(0.025), 0.02);
  assert.is(roundCentsHalfEven(0.045), 0.04);
});

test('floating point decides what an exact half is, as in the reference arithmetic', () => {
  // 15.015 × 100 is exactly 1501.5 in binary floating point: the odd cent rounds up.
  assert.is(roundCentsHalfEven(15.015), 15.02);
  assert.is(roundCentsHalfEven(30.03 * 0.5), 15.02);
  // 1.005 × 100 is 100.49999999999999: below the half, down.
  assert.is(roundCentsHalfEven(1.005), 1);
  // 2.675 × 100 is exactly 267.5: the odd cent rounds up.
  assert.is(roundCentsHalfEven(2.675), 2.68);
});

test('above and below the half', () => {
  assert.is(roundCentsHalfEven(1.236), 1.24);
  assert.is(roundCentsHalfEven(1.234), 1.23);
  assert.is(roundCentsHalfEven(20), 20);
  assert.is(roundCentsHalfEven(0), 0);
});

test('negative amounts truncate toward zero (their remainder is never ≥ 0.5)', () => {
  assert.is(roundCentsHalfEven(-1.239), -1.23);
  assert.is(roundCentsHalfEven(-1.235), -1.23);
  assert.is(roundCentsHalfEven(-20.5), -20.5);
});

test.run();
