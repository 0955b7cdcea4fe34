import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Field, Float64, Int64, List, Schema, Struct, TimestampSecond, Utf8, DateDay, Bool } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpoolFlushError } from '../../src/spools/errors.js';
import type { SpoolFlushHandler } from '../../src/spools/index.js';
import type { Row } from '../../src/warehouse/driver.js';
import { ColumnAlreadyExistsError, MultipleTypeIncompatibleError, TableAlreadyExistsError, TableNotFoundError } from '../../src/warehouse/errors.js';
import {
  openFilesDeliveryLedger,
  CsvFormat,
  FilesDriver,
  FilesSchemaStore,
  FilesystemUploader,
  fileSpoolFactory,
  filesWorkingPaths,
  schemaFingerprint,
  type SegmentFormat,
} from '../../src/warehouse/files/index.js';
import { csvDicts, FakeTimers, listFiles, recordingLogger, tempDir, waitFor } from './helpers.js';

const item = new Struct([new Field('name', new Utf8(), true), new Field('value_number', new Float64(), true)]);
const schema = new Schema([
  new Field('id', new Utf8(), true),
  new Field('timestamp_utc', new TimestampSecond('UTC'), true),
  new Field('date_utc', new DateDay(), true),
  new Field('session_hit_number', new Int64(), true),
  new Field('price', new Float64(), true),
  new Field('is_engaged', new Bool(), true),
  new Field('page_title', new Utf8(), true),
  new Field('params', new List(new Field('item', item, true)), true),
]);

function row(n: number, extra: Partial<Row> = {}): Row {
  return {
    id: `event-${n}`,
    timestamp_utc: `2025-01-15T12:00:0${n % 10}Z`,
    date_utc: '2025-01-15',
    session_hit_number: n,
    price: n + 0.5,
    is_engaged: n % 2 === 0,
    page_title: n === 1 ? 'Shop, "best" prices\nsecond line' : '',
    params: [{ name: 'p', value_number: n }],
    ...extra,
  };
}

interface Harness {
  driver: FilesDriver;
  root: string;
  spoolDir: string;
  metadataFile: string;
  timers: FakeTimers;
  logger: ReturnType<typeof recordingLogger>;
}

interface HarnessOptions {
  base?: string;
  root?: string;
  maxSegmentBytes?: number;
  maxSegmentAgeMs?: number;
  compression?: 'none' | 'gzip';
  pathTemplate?: string;
  prefix?: string;
  format?: SegmentFormat;
  timers?: FakeTimers;
  withLedger?: boolean;
  /** Wraps the spool's flush handler (to watch the batches a flush reads). */
  wrapFlush?: (handler: SpoolFlushHandler) => SpoolFlushHandler;
}

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const base = options.base ?? tempDir('files');
  const root = options.root ?? join(base, 'out');
  const paths = filesWorkingPaths(join(base, 'spool'));
  const timers = options.timers ?? new FakeTimers();
  const logger = recordingLogger();
  const uploader = new FilesystemUploader(root);
  await uploader.prepare();
  const driver = new FilesDriver({
    store: await FilesSchemaStore.open(paths.metadataFile),
    spoolFactory: (settings) => {
      const spool = fileSpoolFactory(paths.spoolDirectory, logger, timers);
      return spool(options.wrapFlush === undefined ? settings : { ...settings, handler: options.wrapFlush(settings.handler) });
    },
    uploader,
    format: options.format ?? new CsvFormat({ compression: options.compression ?? 'none' }),
    ...(options.pathTemplate === undefined ? {} : { pathTemplate: options.pathTemplate }),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    maxSegmentBytes: options.maxSegmentBytes ?? 1024 * 1024,
    maxSegmentAgeMs: options.maxSegmentAgeMs ?? 60 * 60 * 1000,
    ...(options.withLedger ? { ledger: openFilesDeliveryLedger(paths) } : {}),
    logger,
    timers,
  });
  return { driver, root, spoolDir: paths.spoolDirectory, metadataFile: paths.metadataFile, timers, logger };
}

const csvFiles = (root: string): string[] => (existsSync(root) ? listFiles(root).filter((p) => p.endsWith('.csv') || p.endsWith('.csv.gz')) : []);

function readObject(root: string, path: string): Record<string, string>[] {
  const bytes = readFileSync(join(root, path));
  return csvDicts((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

test('end to end: two writes, close, one CSV with the header and every value', async () => {
  const h = await harness();
  await h.driver.write('events', schema, [row(1), row(2)]);
  await h.driver.write('events', schema, [row(3, { price: null, params: [], page_title: null })]);
  await h.driver.write('events', schema, []);
  assert.equal(csvFiles(h.root), [], 'nothing is uploaded before a flush');
  await h.driver.close();

  const files = csvFiles(h.root);
  assert.is(files.length, 1);
  const fp = schemaFingerprint(schema);
  assert.match(files[0] ?? '', new RegExp(`^table=events/schema=${fp}/y=2025/m=01/d=15/\\d+_[0-9a-f]{20}\\.csv$`));
  const text = readFileSync(join(h.root, files[0] ?? ''), 'utf8');
  assert.is(text.split('\n')[0], 'id,timestamp_utc,date_utc,session_hit_number,price,is_engaged,page_title,params');
  const rows = readObject(h.root, files[0] ?? '');
  assert.equal(rows, [
    {
      id: 'event-1',
      timestamp_utc: '2025-01-15T12:00:01Z',
      date_utc: '2025-01-15',
      session_hit_number: '1',
      price: '1.5',
      is_engaged: 'false',
      page_title: 'Shop, "best" prices\nsecond line',
      params: '[{"name":"p","value_number":1}]',
    },
    {
      id: 'event-2',
      timestamp_utc: '2025-01-15T12:00:02Z',
      date_utc: '2025-01-15',
      session_hit_number: '2',
      price: '2.5',
      is_engaged: 'true',
      page_title: '',
      params: '[{"name":"p","value_number":2}]',
    },
    {
      id: 'event-3',
      timestamp_utc: '2025-01-15T12:00:03Z',
      date_utc: '2025-01-15',
      session_hit_number: '3',
      price: '',
      is_engaged: 'false',
      page_title: '',
      params: '[]',
    },
  ]);
  assert.equal(readdirSync(h.spoolDir), [], 'the spool is empty after the final flush');
  assert.equal(listFiles(h.root).filter((p) => p.includes('.upload-')), [], 'no temp files remain');
});

test('a streamed write gives the same CSV as the same rows in one batch; an empty stream writes nothing', async () => {
  const rows = [row(1), row(2), row(3, { price: null, params: [], page_title: null }), row(4), row(5)];
  const names = schema.fields.map((f) => f.name);
  const batched = await harness();
  await batched.driver.write('events', schema, rows);
  await batched.driver.close();
  const streamed = await harness();
  const stream = streamed.driver.openRows('events', schema, names);
  for (const r of rows) stream.add(names.map((n) => r[n] ?? null));
  assert.is(stream.rowCount, 5);
  await stream.end();
  await streamed.driver.openRows('events', schema, names).end();
  await streamed.driver.close();
  const a = csvFiles(batched.root);
  const b = csvFiles(streamed.root);
  assert.is(b.length, 1, 'the empty stream made no object');
  assert.is(readFileSync(join(streamed.root, b[0]!), 'utf8'), readFileSync(join(batched.root, a[0]!), 'utf8'));
});

test('a streamed write refuses rows after its end and a second end; its batch id is stored once', async () => {
  const h = await harness();
  const names = schema.fields.map((f) => f.name);
  const write = async (): Promise<void> => {
    const stream = h.driver.openRows('events', schema, names);
    stream.add(names.map((n) => row(1)[n] ?? null));
    await stream.end({ batchId: 'same' });
    assert.throws(() => stream.add([]), /ended/);
    try {
      await stream.end();
      assert.unreachable('a second end must fail');
    } catch (err) {
      assert.match((err as Error).message, /twice/);
    }
  };
  await write();
  await write();
  await h.driver.close();
  const files = csvFiles(h.root);
  assert.is(files.length, 1);
  assert.is(readObject(h.root, files[0]!).length, 1, 'the retried write with the same batch id was skipped');
});

test('a format without a row encoder (Parquet) still takes streamed writes, as one batch', async () => {
  const { ParquetFormat } = await import('../../src/warehouse/files/parquet-format.js');
  const h = await harness({ format: new ParquetFormat() });
  const names = schema.fields.map((f) => f.name);
  const stream = h.driver.openRows('events', schema, names);
  for (const n of [1, 2]) stream.add(names.map((k) => row(n)[k] ?? null));
  await stream.end();
  await h.driver.close();
  assert.is(listFiles(h.root).filter((p) => p.endsWith('.parquet')).length, 1);
});

test('tables and schemas go to separate objects; a schema change means a new fingerprint folder', async () => {
  const h = await harness();
  const wider = schema.assign(new Field('extra', new Utf8(), true));
  await h.driver.write('events', schema, [row(1)]);
  await h.driver.write('events', wider, [row(2, { extra: 'x' })]);
  await h.driver.write('other.table', schema, [row(3)]);
  await h.driver.close();
  const files = csvFiles(h.root);
  assert.is(files.length, 3);
  assert.ok(files.some((f) => f.startsWith(`table=events/schema=${schemaFingerprint(schema)}/`)));
  assert.ok(files.some((f) => f.startsWith(`table=events/schema=${schemaFingerprint(wider)}/`)));
  assert.ok(files.some((f) => f.startsWith('table=other_table/')));
  const widerFile = files.find((f) => f.includes(schemaFingerprint(wider))) ?? '';
  assert.is(readObject(h.root, widerFile)[0]?.['extra'], 'x');
});

test('sealing by age: the flush cycle runs every max_segment_age on the timers', async () => {
  const h = await harness({ maxSegmentAgeMs: 60_000 });
  await h.driver.write('events', schema, [row(1)]);
  h.timers.advance(59_999);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(csvFiles(h.root), []);
  h.timers.advance(1);
  await waitFor(() => csvFiles(h.root).length === 1);
  await h.driver.write('events', schema, [row(2)]);
  await waitFor(() => h.timers.scheduled === 1); // the next cycle is armed once this one ends
  h.timers.advance(60_000);
  await waitFor(() => csvFiles(h.root).length === 2);
  await h.driver.close();
  assert.is(csvFiles(h.root).length, 2, 'close has nothing left to upload');
  const ids = csvFiles(h.root).flatMap((f) => readObject(h.root, f).map((r) => r['id']));
  assert.equal(ids.sort(), ['event-1', 'event-2']);
});

test('sealing by size: a full segment is sealed at once and becomes its own object', async () => {
  const h = await harness({ maxSegmentBytes: 1 });
  await h.driver.write('events', schema, [row(1)]);
  await h.driver.write('events', schema, [row(2)]);
  await h.driver.write('events', schema, [row(3)]);
  // The spool seals right after the append that filled the file (the append itself resolves first).
  const sealed = (): string[] => readdirSync(h.spoolDir).filter((n) => n.includes('.inflight.'));
  await waitFor(() => sealed().length === 3);
  assert.equal(readdirSync(h.spoolDir).filter((n) => n.endsWith('.spool')), [], 'no active file is left open');
  await h.driver.flush();
  const files = csvFiles(h.root);
  assert.is(files.length, 3);
  assert.equal(files.map((f) => readObject(h.root, f).length), [1, 1, 1]);
  await h.driver.close();

  const big = await harness({ maxSegmentBytes: 1024 * 1024 });
  for (let i = 0; i < 3; i++) await big.driver.write('events', schema, [row(i)]);
  assert.equal(readdirSync(big.spoolDir).filter((n) => n.includes('.inflight.')), []);
  await big.driver.close();
  assert.is(csvFiles(big.root).length, 1);
  assert.is(readObject(big.root, csvFiles(big.root)[0] ?? '').length, 3);
});

test('gzip: .csv.gz objects that decompress to the same CSV', async () => {
  const h = await harness({ compression: 'gzip' });
  await h.driver.write('events', schema, [row(1), row(2)]);
  // Enough rows for zlib to emit many chunks, across several spool batches.
  for (let b = 0; b < 12; b++) await h.driver.write('events', schema, Array.from({ length: 500 }, (_, i) => row(1000 + b * 500 + i)));
  await h.driver.close();
  const files = csvFiles(h.root);
  assert.is(files.length, 1);
  assert.match(files[0] ?? '', /\.csv\.gz$/);
  const bytes = readFileSync(join(h.root, files[0] ?? ''));
  assert.is(bytes[0], 0x1f);
  assert.is(bytes[1], 0x8b);
  const ids = readObject(h.root, files[0] ?? '').map((r) => r['id']);
  assert.is(ids.length, 2 + 12 * 500);
  assert.equal(ids.slice(0, 3), ['event-1', 'event-2', 'event-1000']);
  assert.is(ids[ids.length - 1], `event-${1000 + 12 * 500 - 1}`);
});

test('custom path template and prefix', async () => {
  const h = await harness({ pathTemplate: 'dt={{.Year}}{{.MonthPadded}}{{.DayPadded}}/{{.Table}}-{{.SegmentID}}.{{.Extension}}', prefix: 'exports/' });
  await h.driver.write('events', schema, [row(1)]);
  await h.driver.close();
  assert.match(csvFiles(h.root)[0] ?? '', /^exports\/dt=20250115\/events-\d+_[0-9a-f]{20}\.csv$/);
});

test('an unknown template variable fails when the driver is built', async () => {
  try {
    await harness({ pathTemplate: '{{.Table}}/{{.Minute}}.csv' });
    assert.unreachable('should throw');
  } catch (err) {
    assert.match((err as Error).message, /unknown variable \.Minute/);
  }
});

test('a restart loses nothing: spooled rows are uploaded by the next process', async () => {
  const base = tempDir('files-restart');
  const first = await harness({ base });
  await first.driver.write('events', schema, [row(1)]);
  // The first process "dies" here: no close, no flush.
  const second = await harness({ base });
  await second.driver.write('events', schema, [row(2)]);
  await second.driver.close();
  const ids = csvFiles(second.root).flatMap((f) => readObject(second.root, f).map((r) => r['id']));
  assert.equal(ids.sort(), ['event-1', 'event-2']);
  // What the dead process held is let go of after the checks, not left to the garbage collector.
  await first.driver.close().catch(() => undefined);
});

test('spooled values frames (older versions, formats without their own encoding) are still uploaded next to CSV-encoded ones', async () => {
  const base = tempDir('files-frames');
  const csv = new CsvFormat();
  // The way a version before pre-encoded CSV frames spooled rows: values, formatted at flush.
  const valuesOnly: SegmentFormat = { extension: csv.extension, open: (s, sink) => csv.open(s, sink) };
  const first = await harness({ base, format: valuesOnly });
  await first.driver.write('events', schema, [row(1)]);
  const second = await harness({ base });
  await second.driver.write('events', schema, [row(2), row(3)]);
  await second.driver.close();
  const rows = csvFiles(second.root).flatMap((f) => readObject(second.root, f));
  assert.equal(rows.map((r) => r['id']).sort(), ['event-1', 'event-2', 'event-3']);
  const one = rows.find((r) => r['id'] === 'event-1')!;
  const two = rows.find((r) => r['id'] === 'event-2')!;
  assert.equal(Object.keys(one), Object.keys(two), 'the same header from both paths');
  await first.driver.close().catch(() => undefined);
});

test('re-upload after a crash between upload and spool cleanup overwrites the same object', async () => {
  const base = tempDir('files-crash');
  const first = await harness({ base });
  await first.driver.write('events', schema, [row(1), row(2)]);
  await first.driver.write('events', schema, [row(3)]);
  // What the spool folder held when the crash happened: the segment not yet deleted.
  const snapshot = join(base, 'spool-snapshot');
  cpSync(first.spoolDir, snapshot, { recursive: true });
  await first.driver.flush();
  const uploaded = csvFiles(first.root);
  assert.is(uploaded.length, 1);
  const content = readFileSync(join(first.root, uploaded[0] ?? ''), 'utf8');

  rmSync(first.spoolDir, { recursive: true, force: true });
  cpSync(snapshot, first.spoolDir, { recursive: true });
  const second = await harness({ base, timers: new FakeTimers(Date.UTC(2025, 0, 16, 8, 0, 0)) });
  await second.driver.close();
  assert.equal(csvFiles(second.root), uploaded, 'same object name, no duplicate');
  assert.is(readFileSync(join(second.root, uploaded[0] ?? ''), 'utf8'), content);
  await first.driver.close().catch(() => undefined);
});

test('a half-written object never appears: a failing format leaves no CSV and no temp file', async () => {
  const csv = new CsvFormat();
  let calls = 0;
  const failing: SegmentFormat = {
    extension: 'csv',
    open(s, sink) {
      const inner = csv.open(s, sink);
      return {
        async writeRows(rows) {
          await inner.writeRows(rows);
          calls += 1;
          throw new Error('disk hiccup after some bytes');
        },
        close: () => inner.close(),
      };
    },
  };
  const h = await harness({ format: failing });
  await h.driver.write('events', schema, [row(1)]);
  try {
    await h.driver.flush();
    assert.unreachable('flush should fail');
  } catch (err) {
    assert.instance(err, SpoolFlushError);
  }
  assert.is(calls, 1);
  assert.equal(listFiles(h.root), [], 'neither the object nor its temp file is there');
  assert.is(readdirSync(h.spoolDir).filter((n) => n.includes('.inflight.')).length, 1, 'the segment stays spooled for a retry');
  await h.driver.close().catch(() => undefined);
});

/** A destination the driver cannot write to: a read-only folder, or (as root, who ignores modes) a file in the way. */
function makeUnwritable(root: string): () => void {
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o555);
  try {
    writeFileSync(join(root, '.probe'), 'x');
    rmSync(join(root, '.probe'));
  } catch {
    return () => chmodSync(root, 0o755);
  }
  // Permissions are not enforced for this user: block the table folder with a plain file.
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'table=events'), 'not a folder');
  return () => rmSync(join(root, 'table=events'), { force: true });
}

test('an unwritable destination: failures are counted and the segment is quarantined after 3', async () => {
  const base = tempDir('files-readonly');
  const root = join(base, 'out');
  const restore = makeUnwritable(root);
  const h = await harness({ base, root });
  await h.driver.write('events', schema, [row(1)]);
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await h.driver.flush();
      assert.unreachable(`flush ${attempt} should fail`);
    } catch (err) {
      assert.instance(err, SpoolFlushError);
    }
    assert.is(readdirSync(h.spoolDir).filter((n) => n.includes('.inflight.') && !n.endsWith('.quarantine')).length, 1);
  }
  await h.driver.flush(); // the third failure quarantines instead of failing the cycle
  const left = readdirSync(h.spoolDir);
  assert.is(left.filter((n) => n.endsWith('.quarantine')).length, 1, `quarantined: ${left.join(', ')}`);
  assert.is(left.filter((n) => !n.endsWith('.quarantine')).length, 0);
  assert.ok(h.logger.entries.some((e) => e.level === 'error' && /quarantin/.test(e.msg)));
  restore();
  await h.driver.close();
  assert.equal(csvFiles(root), [], 'quarantined rows are not retried automatically');
  assert.equal(listFiles(root).filter((p) => p.includes('.upload-')), []);
});

test('schema catalogue: create, add, missing columns, incompatibility, persisted across restarts', async () => {
  const base = tempDir('files-schema');
  const h = await harness({ base });
  const small = new Schema([new Field('id', new Utf8(), true), new Field('n', new Int64(), true)]);
  try {
    await h.driver.missingColumns('events', small);
    assert.unreachable('table is missing');
  } catch (err) {
    assert.instance(err, TableNotFoundError);
  }
  await h.driver.createTable('events', small);
  try {
    await h.driver.createTable('events', small);
    assert.unreachable('exists');
  } catch (err) {
    assert.instance(err, TableAlreadyExistsError);
  }
  const wider = small.assign(new Field('a', new Utf8(), true), new Field('b', new Float64(), true));
  assert.equal((await h.driver.missingColumns('events', wider)).map((f) => f.name), ['a', 'b']);
  await h.driver.addColumn('events', new Field('a', new Utf8(), true));
  try {
    await h.driver.addColumn('events', new Field('a', new Utf8(), true));
    assert.unreachable('column exists');
  } catch (err) {
    assert.instance(err, ColumnAlreadyExistsError);
  }
  try {
    await h.driver.addColumn('nope', new Field('a', new Utf8(), true));
    assert.unreachable('no table');
  } catch (err) {
    assert.instance(err, TableNotFoundError);
  }
  await h.driver.close();

  const again = await harness({ base });
  assert.equal((await again.driver.missingColumns('events', wider)).map((f) => f.name), ['b']);
  const clash = new Schema([new Field('n', new Utf8(), true)]);
  try {
    await again.driver.missingColumns('events', clash);
    assert.unreachable('incompatible');
  } catch (err) {
    assert.instance(err, MultipleTypeIncompatibleError);
    assert.match((err as Error).message, /column n of table events has type Int64 but Utf8 is wanted/);
  }
  await again.driver.close();
  assert.ok(existsSync(h.metadataFile));
});

test('schema catalogue keeps every type detail across a reopen (time zone, nested nullability, metadata)', async () => {
  const path = join(tempDir('files-store'), 'metadata.json');
  const store = await FilesSchemaStore.open(path);
  const detailed = schema.assign(new Field('hinted', new Utf8(), false, new Map([['codec', 'ZSTD']])));
  await store.setTableSchema('events', detailed);
  await store.rememberSegmentSchema(schemaFingerprint(detailed), 'events', detailed);
  await store.close();
  const reopened = await FilesSchemaStore.open(path);
  const back = reopened.tableSchema('events');
  assert.ok(back);
  assert.is(schemaFingerprint(back), schemaFingerprint(detailed));
  assert.is(String(back.fields[1]?.type), 'Timestamp<SECOND, UTC>');
  assert.is(back.fields.at(-1)?.metadata.get('codec'), 'ZSTD');
  assert.is(back.fields.at(-1)?.nullable, false);
  assert.is(reopened.segmentSchema(schemaFingerprint(detailed))?.table, 'events');
});

test('a batch re-sent with the same batch id is stored once: in the spool, after upload, and after a crash', async () => {
  const base = tempDir('files-dedup');
  let h = await harness({ base, withLedger: true });
  await h.driver.write('events', schema, [row(1), row(2)], { batchId: 'b1' });
  await h.driver.write('events', schema, [row(1), row(2)], { batchId: 'b1' });
  await h.driver.flush();
  await h.driver.write('events', schema, [row(3)], { batchId: 'b2' });
  // A crash: the driver is abandoned without closing; b2 is in the spool, b1 uploaded.
  const abandoned = h.driver;
  h = await harness({ base, withLedger: true });
  await h.driver.write('events', schema, [row(1), row(2)], { batchId: 'b1' });
  await h.driver.write('events', schema, [row(3)], { batchId: 'b2' });
  await h.driver.write('events', schema, [row(4)], { batchId: 'b3' });
  await h.driver.close();
  const ids = csvFiles(h.root).flatMap((p) => readObject(h.root, p).map((r) => r['id']));
  assert.equal(ids.sort(), ['event-1', 'event-2', 'event-3', 'event-4']);
  // A crashed process's files are closed by its exit; here the abandoned driver lets go of them
  // once the checks are done, rather than leave them to the garbage collector.
  await abandoned.close().catch(() => undefined);
});

/** CSV whose writes of spooled rows are recorded in `events`; write number `failAt` fails. */
function watchedCsv(events: string[], failAt: number): SegmentFormat {
  const csv = new CsvFormat();
  let writes = 0;
  return {
    extension: csv.extension,
    rowEncoder: (s, names, expected) => csv.rowEncoder(s, names, expected),
    open(s, sink) {
      const inner = csv.open(s, sink);
      return {
        writeRows: (rows) => inner.writeRows(rows),
        async writeEncoded(bytes) {
          const n = ++writes;
          events.push(`write ${n}`);
          if (n === failAt) throw new Error('disk hiccup');
          await inner.writeEncoded!(bytes);
        },
        close: () => inner.close(),
      };
    },
  };
}

/** Records each batch a flush reads in `events`. */
const watchReads =
  (events: string[]) =>
  (handler: SpoolFlushHandler): SpoolFlushHandler =>
  (key, next) => {
    let reads = 0;
    return handler(key, async () => {
      const batch = await next();
      events.push(batch === null ? 'read end' : `read ${++reads}`);
      return batch;
    });
  };

test('a write failing in the middle of a segment of several batches stops its copy: no object, no temp file, the segment stays for a retry', async () => {
  const events: string[] = [];
  const h = await harness({
    format: watchedCsv(events, 3),
    wrapFlush: watchReads(events),
  });
  for (let i = 1; i <= 12; i++) await h.driver.write('events', schema, [row(i)]);
  try {
    await h.driver.flush();
    assert.unreachable('flush should fail');
  } catch (err) {
    assert.instance(err, SpoolFlushError);
  }
  assert.equal(events, ['read 1', 'write 1', 'write 2', 'write 3'], 'nothing is read or written after the failure');
  assert.equal(listFiles(h.root), [], 'neither the object nor its temp file is there');
  assert.is(readdirSync(h.spoolDir).filter((n) => n.includes('.inflight.')).length, 1, 'the segment stays spooled for a retry');
  await h.driver.close().catch(() => undefined);
});

test.run();
