import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, ExitCode } from './exit-codes.js';
import { runReceiverCommand } from './commands/receiver.js';
import { runServerCommand } from './commands/server.js';
import { runConfigDocsCommand } from './commands/config-docs.js';
import { runReplayCommand } from './commands/replay.js';
import { runWorkerCommand } from './commands/worker.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

const CONFIG_HELP = `
Configuration:
  Every configuration key is also a flag and an environment variable, e.g.
  server.port = --server-port = SERVER_PORT. Precedence: flag > env > file > default.
  \`cairn config-docs\` prints all keys; docs/configuration.md explains them.

Exit codes:
  0 stopped cleanly (also after SIGTERM / SIGINT)   1 failed while running
  2 invalid configuration or usage                  3 could not start (port, directories)
`;

type Runner = (args: string[]) => Promise<number>;

interface CommandSpec {
  name: string;
  summary: string;
  run: Runner;
  takesConfig: boolean;
}

const COMMANDS: CommandSpec[] = [
  { name: 'server', summary: 'run the receiver and the worker in one process', run: runServerCommand, takesConfig: true },
  { name: 'worker', summary: 'run the worker alone: queue in, sessions out to the warehouse', run: runWorkerCommand, takesConfig: true },
  { name: 'receiver', summary: 'run the HTTP receiver alone; hits go to the queue', run: runReceiverCommand, takesConfig: true },
  { name: 'replay', summary: 'replay recorded requests (NDJSON files) through parsing and the worker, then exit', run: runReplayCommand, takesConfig: true },
  { name: 'migrate', summary: 'create or evolve the warehouse tables of every configured property (--dry-run prints the DDL only)', run: async (args) => (await import('./commands/migrate.js')).runMigrateCommand(args), takesConfig: true },
  { name: 'config-docs', summary: 'print every configuration key (Markdown with --markdown)', run: runConfigDocsCommand, takesConfig: false },
  { name: 'columns', summary: 'print the ordered column catalogue (--protocol ga4 by default, -o console|json|csv|markdown)', run: async (args) => (await import('./commands/columns.js')).runColumnsCommand(args), takesConfig: false },
];

/** Everything after the command name, with the command name itself removed once. */
function argsFor(argv: readonly string[], name: string): string[] {
  const i = argv.indexOf(name);
  return i === -1 ? [...argv] : [...argv.slice(0, i), ...argv.slice(i + 1)];
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('cairn')
    .description('Cairn: self-hosted, warehouse-native web analytics (GA4, Matomo and native hits in, sessionized tables out)')
    .version(version(), '-v, --version')
    .showHelpAfterError()
    .addHelpText('after', CONFIG_HELP)
    .exitOverride();
  let exitCode: number = ExitCode.ok;
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).description(spec.summary).allowUnknownOption(true).allowExcessArguments(true).helpOption('-h, --help');
    if (spec.takesConfig) {
      cmd
        .addOption(new Option('-c, --config <file>', 'YAML configuration file').default('config.yaml'))
        .addOption(new Option('--debug', 'log at debug level'))
        .addOption(new Option('--trace', 'log at trace level'))
        .addHelpText('after', CONFIG_HELP);
    } else {
      cmd.addOption(new Option('--markdown', 'print Markdown instead of text'));
    }
    cmd.action(async () => {
      exitCode = await spec.run(argsFor(argv, spec.name));
    });
  }
  try {
    if (argv.length === 0) {
      program.outputHelp();
      process.exitCode = ExitCode.config;
      return;
    }
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // Help and version exit 0; usage mistakes exit with the configuration status.
      process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.config;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`cairn: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`cairn: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = ExitCode.failure;
    return;
  }
  process.exitCode = exitCode;
}
