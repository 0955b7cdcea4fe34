/**
 * The files warehouse on object storage: `S3Uploader` and `warehouse.files.storage: s3 | gcs`
 * through the real `@aws-sdk/client-s3` against s3rver on a loopback port.
 */
import { join } from 'node:path';
import { Field, Float64, Int64, List, Schema, Struct, TimestampSecond, DateDay, Utf8 } from 'apache-arrow';
import { S3Client } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSettings } from '../../src/settings/load.js';
import type { Settings } from '../../src/settings/types.js';
import type { Row } from '../../src/warehouse/driver.js';
import {
  createFilesDriver,
  CsvFormat,
  FilesConfigError,
  FilesDriver,
  FilesSchemaStore,
  fileSpoolFactory,
  filesWorkingPaths,
  InvalidObjectKeyError,
  S3_MIN_PART_BYTES,
  S3Uploader,
  type ObjectUpload,
  type ObjectUploader,
} from '../../src/warehouse/files/index.js';
import { LocalS3, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY } from '../support/s3.js';
import { csvDicts, FakeTimers, recordingLogger, tempDir, waitFor } from './helpers.js';
import { rejection } from '../support/rejection.js';

const BUCKET = 'cairn-events';
let s3: LocalS3;

test.before.each(async () => {
  s3 = await LocalS3.start([BUCKET]);
});
test.after.each(async () => {
  await s3.stop();
});

const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('timestamp_utc', new TimestampSecond('UTC'), false),
  new Field('date_utc', new DateDay(), false),
  new Field('session_hit_number', new Int64(), true),
  new Field('params', new List(new Field('item', new Struct([new Field('name', new Utf8(), true), new Field('value_number', new Float64(), true)]), true)), true),
]);

function row(n: number): Row {
  return { id: `event-${n}`, timestamp_utc: '2025-01-15T12:00:00Z', date_utc: '2025-01-15', session_hit_number: n, params: [{ name: 'p', value_number: n }] };
}

/** A client that also notes the name of every command it sends. */
function recordingClient(): { client: S3Client; sent: string[] } {
  const c = client();
  const sent: string[] = [];
  const send = c.send.bind(c);
  c.send = ((command: { constructor: { name: string } }) => {
    sent.push(command.constructor.name.replace(/Command$/, ''));
    return send(command as never);
  }) as typeof c.send;
  return { client: c, sent };
}

function client(): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: S3RVER_SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

function settingsFor(extra: string[], spool = tempDir('s3-spool')): Settings {
  const args = [
    '--warehouse-driver', 'files',
    '--storage-spool-directory', spool,
    '--warehouse-files-s3-host', '127.0.0.1',
    '--warehouse-files-s3-port', String(s3.port),
    '--warehouse-files-s3-access-key', S3RVER_ACCESS_KEY,
    '--warehouse-files-s3-secret-key', S3RVER_SECRET_KEY,
    ...extra,
  ];
  return loadSettings({ args, env: {}, cwd: process.cwd() }).settings;
}

async function csvRowsOf(keys: readonly string[]): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for (const key of keys) rows.push(...csvDicts((await s3.get(BUCKET, key)).toString('utf8')));
  return rows;
}

// ---- the uploader ----------------------------------------------------------------------------------------

test('S3Uploader: a small object appears only on commit; commit is idempotent, abort after commit is refused', async () => {
  const uploader = new S3Uploader({ client: client(), bucket: BUCKET });
  const upload = await uploader.begin('dir/small.csv');
  await upload.write(Buffer.from('a,b\n'));
  await upload.write(Buffer.from('1,2\n'));
  await upload.end();
  assert.not.ok(await s3.exists(BUCKET, 'dir/small.csv'), 'invisible before commit');
  await upload.commit();
  await upload.commit();
  assert.is((await s3.get(BUCKET, 'dir/small.csv')).toString(), 'a,b\n1,2\n');
  assert.match((await rejection(upload.abort())).message, /was committed/);
  assert.instance(await rejection(uploader.begin('/absolute')), InvalidObjectKeyError);
  assert.instance(await rejection(uploader.begin('')), InvalidObjectKeyError);
});

test('S3Uploader: a large object goes up in parts while it is written and appears whole on commit', async () => {
  const { client: c, sent } = recordingClient();
  const uploader = new S3Uploader({ client: c, bucket: BUCKET, partBytes: S3_MIN_PART_BYTES });
  const upload = await uploader.begin('big.bin');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 12; i++) {
    chunk.fill(i);
    await upload.write(chunk);
  }
  await upload.end();
  assert.equal(sent, ['CreateMultipartUpload', 'UploadPart', 'UploadPart'], 'parts were sent while writing');
  assert.not.ok(await s3.exists(BUCKET, 'big.bin'));
  await upload.commit();
  assert.equal(sent.slice(3), ['UploadPart', 'CompleteMultipartUpload'], 'the rest went as the last part');
  const body = await s3.get(BUCKET, 'big.bin');
  assert.is(body.length, 12 * 1024 * 1024);
  for (let i = 0; i < 12; i++) assert.is(body[i * 1024 * 1024 + 7], i, `megabyte ${i} in place`);
});

test('S3Uploader: abort discards the parts and nothing appears; commit after abort is refused', async () => {
  const { client: c, sent } = recordingClient();
  const uploader = new S3Uploader({ client: c, bucket: BUCKET, partBytes: S3_MIN_PART_BYTES });
  const upload = await uploader.begin('aborted.bin');
  await upload.write(Buffer.alloc(S3_MIN_PART_BYTES + 10));
  await upload.abort();
  await upload.abort();
  assert.not.ok(await s3.exists(BUCKET, 'aborted.bin'));
  assert.equal(sent, ['CreateMultipartUpload', 'UploadPart', 'AbortMultipartUpload']);
  assert.match((await rejection(upload.commit())).message, /was aborted/);
});

test('S3Uploader.prepare: creates a bucket on request, refuses a missing one otherwise', async () => {
  const uploader = new S3Uploader({ client: client(), bucket: 'fresh-bucket' });
  const missing = await rejection(uploader.prepare(false));
  assert.match(missing.message, /bucket fresh-bucket cannot be used \(not found\)/);
  assert.is(await uploader.prepare(true), null);
  assert.is(await uploader.prepare(true), null, 'an existing bucket is fine');
  assert.is(await uploader.prepare(false), null);
});

// ---- the files driver on s3 and gcs -----------------------------------------------------------------------

test('storage s3: CSV segments under the prefix and the path template, bucket created at start-up', async () => {
  const settings = settingsFor([
    '--warehouse-files-storage', 's3',
    '--warehouse-files-s3-bucket', 'new-bucket',
    '--warehouse-files-s3-create-bucket',
    '--warehouse-files-prefix', 'cairn/',
  ]);
  const driver = await createFilesDriver(settings, recordingLogger());
  await driver.write('events', schema, [row(1), row(2)]);
  await driver.write('events', schema, [row(3)]);
  await driver.close();
  const keys = await s3.keys('new-bucket');
  assert.is(keys.length, 1);
  assert.match(keys[0] ?? '', /^cairn\/table=events\/schema=[0-9a-f]{16}\/y=\d{4}\/m=\d{2}\/d=\d{2}\/\d+_[0-9a-f]{20}\.csv$/);
  const rows = csvDicts((await s3.get('new-bucket', keys[0] ?? '')).toString('utf8'));
  assert.equal(rows.map((r) => r['id']), ['event-1', 'event-2', 'event-3']);
  assert.is(rows[0]?.['params'], '[{"name":"p","value_number":1}]');
});

test('storage gcs: the S3-compatible API with an HMAC key pair, Parquet with zstd', async () => {
  const settings = settingsFor([
    '--warehouse-files-storage', 'gcs',
    '--warehouse-files-gcs-bucket', BUCKET,
    '--warehouse-files-format', 'parquet',
    '--warehouse-files-compression', 'zstd',
  ]);
  const driver = await createFilesDriver(settings, recordingLogger());
  await driver.write('events', schema, [row(1), row(2)]);
  await driver.close();
  const keys = await s3.keys(BUCKET);
  assert.is(keys.length, 1);
  assert.match(keys[0] ?? '', /\.parquet$/);
  const bytes = await s3.get(BUCKET, keys[0] ?? '');
  const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, compressors });
  assert.equal(rows.map((r) => r['id']), ['event-1', 'event-2']);
  assert.equal(rows[1]?.['params'], [{ name: 'p', value_number: 2 }]);
});

test('object storage settings: each missing key is named', async () => {
  const cases: [string[], RegExp][] = [
    [['--warehouse-files-storage', 's3'], /storage s3 needs warehouse\.files\.s3\.bucket/],
    [['--warehouse-files-storage', 'gcs'], /storage gcs needs warehouse\.files\.gcs\.bucket/],
    [
      ['--warehouse-files-storage', 'gcs', '--warehouse-files-gcs-bucket', 'b', '--warehouse-files-s3-access-key=', '--warehouse-files-gcs-creds-json', '{}'],
      /gcs\.creds_json is not used by Cairn/,
    ],
    [['--warehouse-files-storage', 's3', '--warehouse-files-s3-bucket', 'absent'], /bucket absent cannot be used/],
    [['--warehouse-files-storage', 's3', '--warehouse-files-s3-bucket', BUCKET, '--warehouse-files-format', 'parquet', '--warehouse-files-compression', 'lz4'], /not supported for parquet/],
  ];
  for (const [args, expected] of cases) {
    const err = await rejection(createFilesDriver(settingsFor(args), recordingLogger()));
    assert.instance(err, FilesConfigError, args.join(' '));
    assert.match(err.message, expected);
  }
});

// ---- crash and outage ------------------------------------------------------------------------------------

/** Uploads for real, then fails the commit's answer `failures` times, as a crash after the upload would. */
class AnswerLosingUploader implements ObjectUploader {
  constructor(
    private readonly inner: ObjectUploader,
    public failures: number,
  ) {}

  describe(): string {
    return this.inner.describe();
  }

  async begin(key: string): Promise<ObjectUpload> {
    const upload = await this.inner.begin(key);
    const commit = async (): Promise<void> => {
      await upload.commit();
      if (this.failures > 0) {
        this.failures--;
        throw new Error('connection lost after the object was stored');
      }
    };
    return Object.assign(Object.create(upload) as ObjectUpload, { key: upload.key, commit, write: upload.write.bind(upload), end: upload.end.bind(upload), abort: async () => undefined });
  }
}

test('a segment uploaded again after a failure overwrites its object instead of duplicating it', async () => {
  const base = tempDir('s3-crash');
  const paths = filesWorkingPaths(join(base, 'spool'));
  const timers = new FakeTimers();
  const uploader = new AnswerLosingUploader(new S3Uploader({ client: client(), bucket: BUCKET }), 1);
  const driver = new FilesDriver({
    store: await FilesSchemaStore.open(paths.metadataFile),
    spoolFactory: fileSpoolFactory(paths.spoolDirectory, recordingLogger(), timers),
    uploader,
    format: new CsvFormat(),
    timers,
  });
  await driver.write('events', schema, [row(1), row(2)]);
  assert.instance(await rejection(driver.flush()), Error);
  assert.is((await s3.keys(BUCKET)).length, 1, 'the object is there although the flush failed');
  await driver.flush();
  await driver.close();
  const keys = await s3.keys(BUCKET);
  assert.is(keys.length, 1, 'the retry wrote the same key');
  assert.equal((await csvRowsOf(keys)).map((r) => r['id']), ['event-1', 'event-2']);
});

test('outage: the store is down for a while, writes keep coming, every row lands once', async () => {
  const settings = settingsFor(['--warehouse-files-storage', 's3', '--warehouse-files-s3-bucket', BUCKET, '--warehouse-files-max-segment-age', '150ms']);
  const logger = recordingLogger();
  const driver = await createFilesDriver(settings, logger);
  let n = 0;
  const write = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++, n++) await driver.write('events', schema, [row(n)], { batchId: `b${n}` });
  };
  await write(5);
  await waitFor(() => logger.entries.some((e) => e.msg === 'uploaded warehouse segment'), 5000);
  await s3.pause();
  await write(10);
  await driver.write('events', schema, [row(3)], { batchId: 'b3' }); // a retried write of an earlier batch
  await waitFor(() => logger.entries.some((e) => e.msg.startsWith('spool flush failed')), 5000);
  await write(10);
  await s3.resume();
  await write(5);
  await driver.close();
  const ids = (await csvRowsOf(await s3.keys(BUCKET))).map((r) => r['id'] ?? '');
  assert.is(ids.length, n, `${ids.length} rows for ${n} written`);
  assert.is(new Set(ids).size, n, 'no row twice');
  assert.not.ok(logger.entries.some((e) => /quarantin/.test(e.msg)), 'a short outage quarantines nothing');
});

test.run();
