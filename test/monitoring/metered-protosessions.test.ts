import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MeteredProtoSessionStore } from '../../src/monitoring/metered-protosessions.js';
import { SqliteProtoSessionStore } from '../../src/protosessions/sqlite-store.js';
import { sha256Hex } from '../../src/protosessions/stamps.js';
import { tempDir } from '../protosessions/helpers.js';
import { PullReader, valueOf } from './helpers.js';

const hit = (hitId: string, receivedMs: number) => ({ hitId, receivedMs, payload: new TextEncoder().encode(hitId) });

test('hits stored twice (a task delivered again) count as received each time and as duplicates once their proto-session closes', async () => {
  const t = tempDir('metered-store');
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const store = new MeteredProtoSessionStore(SqliteProtoSessionStore.open(t.dir), provider.getMeter('test'));
  try {
    const ps = sha256Hex('client');
    const delivery = [hit('h1', 1000), hit('h2', 2000)];
    store.transaction(() => {
      store.appendHits(ps, delivery);
      store.markDue(ps, 40, 1000);
    });
    store.transaction(() => {
      store.appendHits(ps, delivery);
      store.appendHits(ps, [hit('h3', 3000)]);
      store.markDue(ps, 40, 1000);
    });
    let m = await reader.metrics();
    assert.is(valueOf(m, 'protosessions.hits.received'), 5);
    assert.is(valueOf(m, 'protosessions.hits.duplicate'), 0, 'not known before the proto-session is read');
    const read = store.readBucket(40);
    assert.equal(read[0]!.hits.map((h) => h.hitId), ['h1', 'h2', 'h3']);
    store.transaction(() => store.removeClosed(40, read));
    m = await reader.metrics();
    assert.is(valueOf(m, 'protosessions.hits.duplicate'), 2);
    assert.is(valueOf(m, 'protosessions.hits.closed'), 3);
    assert.is(valueOf(m, 'protosessions.closed'), 1);
  } finally {
    store.close();
    await provider.shutdown();
    t.cleanup();
  }
});

test.run();
