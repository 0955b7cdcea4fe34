import type { SessionScopedEventColumn } from '../../src/schema/column.js';
import type { ColumnInterface } from '../../src/schema/interface.js';
import type { Event } from '../../src/schema/session.js';
import type { EventPredicate } from './event-name.js';
import { PerSessionCache } from './per-session-cache.js';
import { sessionScopedColumn, type ColumnOptions } from './simple.js';

export type TransitionDirection = 'previous' | 'next';

// For each position, the value of the run of equal values before it (null for the first run).
function previousRunValues(chain: readonly (string | null)[]): (string | null)[] {
  const out: (string | null)[] = [];
  let current: string | null = null;
  let previous: string | null = null;
  for (const value of chain) {
    if (value === current) {
      out.push(previous);
    } else {
      out.push(current);
      previous = current;
      current = value;
    }
  }
  return out;
}

/**
 * Previous or next distinct value of `field` along the session. The chain only moves on
 * events that `advances` accepts (page views); other events carry the last page's value, and
 * events before the first page view carry null. "Next" runs the same scan over the reversed
 * chain, so events before the first page view see the first page as their next one.
 */
export function valueTransitions(
  events: readonly Event[],
  field: string,
  advances: EventPredicate,
  direction: TransitionDirection,
): (string | null)[] {
  const chain: (string | null)[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (advances(event)) {
      const v = event.values[field];
      chain.push(typeof v === 'string' ? v : null);
    } else {
      chain.push(i === 0 ? null : chain[i - 1]!);
    }
  }
  if (direction === 'previous') return previousRunValues(chain);
  return previousRunValues(chain.reverse()).reverse();
}

export function valueTransitionColumn(
  iface: ColumnInterface,
  sourceField: string,
  advances: EventPredicate,
  direction: TransitionDirection,
  options: ColumnOptions = {},
): SessionScopedEventColumn {
  const cache = new PerSessionCache<(string | null)[]>();
  return sessionScopedColumn(
    iface,
    (session, index) => cache.get(session, (s) => valueTransitions(s.events, sourceField, advances, direction))[index] ?? null,
    options,
  );
}
