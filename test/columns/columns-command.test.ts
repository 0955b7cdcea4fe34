import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseColumnsArgs, renderColumnCatalogue } from '../../src/cli/commands/columns.js';
import { runCli } from '../support/cli.js';

// dist/test/columns/x.test.js -> repository root
const doc = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), 'utf8');

for (const protocol of ['ga4', 'd8a'] as const) {
  test(`docs/columns-${protocol}.md is the current catalogue (regenerate: cairn columns --protocol ${protocol} -o markdown)`, () => {
    assert.fixture(doc(`columns-${protocol}.md`), renderColumnCatalogue(protocol, 'markdown'));
  });
}

test('arguments: protocol and output format, with defaults and both spellings', () => {
  assert.equal(parseColumnsArgs([]), { protocol: 'ga4', format: 'console' });
  assert.equal(parseColumnsArgs(['--protocol', 'd8a', '-o', 'json']), { protocol: 'd8a', format: 'json' });
  assert.equal(parseColumnsArgs(['--protocol=d8a', '--output=csv']), { protocol: 'd8a', format: 'csv' });
  assert.equal(parseColumnsArgs(['--markdown']), { protocol: 'ga4', format: 'markdown' });
  assert.throws(() => parseColumnsArgs(['-o', 'xml']), /xml/);
  assert.throws(() => parseColumnsArgs(['--protocol']), /needs a value/);
  assert.throws(() => parseColumnsArgs(['--config', 'x.yaml']), /unknown argument/);
});

test('every format lists the 253 columns in physical order', () => {
  const json = JSON.parse(renderColumnCatalogue('ga4', 'json')) as { name: string; scope: string; type: string; interface_id: string }[];
  assert.is(json.length, 253);
  assert.equal(json[0], { ...json[0]!, name: 'id', scope: 'event', type: 'String', interface_id: 'core.d8a.tech/events/id' });
  assert.is(json[252]!.name, 'session_abandoned_cart');
  const csv = renderColumnCatalogue('ga4', 'csv').trimEnd().split('\n');
  assert.is(csv.length, 254);
  assert.is(csv[0], 'name,display_name,scope,type,arrow_type,nullable,description,interface_id');
  const consoleLines = renderColumnCatalogue('d8a', 'console').trimEnd().split('\n');
  assert.is(consoleLines.length, 254);
  assert.ok(consoleLines.some((l) => l.includes('d8a.protocols.d8a.tech/event/params')));
});

test('cairn columns runs from the CLI', async () => {
  const ok = await runCli(['columns', '--protocol', 'd8a', '-o', 'json']);
  assert.is(ok.code, 0, ok.stderr);
  assert.is((JSON.parse(ok.stdout) as unknown[]).length, 253);
  const bad = await runCli(['columns', '--protocol', 'nope']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /nope/);
});

test.run();
