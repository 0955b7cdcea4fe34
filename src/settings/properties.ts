/**
 * Properties (DESIGN decision 1). The d8a single-property keys describe one catch-all property;
 * a `properties:` list declares several, each inheriting whatever it leaves out from those keys.
 */
import {
  checkUniqueColumnNames,
  parseConditions,
  parseGa4Params,
  parseMatomoCustomDimensions,
  parseMatomoCustomVariables,
  type CustomColumnLists,
  type RawEntry,
} from './custom-columns.js';
import { KEYS, keySpec } from './keys.js';
import { didYouMean } from './suggest.js';
import type { IpMaskingLevel, KnownBotsMode, PropertySettings, ProtocolId } from './types.js';
import { convert, show, toBool } from './values.js';

type Issues = string[];

/** The single-property view, and its custom columns with their entry paths. */
export interface PropertyTemplate {
  property: PropertySettings;
  columns: CustomColumnLists;
}

/** How each property-level key lands in `PropertySettings`. */
const APPLY: Readonly<Record<string, (p: PropertySettings, v: unknown) => void>> = {
  'property.id': (p, v) => (p.id = v as string),
  'property.name': (p, v) => (p.name = v as string),
  protocol: (p, v) => (p.protocol = v as ProtocolId),
  'warehouse.table': (p, v) => (p.table = v as string),
  'property.settings.split_by_user_id': (p, v) => (p.splitByUserId = v as boolean),
  'property.settings.split_by_campaign': (p, v) => (p.splitByCampaign = v as boolean),
  'property.settings.split_by_time_since_first_event': (p, v) => (p.splitByTimeSinceFirstEventMs = v as number),
  'property.settings.split_by_max_events': (p, v) => (p.splitByMaxEvents = v as number),
  'property.settings.ip_masking_level': (p, v) => (p.ipMaskingLevel = v as IpMaskingLevel),
  'property.settings.excluded_url_params': (p, v) => (p.excludedUrlParams = v as string[]),
  'property.settings.exclude_known_bots': (p, v) => (p.knownBots = knownBotsMode(v as string)),
  'sessions.timeout': (p, v) => (p.sessionTimeoutMs = v as number),
  'sessions.join_by_session_stamp': (p, v) => (p.joinBySessionStamp = v as boolean),
  'sessions.join_by_user_id': (p, v) => (p.joinByUserId = v as boolean),
  'filters.fields': (p, v) => (p.filters.fields = v as string[]),
  'measurement_protocol.api_secrets': (p, v) => (p.measurementProtocol = { apiSecrets: v as string[] }),
};

/** The key's text (already checked against true / false / test) as the property's mode. */
function knownBotsMode(value: string): KnownBotsMode {
  const v = value.toLowerCase();
  return v === 'false' ? 'keep' : v === 'test' ? 'mark' : 'exclude';
}

/** Builds the single property from resolved key values (already typed and validated). */
export function propertyFromKeys(get: (key: string) => unknown, columns: CustomColumnLists, conditions: PropertySettings['filters']['conditions']): PropertySettings {
  const p: PropertySettings = {
    id: '',
    name: '',
    measurementIds: [],
    isDefault: true,
    protocol: 'ga4',
    table: '',
    splitByUserId: true,
    splitByCampaign: true,
    splitByTimeSinceFirstEventMs: 0,
    splitByMaxEvents: 0,
    sessionTimeoutMs: 0,
    joinBySessionStamp: true,
    joinByUserId: true,
    ipMaskingLevel: 0,
    excludedUrlParams: [],
    filters: { fields: [], conditions },
    customColumns: columnsOf(columns),
    measurementProtocol: { apiSecrets: [] },
  };
  for (const [key, apply] of Object.entries(APPLY)) apply(p, get(key));
  return p;
}

function columnsOf(c: CustomColumnLists): PropertySettings['customColumns'] {
  return {
    ga4Params: c.ga4Params.map((x) => x.column),
    matomoCustomDimensions: c.matomoCustomDimensions.map((x) => x.column),
    matomoCustomVariables: c.matomoCustomVariables.map((x) => x.column),
  };
}

/**
 * Level 4 blanks the whole address, and the session stamp is derived from it, so stamp joining
 * would merge unrelated visitors (d8a rejects the combination too).
 */
export function checkPropertySettings(p: PropertySettings, label: string | undefined, issues: Issues): void {
  if (p.ipMaskingLevel === 4 && p.joinBySessionStamp) {
    issues.push(
      label === undefined
        ? 'property.settings.ip_masking_level: level 4 requires sessions.join_by_session_stamp to be false, but it is true ' +
            '(level 4 removes the address the session stamp is built from)'
        : `${label}: settings.ip_masking_level 4 requires sessions.join_by_session_stamp to be false, but it is true ` +
            '(level 4 removes the address the session stamp is built from)',
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sub-sections of an entry and the global key each of their fields is typed like. */
const SECTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  settings: Object.fromEntries(
    KEYS.filter((k) => k.key.startsWith('property.settings.')).map((k) => [k.key.slice('property.settings.'.length), k.key]),
  ),
  sessions: {
    timeout: 'sessions.timeout',
    join_by_session_stamp: 'sessions.join_by_session_stamp',
    join_by_user_id: 'sessions.join_by_user_id',
  },
  filters: { fields: 'filters.fields', conditions: 'filters.conditions' },
  ga4: { params: 'ga4.params' },
  measurement_protocol: { api_secrets: 'measurement_protocol.api_secrets' },
  matomo: { custom_dimensions: 'matomo.custom_dimensions', custom_variables: 'matomo.custom_variables' },
};

/** Top-level entry fields that are plain keys, and the global key each one is typed like. */
const SCALARS: Readonly<Record<string, string>> = {
  id: 'property.id',
  name: 'property.name',
  protocol: 'protocol',
  table: 'warehouse.table',
};

const ENTRY_FIELDS = [...Object.keys(SCALARS), 'measurement_ids', 'default', ...Object.keys(SECTIONS)];

/** Keys that only make sense once per process; named explicitly instead of "unknown". */
const GLOBAL_ONLY: Readonly<Record<string, string>> = {
  'matomo.tracking_endpoints': 'matomo.tracking_endpoints applies to every property; set it at the top level',
};

function measurementIds(value: unknown, path: string, issues: Issues): string[] {
  const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: string[] = [];
  list.forEach((item, i) => {
    // YAML reads `7` as a number, but a Matomo idsite arrives as text; both must match.
    if ((typeof item === 'string' && item.trim() !== '') || (typeof item === 'number' && Number.isFinite(item))) {
      const id = String(item).trim();
      if (!out.includes(id)) out.push(id);
    } else {
      issues.push(`${path}.measurement_ids[${i}]: expected a GA4 measurement id or Matomo site id, got ${show(item)}`);
    }
  });
  return out;
}

interface ParsedEntry {
  property: PropertySettings;
  path: string;
  /** Whether the entry sets `id` validly (duplicate checks skip entries that do not). */
  hasId: boolean;
}

function parseEntry(entry: unknown, index: number, template: PropertyTemplate, issues: Issues): ParsedEntry | undefined {
  const path = `properties[${index}]`;
  if (!isRecord(entry)) {
    issues.push(`${path}: expected a mapping with id, name, measurement_ids, ..., got ${show(entry)}`);
    return undefined;
  }
  const base = template.property;
  const p: PropertySettings = {
    ...base,
    measurementIds: [],
    isDefault: false,
    excludedUrlParams: [...base.excludedUrlParams],
    filters: { fields: [...base.filters.fields], conditions: [...base.filters.conditions] },
  };
  const columns: CustomColumnLists = { ...template.columns };

  const apply = (key: string, raw: unknown, at: string): void => {
    const c = convert(keySpec(key), raw);
    if (!c.ok) issues.push(`${at}: ${c.problem}, got ${show(raw)}`);
    else APPLY[key]?.(p, c.value);
  };
  const entries = (raw: unknown, at: string): RawEntry[] => {
    if (!Array.isArray(raw)) {
      if (raw !== null && raw !== undefined) issues.push(`${at}: expected a list of entries, got ${show(raw)}`);
      return [];
    }
    return raw.map((value, i) => ({ value, path: `${at}[${i}]`, origin: path }));
  };

  let hasId = false;
  if (entry['id'] === undefined || entry['id'] === null) issues.push(`${path}.id is required`);

  for (const [field, value] of Object.entries(entry)) {
    const at = `${path}.${field}`;
    const scalarKey = SCALARS[field];
    if (scalarKey !== undefined) {
      if (value === null || value === undefined) continue;
      apply(scalarKey, value, at);
      if (field === 'id') hasId = convert(keySpec('property.id'), value).ok;
      continue;
    }
    if (field === 'measurement_ids') {
      p.measurementIds = measurementIds(value, path, issues);
      continue;
    }
    if (field === 'default') {
      const c = toBool(value);
      if (!c.ok) issues.push(`${at}: expected true or false, got ${show(value)}`);
      else p.isDefault = c.value as boolean;
      continue;
    }
    const section = SECTIONS[field];
    if (section === undefined) {
      issues.push(`${at}: unknown key${didYouMean(field, ENTRY_FIELDS)}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      issues.push(`${at}: expected a section with ${Object.keys(section).join(', ')}, got ${show(value)}`);
      continue;
    }
    for (const [sub, subValue] of Object.entries(value)) {
      const subAt = `${at}.${sub}`;
      const key = section[sub];
      const globalOnly = GLOBAL_ONLY[`${field}.${sub}`];
      if (globalOnly !== undefined) {
        issues.push(`${subAt}: ${globalOnly}`);
        continue;
      }
      if (key === undefined) {
        issues.push(`${subAt}: unknown key${didYouMean(sub, Object.keys(section))}`);
        continue;
      }
      if (subValue === null || subValue === undefined) continue;
      switch (key) {
        case 'filters.conditions':
          p.filters.conditions = parseConditions(entries(subValue, subAt), issues);
          break;
        case 'ga4.params':
          columns.ga4Params = parseGa4Params(entries(subValue, subAt), issues);
          break;
        case 'matomo.custom_dimensions':
          columns.matomoCustomDimensions = parseMatomoCustomDimensions(entries(subValue, subAt), issues);
          break;
        case 'matomo.custom_variables':
          columns.matomoCustomVariables = parseMatomoCustomVariables(entries(subValue, subAt), issues);
          break;
        default:
          apply(key, subValue, subAt);
      }
    }
  }

  p.customColumns = columnsOf(columns);
  checkPropertySettings(p, path, issues);
  checkUniqueColumnNames(columns, issues, '');
  return { property: p, path, hasId };
}

/**
 * Builds the listed properties. `raw` is the `properties:` value as plain data.
 * Returns an empty list when it is unusable (the issues say why).
 */
export function buildProperties(raw: unknown, template: PropertyTemplate, issues: Issues): PropertySettings[] {
  if (!Array.isArray(raw)) {
    issues.push(`properties: expected a list of properties, got ${show(raw)}`);
    return [];
  }
  if (raw.length === 0) {
    issues.push('properties: the list is empty; declare at least one property or remove the key');
    return [];
  }
  const parsed = raw.map((entry, i) => parseEntry(entry, i, template, issues)).filter((x): x is ParsedEntry => x !== undefined);

  const byId = new Map<string, string>();
  const byMeasurementId = new Map<string, ParsedEntry>();
  let defaultEntry: ParsedEntry | undefined;
  for (const e of parsed) {
    if (e.hasId) {
      const first = byId.get(e.property.id);
      if (first !== undefined) issues.push(`${e.path}.id: ${show(e.property.id)} is already used by ${first}`);
      else byId.set(e.property.id, e.path);
    }
    for (const mid of e.property.measurementIds) {
      const owner = byMeasurementId.get(mid);
      if (owner !== undefined && owner !== e) {
        issues.push(`${e.path}.measurement_ids: ${show(mid)} is already claimed by ${owner.path} (${owner.property.id})`);
      } else {
        byMeasurementId.set(mid, e);
      }
    }
    if (e.property.isDefault) {
      if (defaultEntry !== undefined) {
        issues.push(`${e.path}.default: only one property may be the default, and ${defaultEntry.path} (${defaultEntry.property.id}) already is`);
      } else {
        defaultEntry = e;
      }
    }
  }
  return parsed.map((e) => e.property);
}
