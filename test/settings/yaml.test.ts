import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findIssue, issues, load } from './helpers.js';

test('a YAML syntax error names the file, line and column', () => {
  const list = issues({ yaml: 'server:\n  port: 8080\nreceiver:\n  batch_size: [1, 2\nprotocol: ga4\n' });
  const issue = findIssue(list, 'config.yaml:', 'YAML syntax error');
  assert.match(issue, /config\.yaml:\d+:\d+: /);
});

test('an unterminated quote reports its position', () => {
  assert.match(findIssue(issues({ yaml: 'server:\n  host: "0.0.0.0\n' }), 'YAML syntax error', 'quote'), /^config\.yaml:\d+:\d+: /);
});

test('duplicate keys are a syntax error', () => {
  findIssue(issues({ yaml: 'server:\n  port: 1\n  port: 2\n' }), 'config.yaml:3:', 'unique');
});

test('unknown keys are named in full with the closest known key', () => {
  const list = issues({ yaml: 'server:\n  prot: 9000\nwarehouse:\n  clickhouse:\n    hots: db\nsesions:\n  timeout: 5m\n' });
  findIssue(list, 'config.yaml:2:3', 'server.prot', 'did you mean server.port');
  findIssue(list, 'warehouse.clickhouse.hots', 'warehouse.clickhouse.host');
  findIssue(list, 'sesions', 'did you mean sessions');
});

test('a value where a section belongs', () => {
  findIssue(issues({ yaml: 'server: 8080\n' }), 'server', 'section', '8080');
});

test('an empty section or file is fine', () => {
  assert.is(load({ yaml: 'server:\nreceiver:\n' }).server.port, 8080);
  assert.is(load({ yaml: '' }).server.port, 8080);
  assert.is(load({ yaml: '# only a comment\n' }).server.port, 8080);
  assert.is(load({ yaml: 'server:\n  port:\n' }).server.port, 8080);
});

test('binary junk is refused, not parsed', () => {
  const junk = Buffer.concat([Buffer.from('server:\n  port: 1\n'), randomBytes(256), Buffer.from([0, 0xff, 0xfe])]);
  findIssue(issues({ yaml: junk }), 'config.yaml', 'not a YAML text file');
  findIssue(issues({ yaml: Buffer.from([0xc3, 0x28, 0x61, 0x3a, 0x20, 0x31]) }), 'config.yaml', 'UTF-8');
});

test('a top-level list or scalar is refused', () => {
  findIssue(issues({ yaml: '- server\n- port\n' }), 'config.yaml', 'mapping', 'list');
  findIssue(issues({ yaml: 'just some words\n' }), 'config.yaml', 'mapping', '"just some words"');
  findIssue(issues({ yaml: '42\n' }), 'config.yaml', 'mapping', '42');
});

test('deeply nested junk yields one issue per unknown top key', () => {
  let nested = 'leaf';
  for (let i = 0; i < 200; i++) nested = `{k${i}: ${nested}}`;
  const list = issues({ yaml: `junk: ${nested}\nmore: [[[[[[[[1]]]]]]]]\n` });
  assert.is(list.length, 2);
  findIssue(list, 'unknown key junk');
  findIssue(list, 'unknown key more');
});

test('very deep nesting is refused without crashing the process', () => {
  // The YAML parser runs out of memory on flow nesting this deep, so it must never see it.
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  findIssue(issues({ yaml: `server:\n  port: ${deep}\n` }), 'config.yaml', 'levels deep');
  // Deep block nesting overflows the parser's stack, which is caught and reported.
  let block = 'server:\n  port:\n';
  for (let i = 0; i < 2000; i++) block += `${' '.repeat(i + 4)}-\n`;
  findIssue(issues({ yaml: block }), 'config.yaml:');
});

test('an oversized file is refused', () => {
  findIssue(issues({ yaml: `# ${'x'.repeat(5 * 1024 * 1024)}\n` }), 'config.yaml', 'larger than');
});

test('non-text keys and odd keys are reported readably', () => {
  const list = issues({ yaml: '? [a, b]\n: 1\n"bad\\u0001key": 2\n' });
  findIssue(list, 'key must be plain text');
  findIssue(list, 'unknown key bad\\u0001key');
});

test('alias bombs are refused', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  let prev = 'a';
  for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) {
    lines.push(`${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    prev = name;
  }
  lines.push(`ga4:\n  params: *${prev}`);
  const list = issues({ yaml: lines.join('\n') + '\n' });
  findIssue(list, 'config.yaml', 'alias');
});

test('anchors and aliases work for ordinary reuse', () => {
  const s = load({ yaml: 'storage:\n  queue_directory: &dir ./state\n  spool_directory: *dir\n' });
  assert.is(s.storage.queueDirectory, s.storage.spoolDirectory);
  assert.ok(s.storage.queueDirectory.endsWith('state'));
});

test.run();
