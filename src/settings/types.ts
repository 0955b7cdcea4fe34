/**
 * The resolved configuration the rest of Cairn consumes. `src/settings/` builds it from
 * embedded defaults, the YAML file, environment variables and flags (in rising precedence)
 * and validates it before anything binds a port.
 */

export type ProtocolId = 'ga4' | 'd8a' | 'matomo';
export type DeliveryMode = 'best_effort' | 'at_least_once';
export type BatchingBackend = 'memory' | 'filesystem';
export type QueueBackend = 'filesystem' | 'objectstorage' | 'nats';
export type IpMaskingLevel = 0 | 1 | 2 | 3 | 4;
/** `property.settings.exclude_known_bots` true / false / test: drop, keep, or keep and name in `traffic_filter_name`. */
export type KnownBotsMode = 'exclude' | 'keep' | 'mark';

export interface FilterCondition {
  name: string;
  type: 'exclude' | 'allow';
  testMode: boolean;
  expression: string;
}

export interface FiltersSettings {
  fields: string[];
  conditions: FilterCondition[];
}

/** A custom column that flattens one GA4 event parameter (`ga4.params`). */
export interface Ga4ParamColumn {
  name: string;
  columnName: string;
  scope: 'event';
  type: 'string' | 'int64' | 'float64';
}

/** `matomo.custom_dimensions` (slot set) and `matomo.custom_variables` (slot unset). */
export interface MatomoCustomColumn {
  slot?: number;
  name: string;
  columnName: string;
  scope: 'event' | 'session';
  type: 'string';
}

export interface CustomColumnsSettings {
  ga4Params: Ga4ParamColumn[];
  matomoCustomDimensions: MatomoCustomColumn[];
  matomoCustomVariables: MatomoCustomColumn[];
}

/** One property: the unit of isolation for identifiers, settings and output rows. */
export interface PropertySettings {
  id: string;
  name: string;
  /** GA4 `tid` / Matomo `idsite` values routed here. Empty for the implicit single property. */
  measurementIds: string[];
  /** Takes every id no other property claims. */
  isDefault: boolean;
  /** The tracking protocol whose column catalogue the property's table has. */
  protocol: ProtocolId;
  table: string;
  splitByUserId: boolean;
  splitByCampaign: boolean;
  splitByTimeSinceFirstEventMs: number;
  splitByMaxEvents: number;
  sessionTimeoutMs: number;
  joinBySessionStamp: boolean;
  joinByUserId: boolean;
  ipMaskingLevel: IpMaskingLevel;
  excludedUrlParams: string[];
  /** Known crawlers and monitoring agents; absent means `exclude`, the key's default. */
  knownBots?: KnownBotsMode;
  filters: FiltersSettings;
  customColumns: CustomColumnsSettings;
  /** GA4 Measurement Protocol (`/mp/collect`): off while no API secret is configured. */
  measurementProtocol: { apiSecrets: string[] };
}

/**
 * Every configuration key by its dotted YAML path (`server.port`), with its resolved value:
 * durations as milliseconds, lists as string arrays, booleans, numbers, strings. Modules that
 * need a key Cairn does not model in `Settings` below read it here.
 */
export type ResolvedKeys = ReadonlyMap<string, unknown>;

export interface Settings {
  configFile: string | null;
  debug: boolean;
  trace: boolean;
  airgapped: boolean;
  deliveryMode: DeliveryMode;
  server: {
    host: string;
    port: number;
    /** CIDRs (bare IPs are /32 or /128); both 0.0.0.0/0 and ::/0 means trust every peer. */
    trustedProxies: string[];
  };
  receiver: {
    batchSize: number;
    batchTimeoutMs: number;
    maxHitKbytes: number;
    batchingBackend: BatchingBackend;
    /** New key `receiver.raw_log.path`: append every accepted request for later replay. */
    rawLogPath: string | null;
    /** Largest accepted request body in bytes (413 above it). */
    maxBodyBytes: number;
  };
  storage: {
    boltDirectory: string;
    queueDirectory: string;
    spoolEnabled: boolean;
    spoolDirectory: string;
    spoolWriteChanBuffer: number;
    /** Cairn key `storage.spool_flush_interval`. */
    spoolFlushIntervalMs: number;
    /** Cairn key `storage.spool_buffer_max_age`. */
    spoolBufferMaxAgeMs: number;
  };
  queue: {
    backend: QueueBackend;
  };
  matomo: {
    trackingEndpoints: string[];
  };
  warehouse: {
    driver: string;
    table: string;
  };
  /** The properties, in declaration order; exactly one of them may be the default. */
  properties: PropertySettings[];
  keys: ResolvedKeys;
  /** Messages about accepted-but-unused keys and mode overrides, logged once at start. */
  warnings: string[];
}
