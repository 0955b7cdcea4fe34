/**
 * Builds `Settings` from flags, environment, the YAML file and built-in defaults (in falling
 * precedence), then applies the delivery / airgapped mode overrides. Every problem found is
 * collected first and thrown together, so one start-up attempt shows the operator all of them.
 */
import { BlockList, isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from './args.js';
import {
  checkUniqueColumnNames,
  jsonEntries,
  parseConditions,
  parseGa4Params,
  parseMatomoCustomDimensions,
  parseMatomoCustomVariables,
  yamlEntries,
  type CustomColumnLists,
  type RawEntry,
} from './custom-columns.js';
import { KEYS, keySpec, unusedKeyWarning } from './keys.js';
import { buildProperties, checkPropertySettings, propertyFromKeys } from './properties.js';
import { readEnv, type RawValue, type RawValues, type SourceKind } from './sources.js';
import type { BatchingBackend, DeliveryMode, FilterCondition, QueueBackend, Settings } from './types.js';
import { convert, defaultValue, show } from './values.js';
import { readYamlConfig } from './yaml-file.js';

export class SettingsError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'SettingsError';
    this.issues = issues;
  }
}

export interface LoadSettingsOptions {
  /** Option tokens after the command name, e.g. `['--server-port', '9000', '-c', 'x.yaml']`. */
  args: string[];
  env: Record<string, string | undefined>;
  /** Directory the config file name and relative directories are resolved against. */
  cwd: string;
}

export const DEFAULT_CONFIG_FILE = 'config.yaml';

interface Resolved {
  values: Map<string, unknown>;
  /** Where each key's value came from; `default` when nobody set it. */
  sources: Map<string, SourceKind | 'default'>;
  origins: Map<string, string>;
}

function resolveScalars(layers: RawValues[], issues: string[]): Resolved {
  const r: Resolved = { values: new Map(), sources: new Map(), origins: new Map() };
  for (const spec of KEYS) {
    if (spec.type === 'json-list') continue;
    let raw: RawValue | undefined;
    for (const layer of layers) {
      raw = layer.get(spec.key);
      if (raw) break;
    }
    if (!raw) {
      r.values.set(spec.key, defaultValue(spec));
      r.sources.set(spec.key, 'default');
      continue;
    }
    r.sources.set(spec.key, raw.kind);
    r.origins.set(spec.key, raw.origin);
    const c = convert(spec, raw.value);
    if (c.ok) {
      r.values.set(spec.key, c.value);
    } else {
      issues.push(`${spec.key}: ${c.problem}, got ${show(raw.value)} (from ${raw.origin})`);
      r.values.set(spec.key, defaultValue(spec)); // keeps later checks meaningful
    }
  }
  return r;
}

/**
 * List-of-objects keys add up instead of replacing: YAML entries first, then the entries from
 * the flag, or from the env variable when no flag is given (as d8a does).
 */
function resolveJsonLists(file: RawValues, env: RawValues, flags: RawValues, r: Resolved, issues: string[], warnings: string[]): Map<string, RawEntry[]> {
  const out = new Map<string, RawEntry[]>();
  for (const spec of KEYS) {
    if (spec.type !== 'json-list') continue;
    const fromFile = file.get(spec.key);
    const entries = fromFile ? yamlEntries(spec.key, fromFile.value, fromFile.origin, issues, fromFile.itemOrigins) : [];
    const extra = flags.get(spec.key) ?? env.get(spec.key);
    if (extra) {
      const texts = Array.isArray(extra.value) ? (extra.value as string[]) : [String(extra.value)];
      entries.push(...jsonEntries(spec.key, texts, extra.origin, entries.length, warnings));
    }
    out.set(spec.key, entries);
    const source = extra?.kind ?? fromFile?.kind ?? 'default';
    r.sources.set(spec.key, source);
  }
  return out;
}

function checkTrustedProxies(list: string[], origin: string | undefined, issues: string[]): void {
  const probe = new BlockList();
  for (const entry of list) {
    const [addr = '', prefix, ...rest] = entry.split('/');
    const family = isIP(addr);
    let valid = family !== 0 && rest.length === 0;
    if (valid && prefix !== undefined) {
      const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
      valid = bits >= 0 && bits <= (family === 4 ? 32 : 128);
      if (valid) {
        try {
          probe.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
        } catch {
          valid = false;
        }
      }
    }
    if (!valid) {
      issues.push(`server.trusted_proxies: ${show(entry)} is not an IP address or CIDR range${origin ? ` (from ${origin})` : ''}`);
    }
  }
}

/** The monitoring port is a second listener; sharing the tracking port would fail at start-up with a less helpful error. */
function checkMonitoringPort(monitoringPort: number, serverPort: number, issues: string[]): void {
  if (monitoringPort !== 0 && monitoringPort === serverPort) {
    issues.push(`monitoring.port: ${monitoringPort} is also server.port; give the monitoring port (metrics, status page) a port of its own`);
  }
}

interface Override {
  mode: string;
  key: string;
  value: unknown;
  text: string;
}

/** Values that `airgapped` and `delivery.mode: at_least_once` force, whatever else says. */
function applyModeOverrides(r: Resolved, warnings: string[]): void {
  const forced: Override[] = [];
  if (r.values.get('airgapped') === true) {
    forced.push(
      { mode: 'airgapped', key: 'dbip.refresh_interval', value: 0, text: '0' },
      { mode: 'airgapped', key: 'currency.refresh_interval', value: 0, text: '0' },
      { mode: 'airgapped', key: 'telemetry.url', value: '', text: '""' },
    );
  }
  if (r.values.get('delivery.mode') === 'at_least_once') {
    forced.push(
      { mode: 'delivery.mode at_least_once', key: 'receiver.batching_backend', value: 'filesystem', text: 'filesystem' },
      { mode: 'delivery.mode at_least_once', key: 'storage.spool_enabled', value: true, text: 'true' },
    );
  }
  for (const o of forced) {
    const current = r.values.get(o.key);
    if (current === o.value) continue;
    const origin = r.origins.get(o.key);
    const was = `${show(current)}${origin ? ` from ${origin}` : ' by default'}`;
    warnings.push(`${o.mode} sets ${o.key} to ${o.text} (it was ${was}); set "${o.key}: ${o.text}" explicitly to remove this warning`);
    r.values.set(o.key, o.value);
  }
}

export function loadSettings(opts: LoadSettingsOptions): { settings: Settings } {
  const issues: string[] = [];
  const warnings: string[] = [];

  const args = parseArgs(opts.args);
  issues.push(...args.issues);
  const configName = args.configFile ?? DEFAULT_CONFIG_FILE;
  const configPath = resolve(opts.cwd, configName);
  const yaml = readYamlConfig(configPath, configName, args.configFile !== undefined);
  issues.push(...yaml.issues);
  const env = readEnv(opts.env);

  const r = resolveScalars([args.values, env, yaml.values], issues);
  const lists = resolveJsonLists(yaml.values, env, args.values, r, issues, warnings);
  const get = (key: string): unknown => r.values.get(keySpec(key).key);

  checkTrustedProxies(get('server.trusted_proxies') as string[], r.origins.get('server.trusted_proxies'), issues);
  checkMonitoringPort(get('monitoring.port') as number, get('server.port') as number, issues);

  for (const spec of KEYS) {
    if (!spec.used && r.sources.get(spec.key) !== 'default') warnings.push(unusedKeyWarning(spec));
  }
  applyModeOverrides(r, warnings);

  const conditions = parseConditions(lists.get('filters.conditions') ?? [], issues);
  const columns: CustomColumnLists = {
    ga4Params: parseGa4Params(lists.get('ga4.params') ?? [], issues),
    matomoCustomDimensions: parseMatomoCustomDimensions(lists.get('matomo.custom_dimensions') ?? [], issues),
    matomoCustomVariables: parseMatomoCustomVariables(lists.get('matomo.custom_variables') ?? [], issues),
  };
  checkUniqueColumnNames(columns, issues);

  const single = propertyFromKeys(get, columns, conditions);
  let properties = [single];
  if (yaml.hasProperties) {
    properties = buildProperties(yaml.properties, { property: single, columns }, issues);
  } else {
    checkPropertySettings(single, undefined, issues);
  }

  if (issues.length > 0) throw new SettingsError([...new Set(issues)]);

  const keys = new Map<string, unknown>(r.values);
  keys.set('filters.conditions', conditions satisfies FilterCondition[]);
  keys.set('ga4.params', single.customColumns.ga4Params);
  keys.set('matomo.custom_dimensions', single.customColumns.matomoCustomDimensions);
  keys.set('matomo.custom_variables', single.customColumns.matomoCustomVariables);

  const dir = (key: string): string => resolve(opts.cwd, get(key) as string);
  const rawLog = get('receiver.raw_log.path') as string;
  const settings: Settings = {
    configFile: yaml.found ? configPath : null,
    debug: get('debug') as boolean,
    trace: get('trace') as boolean,
    airgapped: get('airgapped') as boolean,
    deliveryMode: get('delivery.mode') as DeliveryMode,
    server: {
      host: get('server.host') as string,
      port: get('server.port') as number,
      trustedProxies: get('server.trusted_proxies') as string[],
    },
    receiver: {
      batchSize: get('receiver.batch_size') as number,
      batchTimeoutMs: get('receiver.batch_timeout') as number,
      maxHitKbytes: get('receiver.max_hit_kbytes') as number,
      batchingBackend: get('receiver.batching_backend') as BatchingBackend,
      rawLogPath: rawLog.trim() === '' ? null : resolve(opts.cwd, rawLog),
      maxBodyBytes: (get('receiver.max_body_kbytes') as number) * 1024,
    },
    storage: {
      boltDirectory: dir('storage.bolt_directory'),
      queueDirectory: dir('storage.queue_directory'),
      spoolEnabled: get('storage.spool_enabled') as boolean,
      spoolDirectory: dir('storage.spool_directory'),
      spoolWriteChanBuffer: get('storage.spool_write_chan_buffer') as number,
      spoolFlushIntervalMs: get('storage.spool_flush_interval') as number,
      spoolBufferMaxAgeMs: get('storage.spool_buffer_max_age') as number,
    },
    queue: { backend: get('queue.backend') as QueueBackend },
    matomo: { trackingEndpoints: normaliseTrackingEndpoints(get('matomo.tracking_endpoints') as string[]) },
    warehouse: {
      driver: get('warehouse.driver') as string,
      table: get('warehouse.table') as string,
    },
    properties,
    keys,
    warnings,
  };
  return { settings };
}

/**
 * Extra Matomo paths as the reference normalises them: trimmed, empties dropped, a leading
 * slash added, duplicates removed in first-seen order, `/matomo.php` always first.
 */
export function normaliseTrackingEndpoints(paths: readonly string[]): string[] {
  const out = ['/matomo.php'];
  for (const raw of paths) {
    const p = raw.trim();
    if (p === '') continue;
    const path = p.startsWith('/') ? p : `/${p}`;
    if (!out.includes(path)) out.push(path);
  }
  return out;
}
