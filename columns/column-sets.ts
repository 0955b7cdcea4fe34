import { concatColumnSets, type ColumnSet } from '../src/schema/column.js';
import { ColumnsMerger, StaticColumnsRegistry } from '../src/schema/registry.js';
import { BatchingLayout, EventsWithEmbeddedSessionColumnsLayout } from '../src/schema/layout.js';
import { InterfaceOrderKeeper } from '../src/schema/order-keeper.js';
import { StaticPropertySchemaRegistry, type PropertySchema, type PropertySchemaRegistry } from '../src/schema/property-schema.js';
import type { PropertySettings, ProtocolId } from '../src/settings/types.js';
import { coreColumns, stubDeviceGeoColumns } from './core/index.js';
import { CORE_INTERFACE_ORDER } from './core/interfaces.js';
import { StaticPropertyLookup, type PropertySettingsLookup } from './core/property-lookup.js';
import type { TrafficSourceDetector } from './core/traffic-source.js';
import type { CurrencyConverter } from './currency/converter.js';
import { hasColumnCatalogue, protocolColumns, protocolCustomColumns, protocolInterfaceOrder } from './protocol-columns.js';

export interface ColumnSetOptions {
  /** Settings lookup for columns that read property settings at write time. */
  properties: PropertySettingsLookup;
  trafficSource?: TrafficSourceDetector;
  /** Device and geo event columns; the always-null stubs by default. */
  deviceGeoColumns?: ColumnSet;
  /** For the `*_in_usd` columns; without one only USD amounts convert. */
  currencyConverter?: CurrencyConverter;
}

/**
 * The merged column set of a protocol — core, protocol, device and geo, plus `extra` (custom
 * columns) — sorted by dependencies. Throws `ColumnDependencyError` when it does not fit together.
 */
export function protocolColumnSet(protocol: ProtocolId, options: ColumnSetOptions, extra: readonly ColumnSet[] = []): ColumnSet {
  if (!hasColumnCatalogue(protocol)) throw new Error(`no column catalogue for protocol "${protocol}" yet`);
  const registries = [
    coreColumns({ properties: options.properties, ...(options.trafficSource ? { trafficSource: options.trafficSource } : {}) }),
    protocolColumns(protocol, options.properties, options.currencyConverter),
    options.deviceGeoColumns ?? stubDeviceGeoColumns(),
    ...extra,
  ].map((set) => new StaticColumnsRegistry(set));
  return new ColumnsMerger(registries).get('');
}

/** Physical (DDL) order of a protocol's columns: core declarations, then the protocol's, then the rest. */
export function physicalOrderKeeper(protocol: ProtocolId): InterfaceOrderKeeper {
  if (!hasColumnCatalogue(protocol)) throw new Error(`no column catalogue for protocol "${protocol}" yet`);
  return new InterfaceOrderKeeper(CORE_INTERFACE_ORDER, protocolInterfaceOrder(protocol));
}

export interface PropertySchemaOptions {
  trafficSource?: TrafficSourceDetector;
  deviceGeoColumns?: ColumnSet;
  currencyConverter?: CurrencyConverter;
  /** Custom columns of a property (flattened parameters), merged after the built-in ones. */
  customColumns?: (property: PropertySettings) => ColumnSet;
}

/**
 * Resolves every configured property to its columns, layout and table schema once, at start:
 * property → protocol → merged and sorted columns. Properties without custom columns share
 * their protocol's column objects. Throws at once when a set is inconsistent.
 */
export function buildPropertySchemas(properties: readonly PropertySettings[], options: PropertySchemaOptions = {}): PropertySchemaRegistry {
  const lookup = new StaticPropertyLookup(properties);
  const setOptions: ColumnSetOptions = {
    properties: lookup,
    ...(options.trafficSource ? { trafficSource: options.trafficSource } : {}),
    ...(options.deviceGeoColumns ? { deviceGeoColumns: options.deviceGeoColumns } : {}),
    ...(options.currencyConverter ? { currencyConverter: options.currencyConverter } : {}),
  };
  const byProtocol = new Map<ProtocolId, ColumnSet>();
  const schemas = new Map<string, PropertySchema>();
  for (const property of properties) {
    // The protocol's own custom columns (Matomo's custom dimensions and variables), then the caller's.
    const builtIn = protocolCustomColumns(property);
    const extra = options.customColumns?.(property);
    const custom = extra === undefined ? builtIn : concatColumnSets([builtIn, extra]);
    const hasCustom = custom !== undefined && custom.event.length + custom.sessionScoped.length + custom.session.length > 0;
    let evaluationOrder: ColumnSet;
    if (hasCustom) {
      evaluationOrder = protocolColumnSet(property.protocol, setOptions, [custom]);
    } else {
      let shared = byProtocol.get(property.protocol);
      if (shared === undefined) {
        shared = protocolColumnSet(property.protocol, setOptions);
        byProtocol.set(property.protocol, shared);
      }
      evaluationOrder = shared;
    }
    const physicalOrder = physicalOrderKeeper(property.protocol).sorted(evaluationOrder);
    const layout = new BatchingLayout(new EventsWithEmbeddedSessionColumnsLayout(property.table, ''));
    schemas.set(property.id, { propertyId: property.id, evaluationOrder, physicalOrder, layout, tables: layout.tables(physicalOrder) });
  }
  const fallback = properties.find((p) => p.isDefault);
  return new StaticPropertySchemaRegistry(schemas, fallback === undefined ? undefined : schemas.get(fallback.id));
}
