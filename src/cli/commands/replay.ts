import { existsSync } from 'node:fs';
import type { Logger } from '../../monitoring/logger.js';
import { Monitoring } from '../../monitoring/monitoring.js';
import { Replayer } from '../../replay/replayer.js';
import { splitPositionals } from '../../replay/split-args.js';
import { CountingDriver } from '../../warehouse/counting-driver.js';
import { Worker } from '../../worker/worker.js';
import { ExitCode } from '../exit-codes.js';
import type { Settings } from '../../settings/types.js';
import { loggerFor, settingsOrReport } from '../service.js';

/**
 * `cairn replay --config F FILE...`: recorded requests through the same parsing, validation
 * and worker code as live traffic, then every session closed and written. Exit 0 with a summary
 * on stdout; rejected requests are counted, never fatal.
 */
export async function runReplayCommand(args: string[]): Promise<number> {
  const { options, positionals } = splitPositionals(args);
  if (positionals.length === 0) {
    process.stderr.write('cairn replay: give at least one file of recorded requests (one JSON object per line)\n');
    return ExitCode.config;
  }
  for (const f of positionals) {
    if (!existsSync(f)) {
      process.stderr.write(`cairn replay: no such file: ${f}\n`);
      return ExitCode.config;
    }
  }
  const settings = settingsOrReport(options);
  if (settings === null) return ExitCode.config;
  const logger = loggerFor(settings);
  for (const w of settings.warnings) logger.debug(w);
  // Metrics of a replay go out over OTLP when configured; the monitoring port is not opened.
  let monitoring: Monitoring;
  try {
    monitoring = await Monitoring.start(settings, logger, { role: 'replay', serve: false });
  } catch (err) {
    logger.error('replay could not start monitoring', { error: err });
    return ExitCode.startup;
  }
  try {
    return await replay(settings, logger, positionals, monitoring);
  } finally {
    await monitoring.stop();
  }
}

async function replay(settings: Settings, logger: Logger, files: string[], monitoring: Monitoring): Promise<number> {
  let counting: CountingDriver | undefined;
  let worker: Worker;
  try {
    const decorators = monitoring.workerDecorators();
    const measure = decorators.decorateDriver ?? ((d) => d);
    worker = await Worker.start(settings, logger, {
      ...decorators,
      migrate: true,
      decorateDriver: (d) => (counting = new CountingDriver(measure(d))),
    });
  } catch (err) {
    logger.error('replay could not start', { error: err });
    return ExitCode.startup;
  }
  const replayer = new Replayer(settings, worker, logger);
  let summary;
  try {
    for (const [i, f] of files.entries()) await replayer.replayFile(f, i);
    summary = await replayer.finish();
  } catch (err) {
    logger.error('replay failed', { error: err });
    await worker.stop().catch(() => undefined);
    return ExitCode.failure;
  }
  try {
    await worker.stop();
  } catch {
    return ExitCode.failure;
  }
  const out = {
    requests: summary.requests,
    accepted: summary.accepted,
    hits: summary.hits,
    rejected: summary.rejected,
    rejections: summary.rejections,
    sessions: counting?.sessionCount ?? 0,
    rows: counting?.rows ?? 0,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  return ExitCode.ok;
}
