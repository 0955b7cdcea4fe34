/**
 * Every configuration key d8a knows, plus Cairn's own additions. The YAML path, flag and env
 * spellings are d8a's (irregular ones included), so an existing d8a deployment's config keeps
 * working; the loader, the help output and docs/configuration.md are all driven by this table.
 */

export type KeyType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'string-list' | 'json-list';

/** A default as it would be written in YAML; durations stay in Go syntax so docs show `30m`. */
export type KeyDefault = string | number | boolean | readonly string[] | null;

export interface KeySpec {
  /** Dotted YAML path, e.g. `server.port`. */
  readonly key: string;
  /** Flag name without the leading dashes. */
  readonly flag: string;
  readonly env: string;
  readonly type: KeyType;
  /** `null` means "no default" (the key is empty unless set). */
  readonly default: KeyDefault;
  readonly description: string;
  /** Whether Cairn acts on the value yet; unused keys are accepted and warned about when set. */
  readonly used: boolean;
  /** Heading the key is listed under in help output. */
  readonly group: string;
  /** Closed set of accepted string values. */
  readonly allowed?: readonly string[];
  /** Compare against `allowed` ignoring case (d8a upper/lower-cases these itself). */
  readonly ignoreCase?: boolean;
  /** Inclusive bounds for int and float keys. */
  readonly min?: number;
  readonly max?: number;
  /** Durations that must be strictly positive (zero makes no sense for them). */
  readonly positive?: boolean;
  /** Strings that may not be empty. */
  readonly nonEmpty?: boolean;
  /** Replaces the standard "accepted but not used yet" warning. */
  readonly unusedNote?: string;
}

type Spec = Omit<KeySpec, 'group'>;

const G = {
  general: 'General',
  server: 'HTTP server',
  receiver: 'Receiver',
  property: 'Property and sessions',
  custom: 'Filters and custom columns',
  storage: 'Local storage',
  queue: 'Queue',
  queueObject: 'Queue on object storage',
  queueNats: 'Queue on NATS JetStream',
  warehouse: 'Warehouse',
  bigquery: 'Warehouse: BigQuery',
  clickhouse: 'Warehouse: ClickHouse',
  files: 'Warehouse: files',
  filesObject: 'Warehouse: files on object storage',
  enrichment: 'Enrichment data',
  monitoring: 'Monitoring and telemetry',
} as const;

function group(name: string, specs: Spec[]): KeySpec[] {
  return specs.map((s) => ({ ...s, group: name }));
}

/**
 * The S3/GCS credential block exists twice in d8a (queue and files warehouse) with the same shape
 * but different prefixes, so it is generated from one description.
 */
function objectStorageKeys(opts: {
  flagPrefix: string;
  envPrefix: string;
  yamlPrefix: string;
  what: string;
  /** The files warehouse has its own `prefix` (and an ignored `type`), declared separately. */
  includeTypeAndPrefix: boolean;
  prefixDefault: string;
}): Spec[] {
  const mk = (suffix: string, type: KeyType, def: KeyDefault, description: string, extra: Partial<Spec> = {}): Spec => ({
    key: opts.yamlPrefix + suffix,
    flag: opts.flagPrefix + suffix.replace(/[._]/g, '-'),
    env: opts.envPrefix + suffix.replace(/\./g, '_').toUpperCase(),
    type,
    default: def,
    description,
    used: false,
    ...extra,
  });
  const specs: Spec[] = [];
  if (opts.includeTypeAndPrefix) {
    specs.push(
      mk('type', 'string', '', `Object-store kind for ${opts.what}: s3 or gcs.`, { allowed: ['s3', 'gcs'] }),
      mk('prefix', 'string', opts.prefixDefault, `Key prefix under which ${opts.what} objects are stored.`),
    );
  }
  specs.push(
    mk('s3.host', 'string', '', `S3 endpoint host name for ${opts.what}.`),
    mk('s3.port', 'int', 9000, `S3 endpoint port for ${opts.what} (use 443 for AWS over https).`, { min: 1, max: 65535 }),
    mk('s3.bucket', 'string', '', `S3 bucket holding ${opts.what}.`),
    mk('s3.access_key', 'string', '', `Static S3 access key for ${opts.what}.`),
    mk('s3.secret_key', 'string', '', `Static S3 secret key for ${opts.what}.`),
    mk('s3.region', 'string', 'us-east-1', `S3 region for ${opts.what}.`),
    mk('s3.protocol', 'string', 'http', `Scheme of the S3 endpoint for ${opts.what}; addressing is always path-style.`, {
      allowed: ['http', 'https'],
    }),
    mk('s3.create_bucket', 'bool', false, `Create the S3 bucket for ${opts.what} at start-up if it is missing.`),
    mk(
      's3.disable_upload_checksums',
      'bool',
      false,
      `Send S3 request checksums for ${opts.what} only when required, for stores that reject the newer checksum headers.`,
    ),
    mk('gcs.bucket', 'string', '', `Existing GCS bucket holding ${opts.what}.`),
    mk('gcs.project', 'string', '', `GCS project for ${opts.what} (d8a defines it but never reads it).`),
    mk(
      'gcs.creds_json',
      'string',
      '',
      `Service-account JSON (plain or base64) for GCS access to ${opts.what}; empty uses application default credentials.`,
    ),
  );
  return specs;
}

const EXCLUDED_URL_PARAMS = [
  'utm_marketing_tactic',
  'utm_source_platform',
  'utm_term',
  'utm_content',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_id',
  'utm_creative_format',
  'gclid',
  'dclid',
  'srsltid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
] as const;

export const KEYS: readonly KeySpec[] = [
  ...group(G.general, [
    { key: 'debug', flag: 'debug', env: 'DEBUG', type: 'bool', default: false, used: true, description: 'Log at debug level.' },
    { key: 'trace', flag: 'trace', env: 'TRACE', type: 'bool', default: false, used: true, description: 'Log at trace level (implies debug).' },
    {
      key: 'airgapped',
      flag: 'airgapped',
      env: 'AIRGAPPED',
      type: 'bool',
      default: false,
      used: true,
      description: 'Never reach the internet: turns off the DB-IP and currency downloads and clears telemetry.url.',
    },
    {
      key: 'delivery.mode',
      flag: 'delivery-mode',
      env: 'DELIVERY_MODE',
      type: 'string',
      default: 'best_effort',
      used: true,
      allowed: ['best_effort', 'at_least_once'],
      description: 'best_effort, or at_least_once, which keeps pending hits and sessions on disk so a crash loses nothing.',
    },
  ]),
  ...group(G.server, [
    { key: 'server.host', flag: 'server-host', env: 'SERVER_HOST', type: 'string', default: '0.0.0.0', used: true, description: 'Address the HTTP listener binds to.' },
    { key: 'server.port', flag: 'server-port', env: 'SERVER_PORT', type: 'int', default: 8080, used: true, min: 1, max: 65535, description: 'TCP port of the HTTP listener.' },
    {
      key: 'server.trusted_proxies',
      flag: 'server-trusted-proxies',
      env: 'SERVER_TRUSTED_PROXIES',
      type: 'string-list',
      default: [],
      used: true,
      description: 'Peers (IPs or CIDRs) whose forwarding headers are believed; listing both 0.0.0.0/0 and ::/0 trusts everyone.',
    },
  ]),
  ...group(G.receiver, [
    { key: 'receiver.batch_size', flag: 'receiver-batch-size', env: 'RECEIVER_BATCH_SIZE', type: 'int', default: 5000, used: true, min: 1, description: 'Hits collected before a batch is handed to the queue.' },
    { key: 'receiver.batch_timeout', flag: 'receiver-batch-timeout', env: 'RECEIVER_BATCH_TIMEOUT', type: 'duration', default: '1s', used: true, positive: true, description: 'Longest time a partial batch waits before it is handed to the queue.' },
    { key: 'receiver.max_hit_kbytes', flag: 'receiver-max-hit-kbytes', env: 'RECEIVER_MAX_HIT_KBYTES', type: 'int', default: 128, used: true, min: 1, description: 'Largest accepted hit, in KiB; bigger hits are rejected.' },
    {
      key: 'receiver.batching_backend',
      flag: 'receiver-batching-backend',
      env: 'RECEIVER_BATCHING_BACKEND',
      type: 'string',
      default: 'memory',
      used: true,
      allowed: ['memory', 'filesystem'],
      description: 'Where a batch is kept until it is published: memory, or filesystem (survives a restart).',
    },
    {
      key: 'receiver.raw_log.path',
      flag: 'receiver-raw-log-path',
      env: 'RECEIVER_RAW_LOG_PATH',
      type: 'string',
      default: '',
      used: true,
      description: 'Cairn only: append every accepted request to this file so it can be replayed later; empty turns it off.',
    },
    {
      key: 'receiver.max_body_kbytes',
      flag: 'receiver-max-body-kbytes',
      env: 'RECEIVER_MAX_BODY_KBYTES',
      type: 'int',
      default: 4096,
      used: true,
      min: 1,
      description: 'Cairn only: largest request body in KiB; a bigger body gets 413.',
    },
    {
      key: 'receiver.max_staged_kbytes',
      flag: 'receiver-max-staged-kbytes',
      env: 'RECEIVER_MAX_STAGED_KBYTES',
      type: 'int',
      default: 0,
      used: true,
      min: 0,
      description: 'Cairn only: most KiB of accepted hits the filesystem batching may hold on disk before the receiver answers 503; 0 means no limit (a full disk still answers 503).',
    },
  ]),
  ...group(G.property, [
    { key: 'protocol', flag: 'protocol', env: 'PROTOCOL', type: 'string', default: 'ga4', used: true, allowed: ['ga4', 'd8a', 'matomo'], description: 'Tracking protocol whose columns the property table gets: ga4, d8a or matomo.' },
    { key: 'property.id', flag: 'property-id', env: 'PROPERTY_ID', type: 'string', default: 'default', used: true, nonEmpty: true, description: 'Identifier of the single property, written to the property_id column.' },
    { key: 'property.name', flag: 'property-name', env: 'PROPERTY_NAME', type: 'string', default: 'Default property', used: true, description: 'Human-readable name of the single property.' },
    { key: 'property.settings.split_by_user_id', flag: 'property-settings-split-by-user-id', env: 'PROPERTY_SETTINGS_SPLIT_BY_USER_ID', type: 'bool', default: true, used: true, description: 'Start a new session when the user ID changes.' },
    { key: 'property.settings.split_by_campaign', flag: 'property-settings-split-by-campaign', env: 'PROPERTY_SETTINGS_SPLIT_BY_CAMPAIGN', type: 'bool', default: true, used: true, description: 'Start a new session when the UTM campaign changes.' },
    {
      key: 'property.settings.split_by_time_since_first_event',
      flag: 'property-settings-split-by-time-since-first-event',
      env: 'PROPERTY_SETTINGS_SPLIT_BY_TIME_SINCE_FIRST_EVENT',
      type: 'duration',
      default: '12h',
      used: true,
      description: 'Longest span one session may cover before it is split.',
    },
    { key: 'property.settings.split_by_max_events', flag: 'property-settings-split-by-max-events', env: 'PROPERTY_SETTINGS_SPLIT_BY_MAX_EVENTS', type: 'int', default: 1000, used: true, min: 1, description: 'Most events one session may hold before it is split.' },
    {
      key: 'property.settings.ip_masking_level',
      flag: 'property-settings-ip-masking-level',
      env: 'PROPERTY_SETTINGS_IP_MASKING_LEVEL',
      type: 'int',
      default: 0,
      used: true,
      min: 0,
      max: 4,
      description: 'How much of the client IP is blanked, 0 (none) to 4 (all); level 4 needs sessions.join_by_session_stamp off.',
    },
    {
      key: 'property.settings.exclude_known_bots',
      flag: 'property-settings-exclude-known-bots',
      env: 'PROPERTY_SETTINGS_EXCLUDE_KNOWN_BOTS',
      type: 'string',
      default: 'true',
      used: true,
      allowed: ['true', 'false', 'test'],
      ignoreCase: true,
      description: 'Cairn only: drop events of known crawlers and monitoring agents (true), keep them (false), or keep them named known_bots in traffic_filter_name (test).',
    },
    {
      key: 'property.settings.excluded_url_params',
      flag: 'property-settings-excluded-url-params',
      env: 'PROPERTY_SETTINGS_EXCLUDED_URL_PARAMS',
      type: 'string-list',
      default: EXCLUDED_URL_PARAMS,
      used: true,
      description: 'Query parameters stripped from the page location before it is stored.',
    },
    { key: 'sessions.timeout', flag: 'sessions-timeout', env: 'SESSIONS_TIMEOUT', type: 'duration', default: '30m', used: true, positive: true, description: 'Inactivity after which a session is closed and written.' },
    { key: 'sessions.join_by_session_stamp', flag: 'sessions-join-by-session-stamp', env: 'SESSIONS_JOIN_BY_SESSION_STAMP', type: 'bool', default: true, used: true, description: 'Merge visits that share a session stamp (derived from IP and user agent) into one session.' },
    { key: 'sessions.join_by_user_id', flag: 'sessions-join-by-user-id', env: 'SESSIONS_JOIN_BY_USER_ID', type: 'bool', default: true, used: true, description: 'Merge visits that share a user ID into one session.' },
    { key: 'startup.skip_catch_up', flag: 'skip-catch-up', env: 'SKIP_CATCH_UP', type: 'bool', default: false, used: true, description: 'Skip replaying the timing wheel up to the present when the worker starts.' },
  ]),
  ...group(G.custom, [
    { key: 'filters.fields', flag: 'filters-fields', env: 'FILTERS_FIELDS', type: 'string-list', default: ['ip_address'], used: true, description: 'Event fields that traffic-filter expressions may read.' },
    {
      key: 'filters.conditions',
      flag: 'filters-conditions',
      env: 'FILTERS_CONDITIONS',
      type: 'json-list',
      default: [],
      used: true,
      description: 'Traffic filters {name, type: exclude|allow, test_mode, expression}; flag and env entries (JSON) are added after the YAML ones.',
    },
    {
      key: 'measurement_protocol.api_secrets',
      flag: 'measurement-protocol-api-secrets',
      env: 'MEASUREMENT_PROTOCOL_API_SECRETS',
      type: 'string-list',
      default: [],
      used: true,
      description:
        'Cairn only: API secrets a GA4 Measurement Protocol request (/mp/collect) must carry in api_secret; none turns the endpoint off. Workers use it too: web sessions of such a property can be joined by session_id.',
    },
    {
      key: 'ga4.params',
      flag: 'ga4-params',
      env: 'GA4_PARAMS',
      type: 'json-list',
      default: [],
      used: true,
      description: 'Event parameters promoted to their own columns {name, column_name, scope, type}; flag and env JSON arrays are added after the YAML ones.',
    },
    {
      key: 'matomo.tracking_endpoints',
      flag: 'matomo-tracking-endpoints',
      env: 'MATOMO_TRACKING_ENDPOINTS',
      type: 'string-list',
      default: [],
      used: true,
      description: 'Extra request paths served by the Matomo protocol besides /matomo.php (for example /piwik.php).',
    },
    {
      key: 'matomo.custom_dimensions',
      flag: 'matomo-custom-dimensions',
      env: 'MATOMO_CUSTOM_DIMENSIONS',
      type: 'json-list',
      default: [],
      used: true,
      description: 'Matomo custom dimensions promoted to columns {slot, name, column_name, scope, type}; flag and env JSON arrays are added after the YAML ones.',
    },
    {
      key: 'matomo.custom_variables',
      flag: 'matomo-custom-variables',
      env: 'MATOMO_CUSTOM_VARIABLES',
      type: 'json-list',
      default: [],
      used: true,
      description: 'Matomo custom variables promoted to columns {name, column_name, scope, type}; flag and env JSON arrays are added after the YAML ones.',
    },
  ]),
  ...group(G.storage, [
    { key: 'storage.bolt_directory', flag: 'storage-bolt-directory', env: 'STORAGE_BOLT_DIRECTORY', type: 'string', default: '.', used: true, description: 'Directory of the worker state database (open sessions, identifiers, timing wheel).' },
    { key: 'storage.queue_directory', flag: 'storage-queue-directory', env: 'STORAGE_QUEUE_DIRECTORY', type: 'string', default: './queue', used: true, description: 'Directory of the filesystem queue and of file-backed receiver batches.' },
    { key: 'storage.spool_enabled', flag: 'storage-spool-enabled', env: 'STORAGE_SPOOL_ENABLED', type: 'bool', default: true, used: true, description: 'Buffer finished sessions on disk before they reach the warehouse.' },
    { key: 'storage.spool_directory', flag: 'storage-spool-directory', env: 'STORAGE_SPOOL_DIRECTORY', type: 'string', default: './spool', used: true, description: 'Directory of the on-disk session and files-driver spools.' },
    { key: 'storage.spool_write_chan_buffer', flag: 'storage-spool-write-chan-buffer', env: 'STORAGE_SPOOL_WRITE_CHAN_BUFFER', type: 'int', default: 1000, used: true, min: 0, description: 'How many spool writes may wait in line before writers are held back.' },
    { key: 'storage.spool_flush_interval', flag: 'storage-spool-flush-interval', env: 'STORAGE_SPOOL_FLUSH_INTERVAL', type: 'duration', default: '1s', used: true, positive: true, description: 'Cairn only. How often the session spool hands spooled sessions to the warehouse driver (the reference uses 1m).' },
    { key: 'storage.spool_buffer_max_age', flag: 'storage-spool-buffer-max-age', env: 'STORAGE_SPOOL_BUFFER_MAX_AGE', type: 'duration', default: '1s', used: true, positive: true, description: 'Cairn only. Best effort: the longest a closed session waits in memory before it goes to the spool (the reference uses 30s).' },
  ]),
  ...group(G.queue, [
    {
      key: 'queue.backend',
      flag: 'queue-backend',
      env: 'QUEUE_BACKEND',
      type: 'string',
      default: 'filesystem',
      used: true,
      allowed: ['filesystem', 'objectstorage', 'nats'],
      description: 'Transport between receiver and worker: filesystem, objectstorage or nats.',
    },
    { key: 'queue.max_attempts', flag: 'queue-max-attempts', env: 'QUEUE_MAX_ATTEMPTS', type: 'int', default: 10, used: true, min: 1, description: 'Cairn only: times a task whose processing fails is tried before it moves to the dead letters (objectstorage and nats backends; the filesystem queue retries without limit).' },
  ]),
  ...group(G.queueObject, [
    // d8a spells these four flags without the inner dash, unlike the generated set below.
    { key: 'queue.object_storage.min_interval', flag: 'queue-objectstorage-min-interval', env: 'QUEUE_OBJECTSTORAGE_MIN_INTERVAL', type: 'duration', default: '5s', used: true, description: 'Shortest pause between two listings of the object-storage queue.' },
    { key: 'queue.object_storage.max_interval', flag: 'queue-objectstorage-max-interval', env: 'QUEUE_OBJECTSTORAGE_MAX_INTERVAL', type: 'duration', default: '1m', used: true, description: 'Longest pause between two listings once the queue has been idle.' },
    { key: 'queue.object_storage.interval_exp_factor', flag: 'queue-objectstorage-interval-exp-factor', env: 'QUEUE_OBJECTSTORAGE_INTERVAL_EXP_FACTOR', type: 'float', default: 1.5, used: true, min: 1, description: 'Factor by which the listing pause grows while nothing arrives.' },
    { key: 'queue.object_storage.max_items_to_read_at_once', flag: 'queue-objectstorage-max-items-to-read-at-once', env: 'QUEUE_OBJECTSTORAGE_MAX_ITEMS_TO_READ_AT_ONCE', type: 'int', default: 1000, used: true, min: 1, description: 'Most queue objects fetched per listing.' },
    // The queue's copy of the generated set is read by src/queue/objectstorage (gcs.creds_json
    // and gcs.project excepted: Cairn reaches GCS through its S3-compatible API).
    ...objectStorageKeys({
      flagPrefix: 'queue-object-storage-',
      envPrefix: 'QUEUE_OBJECT_STORAGE_',
      yamlPrefix: 'queue.object_storage.',
      what: 'the queue',
      includeTypeAndPrefix: true,
      prefixDefault: 'd8a/queue',
    }).map((s) => ({ ...s, used: s.key !== 'queue.object_storage.gcs.creds_json' && s.key !== 'queue.object_storage.gcs.project' })),
  ]),
  ...group(G.queueNats, [
    { key: 'queue.nats.url', flag: 'queue-nats-url', env: 'QUEUE_NATS_URL', type: 'string', default: 'nats://127.0.0.1:4222', used: true, nonEmpty: true, description: 'Cairn only: NATS server URL(s), comma-separated, for queue.backend nats.' },
    { key: 'queue.nats.stream', flag: 'queue-nats-stream', env: 'QUEUE_NATS_STREAM', type: 'string', default: 'CAIRN_QUEUE', used: true, nonEmpty: true, description: 'Cairn only: JetStream stream of the queue (created if missing); its name is also the root of the subjects.' },
    { key: 'queue.nats.partitions', flag: 'queue-nats-partitions', env: 'QUEUE_NATS_PARTITIONS', type: 'int', default: 16, used: true, min: 1, max: 4096, description: 'Cairn only: partitions the hits are spread over by client; the same on every receiver and worker, and the most workers that can share the load.' },
    { key: 'queue.nats.partitions_owned', flag: 'queue-nats-partitions-owned', env: 'QUEUE_NATS_PARTITIONS_OWNED', type: 'string-list', default: [], used: true, description: 'Cairn only: partitions this worker consumes, as numbers and ranges (0-7,12); empty claims a share automatically.' },
    { key: 'queue.nats.workers', flag: 'queue-nats-workers', env: 'QUEUE_NATS_WORKERS', type: 'int', default: 1, used: true, min: 1, description: 'Cairn only: workers expected to share the partitions; an automatically assigned worker claims partitions/workers of them (rounded up).' },
    { key: 'queue.nats.ack_wait', flag: 'queue-nats-ack-wait', env: 'QUEUE_NATS_ACK_WAIT', type: 'duration', default: '30s', used: true, positive: true, description: 'Cairn only: how long a delivered task may stay unacknowledged before NATS delivers it again.' },
  ]),
  ...group(G.warehouse, [
    {
      key: 'warehouse.driver',
      flag: 'warehouse-driver',
      env: 'WAREHOUSE_DRIVER',
      type: 'string',
      default: 'console',
      used: true,
      allowed: ['clickhouse', 'bigquery', 'files', 'console', 'noop'],
      description: 'Where finished rows go: clickhouse, bigquery, files, console or noop.',
    },
    { key: 'warehouse.table', flag: 'warehouse-table', env: 'WAREHOUSE_TABLE', type: 'string', default: 'events', used: true, nonEmpty: true, description: 'Name of the events table (the default for every property).' },
  ]),
  ...group(G.bigquery, [
    { key: 'warehouse.bigquery.project_id', flag: 'warehouse-bigquery-project-id', env: 'WAREHOUSE_BIGQUERY_PROJECT_ID', type: 'string', default: '', used: true, description: 'Google Cloud project of the dataset (required for BigQuery).' },
    { key: 'warehouse.bigquery.dataset_name', flag: 'warehouse-bigquery-dataset-name', env: 'WAREHOUSE_BIGQUERY_DATASET_NAME', type: 'string', default: '', used: true, description: 'Existing dataset the tables are created in (required for BigQuery).' },
    { key: 'warehouse.bigquery.creds_json', flag: 'warehouse-bigquery-creds-json', env: 'WAREHOUSE_BIGQUERY_CREDS_JSON', type: 'string', default: '', used: true, description: 'Service-account key JSON, plain or base64 (required for BigQuery).' },
    { key: 'warehouse.bigquery.writer_type', flag: 'warehouse-bigquery-writer-type', env: 'WAREHOUSE_BIGQUERY_WRITER_TYPE', type: 'string', default: 'loadjob', used: true, allowed: ['loadjob', 'streaming', ''], ignoreCase: true, description: 'How rows are written: loadjob or streaming.' },
    { key: 'warehouse.bigquery.query_timeout', flag: 'warehouse-bigquery-query-timeout', env: 'WAREHOUSE_BIGQUERY_QUERY_TIMEOUT', type: 'duration', default: '30s', used: true, description: 'Time limit of each metadata call, DDL statement and write.' },
    { key: 'warehouse.bigquery.table_creation_timeout', flag: 'warehouse-bigquery-table-creation-timeout', env: 'WAREHOUSE_BIGQUERY_TABLE_CREATION_TIMEOUT', type: 'duration', default: '10s', used: true, description: 'How long to wait for a new table to become visible.' },
    { key: 'warehouse.bigquery.partition_field', flag: 'warehouse-bigquery-partition-field', env: 'WAREHOUSE_BIGQUERY_PARTITION_FIELD', type: 'string', default: 'date_utc', used: true, description: 'Column the table is partitioned on; empty means no partitioning.' },
    { key: 'warehouse.bigquery.partition_interval', flag: 'warehouse-bigquery-partition-interval', env: 'WAREHOUSE_BIGQUERY_PARTITION_INTERVAL', type: 'string', default: 'DAY', used: true, allowed: ['HOUR', 'DAY', 'MONTH', 'YEAR', ''], ignoreCase: true, description: 'Partition size: HOUR, DAY, MONTH or YEAR.' },
    { key: 'warehouse.bigquery.partition_expiration_days', flag: 'warehouse-bigquery-partition-expiration-days', env: 'WAREHOUSE_BIGQUERY_PARTITION_EXPIRATION_DAYS', type: 'int', default: 0, used: true, min: 0, description: 'Days after which a partition is dropped; 0 keeps partitions forever.' },
    // Cairn only (BigQuery): the key as a file, the dataset's location, clustering, the load-job cadence, another API root.
    { key: 'warehouse.bigquery.creds_file', flag: 'warehouse-bigquery-creds-file', env: 'WAREHOUSE_BIGQUERY_CREDS_FILE', type: 'string', default: '', used: true, description: 'Cairn only: path of a service-account key file, read when creds_json is empty.' },
    { key: 'warehouse.bigquery.location', flag: 'warehouse-bigquery-location', env: 'WAREHOUSE_BIGQUERY_LOCATION', type: 'string', default: '', used: true, description: 'Cairn only: location of the dataset (e.g. EU, europe-west3); empty lets BigQuery infer it.' },
    { key: 'warehouse.bigquery.clustering', flag: 'warehouse-bigquery-clustering', env: 'WAREHOUSE_BIGQUERY_CLUSTERING', type: 'string-list', default: [], used: true, description: 'Cairn only: up to four columns new tables are clustered by, e.g. property_id,name; empty means no clustering.' },
    { key: 'warehouse.bigquery.load_interval', flag: 'warehouse-bigquery-load-interval', env: 'WAREHOUSE_BIGQUERY_LOAD_INTERVAL', type: 'duration', default: '60s', used: true, positive: true, description: 'Cairn only: with writer_type loadjob, how often each table gets a load job (at most one per interval; 60s stays under 1,500 jobs a day).' },
    { key: 'warehouse.bigquery.api_endpoint', flag: 'warehouse-bigquery-api-endpoint', env: 'WAREHOUSE_BIGQUERY_API_ENDPOINT', type: 'string', default: '', used: true, description: 'Cairn only: root URL of another BigQuery API (an emulator or a test double); requests are then signed with the key itself.' },
  ]),
  ...group(G.clickhouse, [
    { key: 'warehouse.clickhouse.host', flag: 'warehouse-clickhouse-host', env: 'WAREHOUSE_CLICKHOUSE_HOST', type: 'string', default: '', used: true, description: 'ClickHouse server host (required for ClickHouse).' },
    {
      key: 'warehouse.clickhouse.port',
      flag: 'warehouse-clickhouse-port',
      env: 'WAREHOUSE_CLICKHOUSE_PORT',
      type: 'string',
      default: '8123',
      used: true,
      description: "Port of ClickHouse's HTTP interface (8443 is the usual one with TLS). Cairn speaks HTTP, so d8a's default 9000, the native protocol port, does not work.",
    },
    { key: 'warehouse.clickhouse.database', flag: 'warehouse-clickhouse-database', env: 'WAREHOUSE_CLICKHOUSE_DB', type: 'string', default: '', used: true, description: 'Existing database the tables are created in (required for ClickHouse).' },
    { key: 'warehouse.clickhouse.username', flag: 'warehouse-clickhouse-username', env: 'WAREHOUSE_CLICKHOUSE_USER', type: 'string', default: '', used: true, description: 'ClickHouse user name; empty means the user default.' },
    { key: 'warehouse.clickhouse.password', flag: 'warehouse-clickhouse-password', env: 'WAREHOUSE_CLICKHOUSE_PASSWORD', type: 'string', default: '', used: true, description: 'ClickHouse password.' },
    { key: 'warehouse.clickhouse.order_by', flag: 'warehouse-clickhouse-order-by', env: 'WAREHOUSE_CLICKHOUSE_ORDER_BY', type: 'string', default: 'property_id,date_utc,session_id', used: true, description: 'Comma-separated sorting key of new MergeTree tables.' },
    { key: 'warehouse.clickhouse.partition_by', flag: 'warehouse-clickhouse-partition-by', env: 'WAREHOUSE_CLICKHOUSE_PARTITION_BY', type: 'string', default: 'toYYYYMM(date_utc)', used: true, description: 'Partition expression of new tables; empty means none.' },
    { key: 'warehouse.clickhouse.tls', flag: 'warehouse-clickhouse-tls', env: 'WAREHOUSE_CLICKHOUSE_TLS', type: 'bool', default: false, used: true, description: 'Cairn only: connect over HTTPS.' },
    {
      key: 'warehouse.clickhouse.tls_ca_file',
      flag: 'warehouse-clickhouse-tls-ca-file',
      env: 'WAREHOUSE_CLICKHOUSE_TLS_CA_FILE',
      type: 'string',
      default: '',
      used: true,
      description: "Cairn only: PEM file of the certificate authorities to trust for the server's certificate instead of the system's (with warehouse.clickhouse.tls).",
    },
  ]),
  ...group(G.files, [
    { key: 'warehouse.files.format', flag: 'warehouse-files-format', env: 'WAREHOUSE_FILES_FORMAT', type: 'string', default: 'csv', used: true, allowed: ['csv', 'parquet'], description: 'Output file format: csv or parquet.' },
    { key: 'warehouse.files.storage', flag: 'warehouse-files-storage', env: 'WAREHOUSE_FILES_STORAGE', type: 'string', default: '', used: true, allowed: ['s3', 'gcs', 'filesystem', ''], description: 'Where finished files are uploaded: s3, gcs or filesystem (required for the files driver).' },
    { key: 'warehouse.files.filesystem.path', flag: 'warehouse-files-filesystem-path', env: 'WAREHOUSE_FILES_FILESYSTEM_PATH', type: 'string', default: '', used: true, description: 'Destination directory when storage is filesystem.' },
    { key: 'warehouse.files.max_segment_size', flag: 'warehouse-files-max-segment-size', env: 'WAREHOUSE_FILES_MAX_SEGMENT_SIZE', type: 'int', default: 1073741824, used: true, min: 1, description: 'Size in bytes at which the file being written is sealed.' },
    { key: 'warehouse.files.max_segment_age', flag: 'warehouse-files-max-segment-age', env: 'WAREHOUSE_FILES_MAX_SEGMENT_AGE', type: 'duration', default: '1h', used: true, description: 'How often sealed and open files are flushed to the destination.' },
    { key: 'warehouse.files.compression', flag: 'warehouse-files-compression', env: 'WAREHOUSE_FILES_COMPRESSION', type: 'string', default: '', used: true, description: 'Compression: gzip for csv; snappy, gzip or zstd for parquet; empty for none.' },
    { key: 'warehouse.files.compression_level', flag: 'warehouse-files-compression-level', env: 'WAREHOUSE_FILES_COMPRESSION_LEVEL', type: 'int', default: -1, used: true, min: -1, max: 9, description: 'gzip level of csv.gz files (Parquet gzip pages always use level 6); -1 picks the library default.' },
    {
      key: 'warehouse.files.path_template',
      flag: 'warehouse-files-path-template',
      env: 'WAREHOUSE_FILES_PATH_TEMPLATE',
      type: 'string',
      default: 'table={{.Table}}/schema={{.Schema}}/y={{.Year}}/m={{.MonthPadded}}/d={{.DayPadded}}/{{.SegmentID}}.{{.Extension}}',
      used: true,
      description: 'Go-template for the object key of each uploaded file.',
    },
    { key: 'warehouse.files.prefix', flag: 'warehouse-files-prefix', env: 'WAREHOUSE_FILES_PREFIX', type: 'string', default: '', used: true, description: 'Text put literally before every object key (end it with / for a folder).' },
  ]),
  ...group(
    G.filesObject,
    objectStorageKeys({
      flagPrefix: 'warehouse-files-',
      envPrefix: 'WAREHOUSE_FILES_',
      yamlPrefix: 'warehouse.files.',
      what: 'warehouse files',
      includeTypeAndPrefix: false,
      prefixDefault: '',
      // Read by src/warehouse/files; GCS goes through its S3-compatible API, so creds_json and project are not.
    }).map((k) => ({ ...k, used: k.key !== 'warehouse.files.gcs.creds_json' && k.key !== 'warehouse.files.gcs.project' })),
  ),
  ...group(G.filesObject, [
    { key: 'warehouse.files.type', flag: 'warehouse-files-type', env: 'WAREHOUSE_FILES_TYPE', type: 'string', default: '', used: false, description: 'Generated alongside the S3/GCS keys but ignored by d8a; warehouse.files.storage decides.' },
  ]),
  ...group(G.enrichment, [
    { key: 'dbip.enabled', flag: 'dbip-enabled', env: 'DBIP_ENABLED', type: 'bool', default: false, used: true, description: 'Look up geography from the DB-IP city database.' },
    { key: 'dbip.destination_directory', flag: 'dbip-destination-directory', env: 'DBIP_DESTINATION_DIRECTORY', type: 'string', default: './dbip', used: true, description: 'Directory the DB-IP database is downloaded to.' },
    { key: 'dbip.download_timeout', flag: 'dbip-download-timeout', env: 'DBIP_DOWNLOAD_TIMEOUT', type: 'duration', default: '60s', used: false, description: 'Time limit of one DB-IP download.' },
    { key: 'dbip.refresh_interval', flag: 'dbip-refresh-interval', env: 'DBIP_REFRESH_INTERVAL', type: 'duration', default: '6h', used: true, description: 'How often a newer DB-IP database is looked for; 0 never (forced by airgapped).' },
    { key: 'currency.destination_directory', flag: 'currency-destination-directory', env: 'CURRENCY_DESTINATION_DIRECTORY', type: 'string', default: './currency', used: true, description: 'Directory the exchange-rate data is downloaded to.' },
    { key: 'currency.refresh_interval', flag: 'currency-refresh-interval', env: 'CURRENCY_REFRESH_INTERVAL', type: 'duration', default: '6h', used: true, description: 'How often exchange rates are refreshed; 0 never (forced by airgapped).' },
    { key: 'device_detector.provider', flag: 'device-detector-provider', env: 'DEVICE_DETECTOR_PROVIDER', type: 'string', default: 'dd2', used: true, allowed: ['dd2', 'stub'], description: 'User-agent parser: dd2 (full detection) or stub (none, for tests).' },
  ]),
  ...group(G.monitoring, [
    { key: 'monitoring.enabled', flag: 'monitoring-enabled', env: 'MONITORING_ENABLED', type: 'bool', default: false, used: true, description: 'Push OpenTelemetry metrics to the OTLP/gRPC collector at monitoring.otel_endpoint.' },
    { key: 'monitoring.otel_endpoint', flag: 'monitoring-otel-endpoint', env: 'MONITORING_OTEL_ENDPOINT', type: 'string', default: 'localhost:4317', used: true, description: 'OTLP gRPC collector address: host:port, or an http(s):// URL.' },
    { key: 'monitoring.otel_export_interval', flag: 'monitoring-otel-export-interval', env: 'MONITORING_OTEL_EXPORT_INTERVAL', type: 'duration', default: '30s', used: true, positive: true, description: 'How often metrics are pushed to the collector.' },
    { key: 'monitoring.otel_insecure', flag: 'monitoring-otel-insecure', env: 'MONITORING_OTEL_INSECURE', type: 'bool', default: false, used: true, description: 'Talk to the collector without TLS.' },
    {
      key: 'monitoring.port',
      flag: 'monitoring-port',
      env: 'MONITORING_PORT',
      type: 'int',
      default: 0,
      used: true,
      min: 0,
      max: 65535,
      description: 'Cairn only: TCP port of /metrics (Prometheus), /status and the debug view; 0 keeps it closed.',
    },
    {
      key: 'monitoring.host',
      flag: 'monitoring-host',
      env: 'MONITORING_HOST',
      type: 'string',
      default: '127.0.0.1',
      used: true,
      nonEmpty: true,
      description: 'Cairn only: address the monitoring port binds to; the debug view shows visitor data, so it stays on loopback unless set.',
    },
    {
      key: 'telemetry.url',
      flag: 'telemetry-url',
      env: 'TELEMETRY_URL',
      type: 'string',
      default: 'https://global.t.d8a.tech/28b4fbc6-a4d0-49c4-883f-58314f83416e/g/collect',
      used: false,
      description: "d8a's usage-ping address. Cairn never sends usage telemetry, so the value is accepted and ignored.",
      unusedNote: 'telemetry.url is accepted for compatibility and ignored: Cairn never sends usage telemetry',
    },
  ]),
];

export const KEY_BY_PATH: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.key, k]));
export const KEY_BY_FLAG: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.flag, k]));
export const KEY_BY_ENV: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.env, k]));

/** Dotted paths that are sections (have keys below them), e.g. `warehouse`, `warehouse.files.s3`. */
export const SECTION_PATHS: ReadonlySet<string> = new Set(
  KEYS.flatMap((k) => {
    const parts = k.key.split('.');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);

/** Looks a key up and fails loudly, for code that names keys literally. */
export function keySpec(path: string): KeySpec {
  const spec = KEY_BY_PATH.get(path);
  if (!spec) throw new Error(`unknown configuration key ${path}`);
  return spec;
}

/** The warning logged once when a user sets a key Cairn does not act on yet. */
export function unusedKeyWarning(spec: KeySpec): string {
  return spec.unusedNote ?? `${spec.key} is accepted for compatibility but not used by Cairn yet`;
}
