import type { SessionScopedEventColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Event } from '../../src/schema/session.js';
import type { EventPredicate } from './event-name.js';
import { PerSessionCache } from './per-session-cache.js';
import { sessionScopedColumn, type ColumnOptions } from './simple.js';

function wholeSecondsBetween(fromMs: number, toMs: number): number {
  return Math.trunc((toMs - fromMs) / 1000);
}

/**
 * Seconds spent on each page. Page views split the session into blocks (events before the
 * first page view form a block of their own); every event of a block gets the time from the
 * block's first event to the next page view, or to the session's last event for the last block.
 */
export function timeOnPageSeconds(events: readonly Event[], isPageView: EventPredicate): number[] {
  const n = events.length;
  if (n === 0) return [];
  const time = (i: number): number => events[i]!.hit.request.serverReceivedTime;
  const starts: number[] = [];
  events.forEach((e, i) => {
    if (isPageView(e)) starts.push(i);
  });
  if (starts[0] !== 0) starts.unshift(0);
  const out = new Array<number>(n);
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const next = starts[k + 1];
    const seconds = next === undefined ? wholeSecondsBetween(time(start), time(n - 1)) : wholeSecondsBetween(time(start), time(next));
    for (let i = start; i < (next ?? n); i++) out[i] = seconds;
  }
  return out;
}

export function timeOnPageColumn(iface: ColumnInterface, isPageView: EventPredicate, options: ColumnOptions = {}): SessionScopedEventColumn {
  const cache = new PerSessionCache<number[]>();
  return sessionScopedColumn(iface, (session, index) => cache.get(session, (s) => timeOnPageSeconds(s.events, isPageView))[index] ?? null, options);
}
