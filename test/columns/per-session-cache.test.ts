import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PerSessionCache } from '../../columns/generic/per-session-cache.js';
import { SealedHeadersMemo, sealHeaders } from '../../src/hits/sealed-headers.js';
import { newEvent, newSession, type Session } from '../../src/schema/session.js';
import { hit } from './fixtures.js';

function session(ids: string[]): Session {
  return newSession(ids.map((id, i) => newEvent(hit({ id, at: i }))));
}

test('a session is computed once while it is asked about, and again when another came between', () => {
  const cache = new PerSessionCache<string>();
  let computed = 0;
  const compute = (s: Session): string => `${++computed}:${s.events.length}`;
  const a = session(['a1', 'a2']);
  const b = session(['b1']);
  assert.is(cache.get(a, compute), '1:2');
  assert.is(cache.get(a, compute), '1:2');
  assert.is(cache.get(b, compute), '2:1');
  assert.is(cache.get(a, compute), '3:2', 'one entry only: the earlier session is computed again, never answered wrongly');
});

test('a session whose events were replaced or changed in number is computed afresh', () => {
  const cache = new PerSessionCache<number>();
  const s = session(['x1', 'x2', 'x3']);
  const count = (x: Session): number => x.events.length;
  assert.is(cache.get(s, count), 3);
  s.events = s.events.slice(1);
  assert.is(cache.get(s, count), 2);
  s.events.pop();
  assert.is(cache.get(s, count), 1);
});

test('values from a sealed header map are computed once per map; other maps are computed every time', () => {
  const memo = new SealedHeadersMemo<string>();
  const other = new SealedHeadersMemo<string>();
  let calls = 0;
  const ua = (h: Map<string, string[]>): string => `${++calls}:${h.get('User-Agent')?.[0]}`;
  const sealed = sealHeaders(new Map([['User-Agent', ['a']]]));
  assert.is(memo.get(sealed, ua), '1:a');
  assert.is(memo.get(sealed, ua), '1:a');
  assert.is(other.get(sealed, ua), '2:a', 'each memo keeps its own value');
  assert.is(memo.get(sealHeaders(new Map([['User-Agent', ['b']]])), ua), '3:b');
  const open = new Map([['User-Agent', ['c']]]);
  assert.is(memo.get(open, ua), '4:c');
  assert.is(memo.get(open, ua), '5:c');
  assert.equal([...sealed.keys()], ['User-Agent'], 'the memo adds no header');
});

test.run();
