import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSettings } from '../../src/settings/load.js';

// Secrets the examples leave to the environment.
const env = {
  QUEUE_OBJECT_STORAGE_S3_ACCESS_KEY: 'key',
  QUEUE_OBJECT_STORAGE_S3_SECRET_KEY: 'secret',
};

test('every example configuration in config/ loads and validates', () => {
  const dir = join(process.cwd(), 'config');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 6, files.join(', '));
  for (const f of files) {
    const { settings } = loadSettings({ args: ['-c', join(dir, f)], env, cwd: process.cwd() });
    assert.ok(settings.properties.length >= 1, f);
  }
});

test.run();
