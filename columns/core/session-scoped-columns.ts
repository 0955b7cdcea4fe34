import type { SessionScopedEventColumn } from '../../src/schema/column.js';
import { BrokenEventError } from '../../src/schema/errors.js';
import type { Event } from '../../src/schema/session.js';
import { eventNameIs, PAGE_VIEW } from '../generic/event-name.js';
import { matchingEventMarkColumn } from '../generic/first-last-matching.js';
import { PerSessionCache } from '../generic/per-session-cache.js';
import { sessionScopedColumn } from '../generic/simple.js';
import { timeOnPageColumn } from '../generic/time-on-page.js';
import { valueTransitionColumn } from '../generic/value-transition.js';
import { CoreEvent, CoreSessionScoped } from './interfaces.js';

/** Event metadata key a test-mode traffic filter sets to its name. */
export const TRAFFIC_FILTER_NAME = 'traffic_filter_name';

const isPageView = eventNameIs(PAGE_VIEW);
const NAME = [CoreEvent.name.id];
const PAGE_LOCATION = CoreEvent.page_location.field.name;

export const hitNumberColumn = sessionScopedColumn(CoreSessionScoped.session_hit_number, (_session, index) => index);

/**
 * Page number of every event: 0 for the first page, one more each time page_location differs
 * from the previous event's. A non-string page_location on a healthy event is an error from
 * that event on (which breaks the session, as in the reference). On an event that is already
 * broken it is skipped — that event is never written, and it must not take its session with it.
 */
export function pageNumbers(events: readonly Event[]): (number | BrokenEventError)[] {
  const out: (number | BrokenEventError)[] = [];
  let current: string | undefined;
  let counter = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const location = event.values[PAGE_LOCATION];
    if (typeof location !== 'string') {
      if (event.brokenReason !== null) {
        out.push(counter);
        continue;
      }
      const error = new BrokenEventError(`page_location of event ${i} is not a string`);
      while (out.length < events.length) out.push(error);
      return out;
    }
    if (current === undefined) current = location;
    else if (location !== current) {
      counter++;
      current = location;
    }
    out.push(counter);
  }
  return out;
}

const pageNumberCache = new PerSessionCache<(number | BrokenEventError)[]>();

export const pageNumberColumn = sessionScopedColumn(
  CoreSessionScoped.session_page_number,
  (session, index) => {
    const value = pageNumberCache.get(session, (s) => pageNumbers(s.events))[index];
    if (value instanceof BrokenEventError) throw value;
    return value ?? null;
  },
  { dependsOn: [CoreEvent.page_location.id] },
);

export const timeOnPage = timeOnPageColumn(CoreSessionScoped.time_on_page, isPageView, { dependsOn: NAME });

export const entryPageMarkColumn = matchingEventMarkColumn(CoreSessionScoped.session_is_entry_page, isPageView, 'first', { dependsOn: NAME });

export const exitPageMarkColumn = matchingEventMarkColumn(CoreSessionScoped.session_is_exit_page, isPageView, 'last', { dependsOn: NAME });

export const bounceMarkColumn = matchingEventMarkColumn(CoreSessionScoped.page_is_bounce, isPageView, 'only', { dependsOn: NAME });

export const pageTransitionColumns: readonly SessionScopedEventColumn[] = [
  valueTransitionColumn(CoreSessionScoped.previous_page_location, PAGE_LOCATION, isPageView, 'previous', { dependsOn: [CoreEvent.name.id, CoreEvent.page_location.id] }),
  valueTransitionColumn(CoreSessionScoped.next_page_location, PAGE_LOCATION, isPageView, 'next', { dependsOn: [CoreEvent.name.id, CoreEvent.page_location.id] }),
  valueTransitionColumn(CoreSessionScoped.previous_page_title, CoreEvent.page_title.field.name, isPageView, 'previous', { dependsOn: [CoreEvent.name.id, CoreEvent.page_title.id] }),
  valueTransitionColumn(CoreSessionScoped.next_page_title, CoreEvent.page_title.field.name, isPageView, 'next', { dependsOn: [CoreEvent.name.id, CoreEvent.page_title.id] }),
];

export const trafficFilterNameColumn = sessionScopedColumn(CoreSessionScoped.traffic_filter_name, (session, index) => session.events[index]?.metadata[TRAFFIC_FILTER_NAME] ?? null);

export function coreSessionScopedColumns(): SessionScopedEventColumn[] {
  return [hitNumberColumn, pageNumberColumn, timeOnPage, entryPageMarkColumn, exitPageMarkColumn, bounceMarkColumn, ...pageTransitionColumns, trafficFilterNameColumn];
}
