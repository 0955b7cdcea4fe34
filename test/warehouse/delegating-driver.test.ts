import { Field, Schema, Utf8, type Field as ArrowField } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DebugHub } from '../../src/monitoring/debug-hub.js';
import { DebugRowsDriver } from '../../src/monitoring/debug-rows-driver.js';
import { MeteredDriver, WriteLedger } from '../../src/monitoring/metered-driver.js';
import { CountingDriver } from '../../src/warehouse/counting-driver.js';
import type { Driver, Row, RowBatch, WriteOptions } from '../../src/warehouse/driver.js';
import { openRowStream } from '../../src/warehouse/row-stream.js';

const schema = new Schema([new Field('id', new Utf8()), new Field('session_id', new Utf8()), new Field('client_id', new Utf8())]);
const batch: RowBatch = {
  fieldNames: ['id', 'session_id', 'client_id'],
  values: [
    ['e1', 's1', 'watched'],
    ['e2', 's1', 'watched'],
    ['e3', 's2', 'other'],
  ],
};

/** Records which write path each call took. */
class RecordingDriver implements Driver {
  readonly calls: { kind: 'write' | 'writeBatch'; rows: number; batchId: string | undefined }[] = [];
  failNext = false;

  async createTable(): Promise<void> {}
  async addColumn(_table: string, _field: ArrowField): Promise<void> {}
  async missingColumns(): Promise<ArrowField[]> {
    return [];
  }
  async write(_table: string, _schema: Schema, rows: Row[], options?: WriteOptions): Promise<void> {
    this.take();
    this.calls.push({ kind: 'write', rows: rows.length, batchId: options?.batchId });
  }
  async writeBatch(_table: string, _schema: Schema, b: RowBatch, options?: WriteOptions): Promise<void> {
    this.take();
    this.calls.push({ kind: 'writeBatch', rows: b.values.length, batchId: options?.batchId });
  }
  async close(): Promise<void> {}
  private take(): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('warehouse down');
    }
  }
}

function stack(inner: Driver): { outer: CountingDriver; ledger: WriteLedger; hub: DebugHub } {
  const ledger = new WriteLedger();
  const hub = new DebugHub({ now: () => 1000 });
  const outer = new CountingDriver(new DebugRowsDriver(new MeteredDriver(inner, 'files', ledger, undefined, () => 5000), hub));
  return { outer, ledger, hub };
}

test('decorators keep the positional write path all the way down, and each sees the batch', async () => {
  const inner = new RecordingDriver();
  const { outer, ledger, hub } = stack(inner);
  hub.watch('watched');
  await outer.writeBatch('events', schema, batch, { batchId: 'b1' });
  assert.equal(inner.calls, [{ kind: 'writeBatch', rows: 3, batchId: 'b1' }]);
  assert.is(outer.rows, 3);
  assert.is(outer.sessionCount, 2);
  assert.equal(ledger.entries(), [{ table: 'events', at: 5000, rows: 3, totalRows: 3 }]);
  const captured = hub.watch('watched').filter((e) => e.kind === 'row');
  assert.is(captured.length, 2, 'the watched client id gets its two rows');
});

/** A write against a failing warehouse: the failure reaches the caller and nothing is counted or recorded. */
async function failedWriteLeavesNoTrace(write: (outer: CountingDriver) => Promise<void>): Promise<void> {
  const inner = new RecordingDriver();
  const { outer, ledger } = stack(inner);
  inner.failNext = true;
  try {
    await write(outer);
    assert.unreachable('the write should fail');
  } catch (err) {
    assert.is((err as Error).message, 'warehouse down');
  }
  assert.is(outer.rows, 0);
  assert.equal(ledger.entries(), []);
}

test('a failed write reaches the caller and is neither counted nor recorded', () => failedWriteLeavesNoTrace((outer) => outer.writeBatch('events', schema, batch)));

test('a driver without writeBatch gets the rows as objects', async () => {
  const inner = new RecordingDriver();
  const plain: Driver = {
    createTable: () => inner.createTable(),
    addColumn: (t, f) => inner.addColumn(t, f),
    missingColumns: () => inner.missingColumns(),
    write: (t, s, rows, o) => inner.write(t, s, rows, o),
    close: () => inner.close(),
  };
  const { outer } = stack(plain);
  await outer.writeBatch('events', schema, batch, { batchId: 'b2' });
  assert.equal(inner.calls, [{ kind: 'write', rows: 3, batchId: 'b2' }]);
  assert.is(outer.rows, 3);
});

test('a streamed write passes every decorator: counted, measured and captured once it ends, then written in one batch', async () => {
  const inner = new RecordingDriver();
  const { outer, ledger, hub } = stack(inner);
  hub.watch('watched');
  const stream = openRowStream(outer, 'events', schema, batch.fieldNames);
  for (const row of batch.values) stream.add(row);
  assert.is(stream.rowCount, 3);
  assert.equal(inner.calls, [], 'nothing is written before the stream ends');
  assert.is(outer.rows, 0);
  await stream.end({ batchId: 'b3' });
  assert.equal(inner.calls, [{ kind: 'writeBatch', rows: 3, batchId: 'b3' }], 'a driver without streams of its own gets one batch');
  assert.is(outer.rows, 3);
  assert.is(outer.sessionCount, 2);
  assert.equal(ledger.entries(), [{ table: 'events', at: 5000, rows: 3, totalRows: 3 }]);
  assert.is(hub.watch('watched').filter((e) => e.kind === 'row').length, 2);
});

test('a streamed write that fails is neither counted nor recorded', () =>
  failedWriteLeavesNoTrace((outer) => {
    const stream = openRowStream(outer, 'events', schema, batch.fieldNames);
    for (const row of batch.values) stream.add(row);
    return stream.end();
  }),
);

test('a driver with streams of its own gets the rows one by one through the decorators', async () => {
  const added: (readonly unknown[])[] = [];
  const ended: (string | undefined)[] = [];
  const inner = new RecordingDriver();
  const streaming: Driver = Object.assign(inner, {
    openRows: () => ({
      get rowCount() {
        return added.length;
      },
      add: (row: readonly unknown[]) => void added.push(row),
      end: async (options?: WriteOptions) => void ended.push(options?.batchId),
    }),
  });
  const { outer } = stack(streaming);
  const stream = openRowStream(outer, 'events', schema, batch.fieldNames);
  for (const row of batch.values) stream.add(row);
  await stream.end({ batchId: 'b4' });
  assert.equal(added, batch.values);
  assert.equal(ended, ['b4']);
  assert.equal(inner.calls, [], 'no batch write besides the stream');
  assert.is(outer.rows, 3);
});

test.run();
