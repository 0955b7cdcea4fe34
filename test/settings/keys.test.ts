import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, KEY_BY_ENV, KEY_BY_FLAG, KEY_BY_PATH, keySpec } from '../../src/settings/keys.js';
import { defaultValue } from '../../src/settings/values.js';

const spelling = (key: string): [string, string] => {
  const s = keySpec(key);
  return [s.flag, s.env];
};

test('YAML keys, flags and env names are all distinct', () => {
  assert.is(KEY_BY_PATH.size, KEYS.length);
  assert.is(KEY_BY_FLAG.size, KEYS.length);
  assert.is(KEY_BY_ENV.size, KEYS.length);
});

test('every entry is complete and every default converts', () => {
  for (const spec of KEYS) {
    assert.ok(spec.description.length > 10, spec.key);
    assert.ok(/^[a-z0-9-]+$/.test(spec.flag), spec.flag);
    assert.ok(/^[A-Z0-9_]+$/.test(spec.env), spec.env);
    defaultValue(spec); // throws when a default does not fit its own type
  }
});

test('the irregular d8a spellings are kept', () => {
  assert.equal(spelling('startup.skip_catch_up'), ['skip-catch-up', 'SKIP_CATCH_UP']);
  assert.equal(spelling('warehouse.clickhouse.database'), ['warehouse-clickhouse-database', 'WAREHOUSE_CLICKHOUSE_DB']);
  assert.equal(spelling('warehouse.clickhouse.username'), ['warehouse-clickhouse-username', 'WAREHOUSE_CLICKHOUSE_USER']);
  assert.equal(spelling('queue.object_storage.min_interval'), ['queue-objectstorage-min-interval', 'QUEUE_OBJECTSTORAGE_MIN_INTERVAL']);
  assert.equal(spelling('queue.object_storage.max_items_to_read_at_once'), [
    'queue-objectstorage-max-items-to-read-at-once',
    'QUEUE_OBJECTSTORAGE_MAX_ITEMS_TO_READ_AT_ONCE',
  ]);
  assert.equal(spelling('queue.object_storage.s3.access_key'), ['queue-object-storage-s3-access-key', 'QUEUE_OBJECT_STORAGE_S3_ACCESS_KEY']);
  assert.equal(spelling('queue.object_storage.prefix'), ['queue-object-storage-prefix', 'QUEUE_OBJECT_STORAGE_PREFIX']);
  assert.equal(spelling('warehouse.files.gcs.creds_json'), ['warehouse-files-gcs-creds-json', 'WAREHOUSE_FILES_GCS_CREDS_JSON']);
  assert.equal(spelling('warehouse.files.s3.disable_upload_checksums'), [
    'warehouse-files-s3-disable-upload-checksums',
    'WAREHOUSE_FILES_S3_DISABLE_UPLOAD_CHECKSUMS',
  ]);
  assert.equal(spelling('ga4.params'), ['ga4-params', 'GA4_PARAMS']);
  assert.equal(spelling('receiver.raw_log.path'), ['receiver-raw-log-path', 'RECEIVER_RAW_LOG_PATH']);
});

test('the reference key sets are all present', () => {
  const expected = [
    'debug', 'trace', 'airgapped', 'delivery.mode',
    'server.host', 'server.port', 'server.trusted_proxies',
    'receiver.batch_size', 'receiver.batch_timeout', 'receiver.max_hit_kbytes', 'receiver.batching_backend',
    'receiver.raw_log.path', 'receiver.max_body_kbytes', 'storage.spool_flush_interval', 'storage.spool_buffer_max_age',
    'sessions.timeout', 'startup.skip_catch_up', 'sessions.join_by_session_stamp', 'sessions.join_by_user_id',
    'dbip.enabled', 'dbip.destination_directory', 'dbip.download_timeout', 'dbip.refresh_interval',
    'currency.destination_directory', 'currency.refresh_interval', 'device_detector.provider',
    'property.id', 'property.name', 'property.settings.split_by_user_id', 'property.settings.split_by_campaign',
    'property.settings.split_by_time_since_first_event', 'property.settings.split_by_max_events',
    'property.settings.ip_masking_level', 'property.settings.excluded_url_params',
    'protocol', 'matomo.tracking_endpoints', 'ga4.params', 'matomo.custom_dimensions', 'matomo.custom_variables',
    'filters.fields', 'filters.conditions',
    'monitoring.enabled', 'monitoring.otel_endpoint', 'monitoring.otel_export_interval', 'monitoring.otel_insecure',
    'telemetry.url',
    'storage.bolt_directory', 'storage.queue_directory', 'storage.spool_enabled', 'storage.spool_directory',
    'storage.spool_write_chan_buffer',
    'queue.backend', 'queue.object_storage.min_interval', 'queue.object_storage.max_interval',
    'queue.object_storage.interval_exp_factor', 'queue.object_storage.max_items_to_read_at_once',
    'warehouse.driver', 'warehouse.table',
    'warehouse.bigquery.project_id', 'warehouse.bigquery.dataset_name', 'warehouse.bigquery.creds_json',
    'warehouse.bigquery.writer_type', 'warehouse.bigquery.query_timeout', 'warehouse.bigquery.table_creation_timeout',
    'warehouse.bigquery.partition_field', 'warehouse.bigquery.partition_interval',
    'warehouse.bigquery.partition_expiration_days',
    'warehouse.clickhouse.host', 'warehouse.clickhouse.port', 'warehouse.clickhouse.database',
    'warehouse.clickhouse.username', 'warehouse.clickhouse.password', 'warehouse.clickhouse.order_by',
    'warehouse.clickhouse.partition_by',
    'warehouse.files.format', 'warehouse.files.storage', 'warehouse.files.filesystem.path',
    'warehouse.files.max_segment_size', 'warehouse.files.max_segment_age', 'warehouse.files.compression',
    'warehouse.files.compression_level', 'warehouse.files.path_template', 'warehouse.files.prefix',
    'warehouse.files.type',
  ];
  const objectStorage = [
    's3.host', 's3.port', 's3.bucket', 's3.access_key', 's3.secret_key', 's3.region', 's3.protocol',
    's3.create_bucket', 's3.disable_upload_checksums', 'gcs.bucket', 'gcs.project', 'gcs.creds_json',
  ];
  for (const prefix of ['queue.object_storage.', 'warehouse.files.']) for (const s of objectStorage) expected.push(prefix + s);
  expected.push('queue.object_storage.type', 'queue.object_storage.prefix');
  for (const key of expected) assert.ok(KEY_BY_PATH.has(key), `missing ${key}`);
  // Keys Cairn adds; each is described in docs/configuration.md as Cairn's own.
  const cairnOnly = ["receiver.max_staged_kbytes", "measurement_protocol.api_secrets", "property.settings.exclude_known_bots", "queue.max_attempts", "queue.nats.url", "queue.nats.stream", "queue.nats.partitions", "queue.nats.partitions_owned", "queue.nats.workers", "queue.nats.ack_wait", "warehouse.bigquery.creds_file", "warehouse.bigquery.location", "warehouse.bigquery.clustering", "warehouse.bigquery.load_interval", "warehouse.bigquery.api_endpoint", "warehouse.clickhouse.tls", "warehouse.clickhouse.tls_ca_file", "monitoring.port", "monitoring.host"];
  const extra = KEYS.map((k) => k.key).filter((k) => !expected.includes(k));
  assert.equal(extra.sort(), [...cairnOnly].sort(), 'keys beyond the reference list');
});

test('the used / not-used split follows what Cairn implements', () => {
  // Accepted for compatibility and ignored: GCS service-account keys (Cairn reaches GCS through
  // its S3-compatible API with HMAC keys), the unused warehouse.files.type, downloads, telemetry.
  const unused = KEYS.filter((k) => !k.used).map((k) => k.key);
  assert.equal(unused.sort(), [
    'dbip.download_timeout',
    'queue.object_storage.gcs.creds_json',
    'queue.object_storage.gcs.project',
    'telemetry.url',
    'warehouse.files.gcs.creds_json',
    'warehouse.files.gcs.project',
    'warehouse.files.type',
  ]);
  assert.ok(keySpec('queue.backend').allowed?.includes('nats'));
});

test('defaults match the reference', () => {
  assert.is(defaultValue(keySpec('server.port')), 8080);
  assert.is(defaultValue(keySpec('sessions.timeout')), 1_800_000);
  assert.is(defaultValue(keySpec('receiver.max_body_kbytes')), 4096);
  assert.is(defaultValue(keySpec('receiver.raw_log.path')), '');
  assert.is(defaultValue(keySpec('queue.object_storage.prefix')), 'd8a/queue');
  assert.is(defaultValue(keySpec('warehouse.clickhouse.port')), '8123', 'the HTTP interface, not the native 9000');
  assert.is((defaultValue(keySpec('property.settings.excluded_url_params')) as string[]).length, 16);
});

test.run();
