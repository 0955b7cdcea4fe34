import type { ColumnSet } from '../../src/schema/column.js';
import type { PropertySettings } from '../../src/settings/types.js';
import { protocolColumnSet } from '../../columns/column-sets.js';
import { StaticPropertyLookup } from '../../columns/core/property-lookup.js';
import { testProperty } from '../support/properties.js';

/** The merged, sorted GA4 column set for one test property (id `default`). */
export function ga4ColumnSet(overrides: Partial<PropertySettings> = {}): ColumnSet {
  return protocolColumnSet('ga4', { properties: new StaticPropertyLookup([testProperty(overrides)]) });
}
