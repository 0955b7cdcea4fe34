import type { SessionColumn } from '../../src/schema/column.js';
import { BrokenSessionError } from '../../src/schema/errors.js';
import type { Event, Session } from '../../src/schema/session.js';
import { PerSessionCache } from '../generic/per-session-cache.js';
import { sessionColumn } from '../generic/simple.js';
import { CoreEvent, CoreSession } from './interfaces.js';

/** Where a session came from, as session_source / session_medium / session_term report it. */
export interface TrafficSource {
  source: string;
  medium: string;
  term: string;
}

/** Classifies the traffic of a session from its first event (page URL, referrer, campaign parameters). */
export interface TrafficSourceDetector {
  detect(event: Event): TrafficSource;
}

/**
 * session_source, session_medium and session_term: the detector runs once per session on
 * its first event (each part of a split session is attributed on its own).
 */
export function trafficSourceColumns(detector: TrafficSourceDetector): SessionColumn[] {
  const detected = new PerSessionCache<TrafficSource>();
  const read = (part: keyof TrafficSource) => (session: Session): string => {
    const first = session.events[0];
    if (first === undefined) throw new BrokenSessionError('session has no events');
    return detected.get(session, () => detector.detect(first))[part];
  };
  const inputs = [
    CoreEvent.page_location.id,
    CoreEvent.page_referrer.id,
    CoreEvent.utm_source.id,
    CoreEvent.utm_medium.id,
    CoreEvent.utm_term.id,
    CoreEvent.ignore_referrer.id,
  ];
  return [
    sessionColumn(CoreSession.session_source, read('source'), { dependsOn: inputs }),
    sessionColumn(CoreSession.session_medium, read('medium'), { dependsOn: [CoreSession.session_source.id] }),
    sessionColumn(CoreSession.session_term, read('term'), { dependsOn: [CoreSession.session_source.id] }),
  ];
}
