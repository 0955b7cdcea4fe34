import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import PinoPretty from 'pino-pretty';
import type { Logger, LogLevel } from './logger.js';

export interface PinoLoggerOptions {
  level: LogLevel;
  /** Human-readable coloured lines instead of JSON (the default when stderr is a terminal). */
  pretty?: boolean;
  /** Where lines go; stderr by default, so stdout stays free for command output. */
  destination?: DestinationStream;
}

/**
 * Errors are logged by their message: a stack in every warning would drown the line, and the
 * same shape as before keeps log queries that operators wrote working.
 */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value instanceof Error) {
      out ??= { ...fields };
      out[key] = value.message;
    }
  }
  return out ?? fields;
}

/**
 * The `Logger` interface over pino: one JSON object per line with `time` (ISO 8601), `level`
 * (as a word), `msg` and the fields at the top level. Writes are synchronous so the last lines
 * before an exit are never lost; logging is rare enough (rejections are rate-limited) for that
 * to cost nothing measurable.
 */
export class PinoLogger implements Logger {
  constructor(private readonly pino: Pino) {}

  trace(msg: string, fields?: Record<string, unknown>): void {
    if (fields) this.pino.trace(plainFields(fields), msg);
    else this.pino.trace(msg);
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    if (fields) this.pino.debug(plainFields(fields), msg);
    else this.pino.debug(msg);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    if (fields) this.pino.info(plainFields(fields), msg);
    else this.pino.info(msg);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    if (fields) this.pino.warn(plainFields(fields), msg);
    else this.pino.warn(msg);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    if (fields) this.pino.error(plainFields(fields), msg);
    else this.pino.error(msg);
  }
}

export function createPinoLogger(options: PinoLoggerOptions): PinoLogger {
  const destination =
    options.destination ??
    (options.pretty
      ? PinoPretty({ destination: 2, sync: true, colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ fd: 2, sync: true }));
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return new PinoLogger(logger);
}
