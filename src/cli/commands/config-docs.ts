import { formatConfigReference } from '../../settings/help.js';
import { ExitCode } from '../exit-codes.js';

/** `cairn config-docs`: every configuration key with its flag, env name and default. */
export async function runConfigDocsCommand(args: string[]): Promise<number> {
  process.stdout.write(formatConfigReference(args.includes('--markdown') ? 'markdown' : 'text'));
  return ExitCode.ok;
}
