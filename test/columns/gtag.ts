import type { CurrencyConverter } from '../../columns/currency/converter.js';
import { coreColumns, stubDeviceGeoColumns } from '../../columns/core/index.js';
import { roundCentsHalfEven } from '../../columns/currency/rounding.js';
import { StaticPropertyLookup } from '../../columns/core/property-lookup.js';
import { d8aColumns } from '../../protocols/d8a/columns/index.js';
import { D8aProtocol } from '../../protocols/d8a/protocol.js';
import { ga4Columns } from '../../protocols/ga4/columns/index.js';
import { Ga4Protocol } from '../../protocols/ga4/protocol.js';
import type { Hit } from '../../src/hits/hit.js';
import { DerivedHitIds } from '../../src/hits/hit-ids.js';
import { headersFromRecord } from '../../src/receiver/headers.js';
import { concatColumnSets, type ColumnSet } from '../../src/schema/column.js';
import { sortColumnSet } from '../../src/schema/dependency-sort.js';
import { newEvent, newSession, type Session } from '../../src/schema/session.js';
import { PropertyRegistry } from '../../src/settings/property-registry.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { testProperty } from '../support/properties.js';
import { computeColumns, T0 } from './fixtures.js';

/**
 * Real gtag.js request shapes (a Chrome page on a shop, consent mode on) parsed by the GA4
 * protocol exactly as the receiver does, then run through the full column set.
 */

/** Shared URL parameters of gtag.js requests; `dl` and per-event parameters are added per test. */
export const GTAG_BASE =
  'v=2&tid=G-5T0Z13HKP4&gtm=45je5580h2v9219555710za200&_p=1746817938582&gcs=G111&gcd=13l3l3l3l1l1&npa=0&dma=0' +
  '&cid=1369988567.1756151735&ul=en-us&sr=1920x1080&uaa=x86&uab=64&uafvl=Chromium%3B140.0.7339.127&uamb=0&uam=&uap=Linux' +
  '&_s=1&sid=1758117187&sct=2&seg=1&dr=https%3A%2F%2Fwww.google.com%2F&dt=Food%20Shop&tfd=565';

/** A factor converter like the reference's test double: USD stays, any other currency × factor, rounded to cents. */
export class FactorConverter implements CurrencyConverter {
  readonly calls: [number, string, string][] = [];
  constructor(private readonly factor: number) {}
  convert(amount: number, from: string, to: string): number | null {
    this.calls.push([amount, from, to]);
    if (from.trim().toUpperCase() === to.trim().toUpperCase()) return amount;
    return roundCentsHalfEven(amount * this.factor);
  }
}

export interface SetOptions {
  protocol?: 'ga4' | 'd8a';
  converter?: CurrencyConverter;
  settings?: Partial<PropertySettings>;
  extra?: ColumnSet;
}

/** Core, protocol (with the given converter), stub device/geo and extra columns, sorted for evaluation. */
export function columnSet(options: SetOptions = {}): ColumnSet {
  const properties = new StaticPropertyLookup([testProperty({ protocol: options.protocol ?? 'ga4', ...options.settings })]);
  const converter = options.converter ? { currencyConverter: options.converter } : {};
  const protocol = options.protocol === 'd8a' ? d8aColumns({ properties, ...converter }) : ga4Columns({ properties, ...converter });
  return sortColumnSet(concatColumnSets([coreColumns({ properties }), protocol, stubDeviceGeoColumns(), ...(options.extra ? [options.extra] : [])]));
}

let requestCounter = 0;

/** The hits of one gtag request (`query` after the `?`, optional body lines), received `at` seconds after T0. */
export function gtagHits(query: string, body = '', at = 0, protocol: 'ga4' | 'd8a' = 'ga4'): Hit[] {
  const parser = protocol === 'd8a' ? new D8aProtocol() : new Ga4Protocol();
  const context = { properties: new PropertyRegistry([testProperty({ protocol })]), ids: new DerivedHitIds('gtag-test') };
  return parser.hits(
    {
      method: 'POST',
      path: protocol === 'd8a' ? '/d/c' : '/g/collect',
      rawQuery: query,
      body: Buffer.from(body),
      headers: headersFromRecord({ 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36', 'Accept-Language': 'en-US,en;q=0.9' }),
      ip: '203.0.113.7',
      host: 'tracker.example',
      serverReceivedTime: T0 + at * 1000,
      key: `request-${++requestCounter}`,
    },
    context,
  );
}

/** One session of the given requests' hits (in order), with every column computed. */
export function gtagSession(requests: { query: string; body?: string }[], options: SetOptions = {}): Session {
  const hits = requests.flatMap((r, i) => gtagHits(r.query, r.body ?? '', i, options.protocol ?? 'ga4'));
  return computeColumns(columnSet(options), newSession(hits.map(newEvent)));
}

/** A page URL parameter as gtag sends it. */
export function dl(url: string): string {
  return `dl=${encodeURIComponent(url)}`;
}
