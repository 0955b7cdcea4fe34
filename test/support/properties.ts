import type { PropertySettings } from '../../src/settings/types.js';

/** A property with the reference's default settings, for tests that do not load a config file. */
export function testProperty(overrides: Partial<PropertySettings> = {}): PropertySettings {
  return {
    id: 'default',
    name: 'Default property',
    measurementIds: [],
    isDefault: true,
    protocol: 'ga4',
    table: 'events',
    splitByUserId: true,
    splitByCampaign: true,
    splitByTimeSinceFirstEventMs: 12 * 3600_000,
    splitByMaxEvents: 1000,
    sessionTimeoutMs: 30 * 60_000,
    joinBySessionStamp: true,
    joinByUserId: true,
    ipMaskingLevel: 0,
    excludedUrlParams: [],
    filters: { fields: ['ip_address'], conditions: [] },
    customColumns: { ga4Params: [], matomoCustomDimensions: [], matomoCustomVariables: [] },
    measurementProtocol: { apiSecrets: [] },
    ...overrides,
  };
}
