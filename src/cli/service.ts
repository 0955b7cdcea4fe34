import type { Logger, LogLevel } from '../monitoring/logger.js';
import { Monitoring, type ProcessRole } from '../monitoring/monitoring.js';
import { createPinoLogger } from '../monitoring/pino-logger.js';
import { QueueUnavailableError } from '../queue/assemble.js';
import { loadSettings, SettingsError } from '../settings/load.js';
import type { Settings } from '../settings/types.js';
import { ExitCode } from './exit-codes.js';

export interface RunningService {
  /** Drains and releases everything; resolves when it is safe to exit. */
  stop(): Promise<void>;
  /** Resolves if the service ends by itself (a fatal error), with the exit status to use. */
  ended?: Promise<number>;
}

/** JSON lines on stderr, or readable coloured lines when stderr is a terminal. */
export function loggerFor(settings: Pick<Settings, 'debug' | 'trace'>): Logger {
  const level: LogLevel = settings.trace ? 'trace' : settings.debug ? 'debug' : 'info';
  return createPinoLogger({ level, pretty: process.stderr.isTTY === true });
}

/** Loads settings, printing every problem; returns null when the configuration is invalid. */
export function settingsOrReport(args: string[]): Settings | null {
  try {
    return loadSettings({ args, env: process.env, cwd: process.cwd() }).settings;
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`cairn: invalid configuration:\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`);
      return null;
    }
    throw err;
  }
}

/**
 * Runs a long-lived command: load and validate settings (exit 2 on problems, before any
 * port is bound), start it (exit 3 when it cannot start), then run until SIGTERM / SIGINT,
 * drain, and exit 0. A second signal exits at once.
 */
export async function runService(
  name: ProcessRole,
  args: string[],
  start: (settings: Settings, logger: Logger, monitoring: Monitoring) => Promise<RunningService>,
): Promise<number> {
  const settings = settingsOrReport(args);
  if (settings === null) return ExitCode.config;
  const logger = loggerFor(settings);
  for (const w of settings.warnings) logger.warn(w);
  // Monitoring comes first, so the instruments the service creates report from the start,
  // and last, so the final export sees the drain.
  let monitoring: Monitoring;
  try {
    monitoring = await Monitoring.start(settings, logger, { role: name });
  } catch (err) {
    logger.error(`${name} could not start monitoring`, { error: err });
    return ExitCode.startup;
  }
  let service: RunningService;
  try {
    service = await start(settings, logger, monitoring);
  } catch (err) {
    await monitoring.stop();
    if (err instanceof QueueUnavailableError) {
      logger.error(err.message);
      return ExitCode.config;
    }
    logger.error(`${name} could not start`, { error: err });
    return ExitCode.startup;
  }
  logger.info(`${name} started`);
  let signals = 0;
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        logger.warn(`second ${signal}: exiting without draining`);
        process.exit(ExitCode.failure);
      }
      logger.info(`${signal} received: draining`);
      service.stop().then(
        () => resolve(ExitCode.ok),
        (err: unknown) => {
          logger.error('draining failed', { error: err });
          resolve(ExitCode.failure);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const code = await (service.ended ? Promise.race([stopped, service.ended]) : stopped);
  await monitoring.stop();
  logger.info(`${name} stopped`, { exit_code: code });
  return code;
}
