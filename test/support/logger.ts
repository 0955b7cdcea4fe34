import type { Logger } from '../../src/monitoring/logger.js';

export interface LogEntry {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every entry, for tests that check what was logged. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, msg, fields });
    };
  return { entries, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
