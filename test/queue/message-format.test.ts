import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageFormatError, deserializeTask, serializeTask } from '../../src/queue/message-format.js';
import type { Task } from '../../src/queue/task.js';

const enc = new TextEncoder();

function message(type: Uint8Array, headerJson: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = enc.encode(headerJson);
  return Uint8Array.from([type.byteLength, ...type, h.byteLength >> 8, h.byteLength & 0xff, ...h, ...body]);
}

function isFormatError(pattern: RegExp) {
  return (e: unknown): boolean => e instanceof MessageFormatError && pattern.test(e.message);
}

test('the layout is exactly: type length, type, big-endian header length, JSON + newline, body', () => {
  const bytes = serializeTask({ type: 'process-hits', headers: { task_id: 'abc' }, body: Uint8Array.from([9, 8, 7]) });
  const expected = message(enc.encode('process-hits'), '{"task_id":"abc"}\n', Uint8Array.from([9, 8, 7]));
  assert.equal([...bytes], [...expected]);
});

test('tasks round-trip, with unicode, empty bodies, odd header keys and sorted header output', () => {
  const headers: Record<string, string> = { zeta: '1', alpha: 'ä ✓' };
  Object.defineProperty(headers, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
  const tasks: Task[] = [
    { type: 'process-hits', headers: { task_id: 'x', 'is-ping': 'true' }, body: new Uint8Array(0) },
    { type: 'tâche', headers, body: Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff) },
    { type: '', headers: {}, body: Uint8Array.from([0]) },
  ];
  for (const t of tasks) {
    const back = deserializeTask(serializeTask(t));
    assert.equal(back, t);
    assert.ok(Object.getPrototypeOf(back.headers) === Object.prototype);
  }
  const text = Buffer.from(serializeTask(tasks[1]!)).toString('utf8');
  assert.ok(text.includes('{"__proto__":"p","alpha":"ä ✓","zeta":"1"}\n'), text.slice(0, 80));
  assert.equal(Buffer.from(serializeTask(tasks[1]!)), Buffer.from(serializeTask({ ...tasks[1]!, headers: { ...tasks[1]!.headers } })));
});

test('headers written by the reference (Go json.Encoder) are read, with or without the newline', () => {
  const a = deserializeTask(message(enc.encode('process-hits'), '{"is-ping":"true","task_id":"1"}\n', Uint8Array.from([1])));
  assert.equal(a.headers, { 'is-ping': 'true', task_id: '1' });
  const b = deserializeTask(message(enc.encode('t'), '{"task_id":"1"}'));
  assert.equal(b.headers, { task_id: '1' });
  assert.is(b.body.byteLength, 0);
});

test('serialize refuses a type over 255 bytes and headers over 65535 bytes', () => {
  assert.not.throws(() => serializeTask({ type: 'x'.repeat(255), headers: {}, body: new Uint8Array(0) }));
  assert.throws(
    () => serializeTask({ type: 'é'.repeat(128), headers: {}, body: new Uint8Array(0) }),
    isFormatError(/task type is 256 bytes long; at most 255/),
  );
  assert.throws(
    () => serializeTask({ type: 't', headers: { big: 'x'.repeat(65_535) }, body: new Uint8Array(0) }),
    isFormatError(/encoded task headers are \d+ bytes long; at most 65535/),
  );
});

test('deserialize names each way a message can be broken', () => {
  const type = enc.encode('process-hits');
  const good = message(type, '{"task_id":"1"}\n');
  assert.throws(() => deserializeTask(new Uint8Array(0)), isFormatError(/message is empty/));
  assert.throws(() => deserializeTask(good.subarray(0, 5)), isFormatError(/too short for its 12-byte task type/));
  assert.throws(() => deserializeTask(good.subarray(0, 1 + type.byteLength)), isFormatError(/too short for the 2-byte header length/));
  assert.throws(() => deserializeTask(good.subarray(0, 2 + type.byteLength)), isFormatError(/too short for the 2-byte header length/));
  assert.throws(() => deserializeTask(good.subarray(0, 3 + type.byteLength + 4)), isFormatError(/too short for its 16-byte headers/));
  assert.throws(() => deserializeTask(message(type, '{"task_id":')), isFormatError(/headers are not valid JSON/));
  assert.throws(() => deserializeTask(message(type, '')), isFormatError(/headers are not valid JSON/));
  assert.throws(() => deserializeTask(message(type, '["a"]')), isFormatError(/not a JSON object/));
  assert.throws(() => deserializeTask(message(type, 'null')), isFormatError(/not a JSON object/));
  assert.throws(() => deserializeTask(message(type, '{"task_id":1}')), isFormatError(/header "task_id" is not a string/));
  assert.throws(() => deserializeTask(message(Uint8Array.from([0xff, 0xfe]), '{}')), isFormatError(/task type is not valid UTF-8/));
  const badUtf8Headers = Uint8Array.from([1, 0x74, 0, 3, 0x22, 0xff, 0x22]);
  assert.throws(() => deserializeTask(badUtf8Headers), isFormatError(/headers are not valid JSON/));
});

test('the body is a copy, not a view of the message buffer', () => {
  const bytes = serializeTask({ type: 't', headers: {}, body: Uint8Array.from([1, 2, 3]) });
  const task = deserializeTask(Buffer.from(bytes));
  assert.is(task.body.constructor, Uint8Array);
  assert.equal([...task.body], [1, 2, 3]);
});

test.run();
