import type { PropertySettings } from '../../src/settings/types.js';

/** Finds a property's settings by id (the settings' `PropertyRegistry` fits); throws for an unknown id. */
export interface PropertySettingsLookup {
  byPropertyId(propertyId: string): PropertySettings;
}

/** A lookup over a fixed list, for the catalogue and tests; unknown ids throw. */
export class StaticPropertyLookup implements PropertySettingsLookup {
  private readonly byId: ReadonlyMap<string, PropertySettings>;

  constructor(properties: readonly PropertySettings[]) {
    this.byId = new Map(properties.map((p) => [p.id, p]));
  }

  byPropertyId(propertyId: string): PropertySettings {
    const found = this.byId.get(propertyId);
    if (found === undefined) throw new Error(`unknown property id "${propertyId}"`);
    return found;
  }
}

export const NO_PROPERTIES: PropertySettingsLookup = new StaticPropertyLookup([]);
