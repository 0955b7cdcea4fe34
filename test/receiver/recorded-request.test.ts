import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headersFromRecord } from '../../src/receiver/headers.js';
import { parseRecordedRequest, recordRequest, RecordedRequestError } from '../../src/receiver/recorded-request.js';

test('a recorded request round-trips, text and binary bodies alike', () => {
  const headers = headersFromRecord({ 'user-agent': 'UA', cookie: 'a=1' });
  for (const body of [Buffer.from('en=page_view\nen=scroll'), Buffer.from([0xff, 0x00, 0x10]), Buffer.alloc(0)]) {
    const rec = recordRequest({ serverReceivedTime: Date.parse('2025-06-02T10:00:00.123Z'), method: 'POST', url: '/g/collect?v=2', headers, ip: '192.0.2.1', body });
    const back = parseRecordedRequest(JSON.stringify(rec));
    assert.is(back.time, Date.parse('2025-06-02T10:00:00.123Z'));
    assert.is(back.record.url, '/g/collect?v=2');
    assert.is(back.record.ip, '192.0.2.1');
    assert.equal(back.record.headers, { 'User-Agent': 'UA', Cookie: 'a=1' });
    assert.ok(back.body.equals(body));
  }
});

test('every field is checked and named in the error', () => {
  const ok = { at: '2025-06-02T10:00:00Z', method: 'GET', url: '/g/collect', headers: {}, ip: '1.2.3.4', body: '' };
  const cases: [unknown, string][] = [
    ['not json', 'not valid JSON'],
    ['[1,2]', 'JSON object'],
    [{ ...ok, at: 'yesterday' }, '"at"'],
    [{ ...ok, at: 5 }, '"at"'],
    [{ ...ok, method: 1 }, '"method"'],
    [{ ...ok, url: 'g/collect' }, '"url"'],
    [{ ...ok, headers: [] }, '"headers"'],
    [{ ...ok, headers: { a: 1 } }, 'header "a"'],
    [{ ...ok, body: 5 }, '"body"'],
    [{ ...ok, body: undefined, body_base64: '***' }, '"body_base64"'],
    [{ ...ok, ip: 7 }, '"ip"'],
  ];
  for (const [input, field] of cases) {
    const line = typeof input === 'string' ? input : JSON.stringify(input);
    try {
      parseRecordedRequest(line);
      assert.unreachable(line);
    } catch (err) {
      assert.instance(err, RecordedRequestError, line);
      assert.match((err as Error).message, field);
    }
  }
});

test('garbage lines only ever raise RecordedRequestError', () => {
  for (let i = 0; i < 500; i++) {
    const junk = randomBytes(Math.floor(Math.random() * 200)).toString(i % 2 ? 'latin1' : 'base64');
    try {
      parseRecordedRequest(junk);
    } catch (err) {
      assert.instance(err, RecordedRequestError);
    }
  }
});

test.run();
