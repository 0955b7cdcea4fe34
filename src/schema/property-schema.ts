import type { ColumnSet } from './column.js';
import type { Layout, TableSchema } from './layout.js';

/**
 * Everything the session writer needs for one property, resolved once at start-up: the
 * columns in evaluation order, the same columns in physical order (the order of the table's
 * fields and of each row's keys), the layout, and the table schemas it produces.
 */
export interface PropertySchema {
  readonly propertyId: string;
  readonly evaluationOrder: ColumnSet;
  readonly physicalOrder: ColumnSet;
  readonly layout: Layout;
  readonly tables: readonly TableSchema[];
}

export interface PropertySchemaRegistry {
  /** Throws for a property the registry does not know. */
  forProperty(propertyId: string): PropertySchema;
}

export class UnknownPropertySchemaError extends Error {
  override readonly name = 'UnknownPropertySchemaError';
}

/** Schemas built up front; a property missing from the map falls back to `fallback` when one is given. */
export class StaticPropertySchemaRegistry implements PropertySchemaRegistry {
  constructor(
    private readonly schemas: ReadonlyMap<string, PropertySchema>,
    private readonly fallback?: PropertySchema,
  ) {}

  forProperty(propertyId: string): PropertySchema {
    const schema = this.schemas.get(propertyId) ?? this.fallback;
    if (schema === undefined) throw new UnknownPropertySchemaError(`no column schema for property "${propertyId}"`);
    return schema;
  }
}
