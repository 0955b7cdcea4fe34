import type { PropertySettings } from './types.js';

export class UnknownPropertyError extends Error {
  override readonly name = 'UnknownPropertyError';
}

/**
 * Resolves tracking ids (GA4 `tid`, Matomo `idsite`) and property ids to property settings.
 * An id no property claims falls back to the default property, if one is declared.
 */
export class PropertyRegistry {
  private readonly byMeasurementId = new Map<string, PropertySettings>();
  private readonly byId = new Map<string, PropertySettings>();
  private readonly fallback: PropertySettings | undefined;

  constructor(readonly properties: readonly PropertySettings[]) {
    for (const p of properties) {
      this.byId.set(p.id, p);
      for (const m of p.measurementIds) this.byMeasurementId.set(m, p);
    }
    this.fallback = properties.find((p) => p.isDefault);
  }

  byMeasurement(measurementId: string): PropertySettings {
    const found = this.byMeasurementId.get(measurementId) ?? this.fallback;
    if (found === undefined) throw new UnknownPropertyError(`no property is configured for measurement id "${measurementId}"`);
    return found;
  }

  byPropertyId(propertyId: string): PropertySettings {
    const found = this.byId.get(propertyId) ?? this.fallback;
    if (found === undefined) throw new UnknownPropertyError(`unknown property id "${propertyId}"`);
    return found;
  }

}
