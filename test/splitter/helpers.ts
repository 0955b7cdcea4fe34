/** Fixtures for the splitter and filter tests: events with column values and hit times. */
import type { Hit } from '../../src/hits/hit.js';
import { newEvent, newSession, type Event, type Session } from '../../src/schema/session.js';

let sequence = 0;

export const MINUTE_MS = 60_000;
export const BASE_TIME_MS = 1_700_000_000_000;

function hitAt(timeMs: number, propertyId: string): Hit {
  const n = ++sequence;
  return {
    id: `hit-${n}`,
    authoritativeClientId: 'client-1',
    clientId: 'client-1',
    eventName: 'page_view',
    propertyId,
    userId: null,
    metadata: {},
    request: {
      ip: '203.0.113.7',
      host: 'example.com',
      serverReceivedTime: timeMs,
      queryParams: new Map(),
      body: new Uint8Array(0),
      path: '/g/collect',
      method: 'POST',
      headers: new Map(),
    },
  };
}

/** An event received `offsetMs` after BASE_TIME_MS, with the given column values. */
export function makeEvent(values: Record<string, unknown> = {}, offsetMs = 0, propertyId = 'default'): Event {
  const event = newEvent(hitAt(BASE_TIME_MS + offsetMs, propertyId));
  Object.assign(event.values, values);
  return event;
}

export function makeSession(events: Event[]): Session {
  return newSession(events);
}

/** A session of `count` events one second apart, each tagged with its index in `values.i`. */
export function numberedSession(count: number, values: (i: number) => Record<string, unknown> = () => ({})): Session {
  return makeSession(Array.from({ length: count }, (_, i) => makeEvent({ i, ...values(i) }, i * 1000)));
}

/** The `i` values of each session's events, to compare split results at a glance. */
export function indexes(sessions: Session[]): unknown[][] {
  return sessions.map((s) => s.events.map((e) => e.values['i']));
}

import { recordingLogger, type LogEntry } from '../support/logger.js';
export { recordingLogger, type LogEntry };
