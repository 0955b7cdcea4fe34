// Copies the data files that compiled modules read next to themselves (referrer lists) into
// dist/, so the build output is self-contained.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const folders = [['columns/attribution', /\.ya?ml$/]];
for (const [folder, pattern] of folders) {
  if (!existsSync(folder)) continue;
  const target = join('dist', folder);
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(folder)) if (pattern.test(name)) copyFileSync(join(folder, name), join(target, name));
}
