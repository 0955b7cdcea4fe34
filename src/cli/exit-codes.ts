/** Exit statuses of every `cairn` command (documented in docs/cli.md). */
export const ExitCode = {
  /** Finished, or stopped by SIGTERM / SIGINT after draining. */
  ok: 0,
  /** An unexpected failure while running. */
  failure: 1,
  /** Invalid configuration or command line; nothing was started. */
  config: 2,
  /** Could not start: the port is taken, a directory cannot be written. */
  startup: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a given exit status and a message for the operator. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
  }
}
