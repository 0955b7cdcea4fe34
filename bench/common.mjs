// What every bench script shares: the project root, the built modules, numeric flags, and
// `--help`, which prints the script's own header comment.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The checkout whose build the scripts measure: this one, or the one named by
 * `CAIRN_BENCH_BUILD` (so that one script can time two builds the same way, as
 * `bench/pipeline/compare.mjs` does).
 */
export const buildRoot = process.env.CAIRN_BENCH_BUILD ? resolve(process.env.CAIRN_BENCH_BUILD) : root;

/** Imports a module of the build (`npm run build` first), by its path under dist/. */
export const load = (path) => import(pathToFileURL(join(buildRoot, 'dist', path)).href);

/** The middle value of `xs` (the mean of the two middle ones for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** `--name N` from the command line as a whole number of at least `min`, or `fallback`; anything else exits 2. */
export function numberArg(name, fallback, min = 0) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const text = process.argv[i + 1];
  const value = Number(text);
  // A typo must not turn into NaN or a negative count deep inside a run.
  if (text === undefined || text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    console.error(`--${name} needs a whole number of at least ${min}, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

/** On `--help` or `-h`: prints the calling script's leading comment (its usage) and exits 0. */
export function helpFromHeader(scriptUrl) {
  if (!process.argv.includes('--help') && !process.argv.includes('-h')) return;
  const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
  const header = [];
  for (const line of lines.slice(lines[0]?.startsWith('#!') ? 1 : 0)) {
    if (!line.startsWith('//')) break;
    header.push(line.replace(/^\/\/ ?/, ''));
  }
  console.log(header.join('\n'));
  process.exit(0);
}
