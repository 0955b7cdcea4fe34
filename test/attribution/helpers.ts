import { newEvent, type Event } from '../../src/schema/session.js';
import { ORIGINAL_PAGE_LOCATION } from '../../columns/url/page-url.js';
import type { TrafficSource } from '../../columns/core/traffic-source.js';
import { createTrafficSourceDetector } from '../../columns/attribution/traffic-source-detector.js';
import { hit } from '../columns/fixtures.js';

export interface FirstEventSpec {
  /** The landing URL as sent (kept in the event metadata, as page_location does). */
  page?: string;
  /** The stripped page_location, when it differs from `page`. */
  pageLocation?: string;
  referrer?: string;
  ignoreReferrer?: boolean | null;
}

/** A first event with the values attribution reads, without running the other columns. */
export function firstEvent(spec: FirstEventSpec): Event {
  const event = newEvent(hit());
  if (spec.page !== undefined) event.metadata[ORIGINAL_PAGE_LOCATION] = spec.page;
  event.values['page_location'] = spec.pageLocation ?? spec.page ?? '';
  event.values['page_referrer'] = spec.referrer ?? '';
  event.values['ignore_referrer'] = spec.ignoreReferrer ?? null;
  return event;
}

const shipped = createTrafficSourceDetector();

/** Source, medium and term with the shipped lists. */
export function attribute(spec: FirstEventSpec): TrafficSource {
  return shipped.detect(firstEvent(spec));
}

/** `[source, medium, term]`, for compact assertions. */
export function smt(spec: FirstEventSpec): [string, string, string] {
  const { source, medium, term } = attribute(spec);
  return [source, medium, term];
}

/** A landing page on another site than any referrer used in the tests. */
export const LANDING = 'https://www.example.com/page';
