import { KEY_BY_FLAG } from '../settings/keys.js';

/**
 * Separates a command's positional arguments (files) from configuration flags, knowing which
 * flags take a value: `--server-port 9000 a.ndjson` has one file, `--debug a.ndjson` too.
 */
export function splitPositionals(args: readonly string[]): { options: string[]; positionals: string[] } {
  const options: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    options.push(token);
    if (token.includes('=')) continue;
    const name = token.replace(/^-+/, '');
    if (name === 'c' || name === 'config') {
      if (i + 1 < args.length) options.push(args[++i]!);
      continue;
    }
    const spec = KEY_BY_FLAG.get(name);
    if (spec !== undefined && spec.type !== 'bool' && i + 1 < args.length) options.push(args[++i]!);
  }
  return { options, positionals };
}
