import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatConfigReference, generatedSection, replaceGeneratedSection } from '../../src/settings/help.js';
import { KEYS } from '../../src/settings/keys.js';

// dist/test/settings/docs.test.js -> repository root
const DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

test('docs/configuration.md carries the current generated key reference', () => {
  const doc = readFileSync(DOC, 'utf8');
  const section = generatedSection(doc);
  assert.ok(section !== undefined, 'markers missing');
  assert.fixture(section ?? '', formatConfigReference('markdown'));
});

test('both formats list every key with its flag and env name', () => {
  for (const format of ['text', 'markdown'] as const) {
    const out = formatConfigReference(format);
    for (const spec of KEYS) {
      assert.ok(out.includes(spec.key), `${format}: ${spec.key}`);
      assert.ok(out.includes(`--${spec.flag}`), `${format}: --${spec.flag}`);
      assert.ok(out.includes(spec.env), `${format}: ${spec.env}`);
    }
  }
});

test('unused keys are marked', () => {
  const text = formatConfigReference('text');
  const line = text.split('\n').find((l) => l.trim().startsWith('dbip.download_timeout'));
  assert.ok(line?.includes('not used yet'));
  const used = text.split('\n').find((l) => l.trim().startsWith('server.port'));
  assert.not.ok(used?.includes('not used yet'));
  const md = formatConfigReference('markdown');
  assert.ok(md.split('\n').find((l) => l.includes('`dbip.download_timeout`'))?.includes('Not used yet'));
});

test('replaceGeneratedSection keeps the surrounding text', () => {
  const doc = 'intro\n<!-- keys:start -->\nold\n<!-- keys:end -->\nafter\n';
  const next = replaceGeneratedSection(doc, 'new\n');
  assert.is(next, 'intro\n<!-- keys:start -->\nnew\n<!-- keys:end -->\nafter\n');
  assert.is(generatedSection(next), 'new\n');
  assert.throws(() => replaceGeneratedSection('no markers', 'x'));
});

test.run();
