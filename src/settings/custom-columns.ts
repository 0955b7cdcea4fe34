/**
 * The list-of-objects settings: traffic-filter conditions and the custom-column shortcuts
 * (`ga4.params`, `matomo.custom_dimensions`, `matomo.custom_variables`). Shapes are checked here;
 * filter expressions are only carried as text (they are compiled by the filter module).
 */
import type { FilterCondition, Ga4ParamColumn, MatomoCustomColumn } from './types.js';
import { didYouMean } from './suggest.js';
import { show, toBool } from './values.js';

/** One entry together with where it sits (`ga4.params[2]`) and where it came from. */
export interface RawEntry {
  value: unknown;
  path: string;
  /** Env variable, flag or file position, for messages. */
  origin: string;
}

/** A parsed column and the entry path it came from, for duplicate reports. */
export interface Located<T> {
  column: T;
  path: string;
}

export interface CustomColumnLists {
  ga4Params: Located<Ga4ParamColumn>[];
  matomoCustomDimensions: Located<MatomoCustomColumn>[];
  matomoCustomVariables: Located<MatomoCustomColumn>[];
}

type Issues = string[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const from = (e: RawEntry): string => ` (from ${e.origin})`;

/**
 * Turns JSON texts from a flag or env variable into entries. Each text may be one object, an
 * array of objects, or objects separated by commas (which is what a comma-splitting shell
 * wrapper would otherwise have broken apart). Text that is not JSON is skipped with a warning,
 * as d8a does.
 */
export function jsonEntries(key: string, texts: readonly string[], origin: string, firstIndex: number, warnings: string[]): RawEntry[] {
  const out: RawEntry[] = [];
  for (const text of texts) {
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      try {
        parsed = JSON.parse(`[${text}]`);
      } catch (err) {
        warnings.push(`${key}: skipping ${origin} value that is not valid JSON (${(err as Error).message}): ${show(text)}`);
        continue;
      }
    }
    for (const value of Array.isArray(parsed) ? parsed : [parsed]) {
      out.push({ value, path: `${key}[${firstIndex + out.length}]`, origin });
    }
  }
  return out;
}

/** Turns a YAML list into entries; a non-list is reported. */
export function yamlEntries(key: string, value: unknown, origin: string, issues: Issues, itemOrigins: readonly string[] = []): RawEntry[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.push(`${key}: expected a list of entries, got ${show(value)} (from ${origin})`);
    return [];
  }
  return value.map((v, i) => ({ value: v, path: `${key}[${i}]`, origin: itemOrigins[i] ?? origin }));
}

/** Checks the entry is a mapping and reports unknown fields; returns the mapping or undefined. */
function fields(e: RawEntry, allowed: readonly string[], issues: Issues): Record<string, unknown> | undefined {
  if (!isRecord(e.value)) {
    issues.push(`${e.path}: expected a mapping with ${allowed.join(', ')}, got ${show(e.value)}${from(e)}`);
    return undefined;
  }
  // Unknown fields are reported but the known ones are still checked, so one run lists it all.
  for (const k of Object.keys(e.value)) {
    if (!allowed.includes(k)) issues.push(`${e.path}.${k}: unknown field${didYouMean(k, allowed)}${from(e)}`);
  }
  return e.value;
}

function requiredText(e: RawEntry, rec: Record<string, unknown>, field: string, issues: Issues): string | undefined {
  const v = rec[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    issues.push(`${e.path}.${field} is required${from(e)}`);
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    issues.push(`${e.path}.${field}: expected text, got ${show(v)}${from(e)}`);
    return undefined;
  }
  return String(v);
}

function optionalText(e: RawEntry, rec: Record<string, unknown>, field: string, fallback: string, issues: Issues): string | undefined {
  const v = rec[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string' && typeof v !== 'number') {
    issues.push(`${e.path}.${field}: expected text, got ${show(v)}${from(e)}`);
    return undefined;
  }
  return String(v);
}

function oneOf<T extends string>(
  e: RawEntry,
  rec: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  fallback: T | undefined,
  issues: Issues,
  hint = '',
): T | undefined {
  const v = rec[field];
  if ((v === undefined || v === null || v === '') && fallback !== undefined) return fallback;
  const match = allowed.find((a) => a === v);
  if (match === undefined) {
    const got = v === undefined || v === null || v === '' ? 'nothing' : show(v);
    const want = allowed.length > 2 ? `one of ${allowed.join(', ')}` : allowed.join(' or ');
    issues.push(`${e.path}.${field}: expected ${want}, got ${got}${hint}${from(e)}`);
  }
  return match;
}

const CONDITION_FIELDS = ['name', 'type', 'test_mode', 'expression'] as const;

export function parseConditions(entries: readonly RawEntry[], issues: Issues): FilterCondition[] {
  const out: FilterCondition[] = [];
  for (const e of entries) {
    const rec = fields(e, CONDITION_FIELDS, issues);
    if (!rec) continue;
    const name = requiredText(e, rec, 'name', issues);
    const type = oneOf(e, rec, 'type', ['exclude', 'allow'] as const, undefined, issues);
    const expression = requiredText(e, rec, 'expression', issues);
    let testMode = false;
    if (rec['test_mode'] !== undefined && rec['test_mode'] !== null) {
      const b = toBool(rec['test_mode']);
      if (b.ok) testMode = b.value as boolean;
      else issues.push(`${e.path}.test_mode: expected true or false, got ${show(rec['test_mode'])}${from(e)}`);
    }
    if (name !== undefined && type !== undefined && expression !== undefined) {
      out.push({ name, type, testMode, expression });
    }
  }
  return out;
}

const GA4_FIELDS = ['name', 'column_name', 'scope', 'type'] as const;
const GA4_TYPES = ['string', 'int64', 'float64'] as const;

export function parseGa4Params(entries: readonly RawEntry[], issues: Issues): Located<Ga4ParamColumn>[] {
  const out: Located<Ga4ParamColumn>[] = [];
  for (const e of entries) {
    const rec = fields(e, GA4_FIELDS, issues);
    if (!rec) continue;
    const name = requiredText(e, rec, 'name', issues);
    const columnName = optionalText(e, rec, 'column_name', name === undefined ? '' : `params_${name}`, issues);
    const scope = oneOf(e, rec, 'scope', ['event'] as const, 'event', issues, ' (GA4 params are event-scoped only)');
    const hint = rec['type'] === 'bool' ? ' (bool columns are not supported for GA4 params)' : '';
    const type = oneOf(e, rec, 'type', GA4_TYPES, 'string', issues, hint);
    if (name !== undefined && columnName !== undefined && scope !== undefined && type !== undefined) {
      out.push({ column: { name, columnName, scope, type }, path: e.path });
    }
  }
  return out;
}

function parseSlot(e: RawEntry, rec: Record<string, unknown>, issues: Issues): number | undefined {
  const v = rec['slot'];
  let n: number | undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
  else if (typeof v === 'string' && /^\d+$/.test(v.trim())) n = Number(v.trim());
  // Matomo numbers its dimensions from 1 (`dimension1`), so 0 or less can never match.
  if (n === undefined || n < 1) {
    const got = v === undefined || v === null ? 'nothing' : show(v);
    issues.push(`${e.path}.slot: required, a whole number of 1 or more, got ${got}${from(e)}`);
    return undefined;
  }
  return n;
}

const MATOMO_DIMENSION_FIELDS = ['slot', 'name', 'column_name', 'scope', 'type'] as const;
const MATOMO_VARIABLE_FIELDS = ['name', 'column_name', 'scope', 'type'] as const;

function parseMatomo(entries: readonly RawEntry[], withSlot: boolean, issues: Issues): Located<MatomoCustomColumn>[] {
  const out: Located<MatomoCustomColumn>[] = [];
  const what = withSlot ? 'custom dimensions' : 'custom variables';
  const prefix = withSlot ? 'custom_dimension_' : 'custom_variable_';
  for (const e of entries) {
    const rec = fields(e, withSlot ? MATOMO_DIMENSION_FIELDS : MATOMO_VARIABLE_FIELDS, issues);
    if (!rec) continue;
    const slot = withSlot ? parseSlot(e, rec, issues) : undefined;
    const name = requiredText(e, rec, 'name', issues);
    const columnName = optionalText(e, rec, 'column_name', name === undefined ? '' : `${prefix}${name}`, issues);
    const scope = oneOf(e, rec, 'scope', ['event', 'session'] as const, 'event', issues);
    const type = oneOf(e, rec, 'type', ['string'] as const, 'string', issues, ` (Matomo ${what} are always text)`);
    if ((slot !== undefined || !withSlot) && name !== undefined && columnName !== undefined && scope !== undefined && type !== undefined) {
      const column: MatomoCustomColumn = { name, columnName, scope, type };
      if (slot !== undefined) column.slot = slot;
      out.push({ column, path: e.path });
    }
  }
  return out;
}

export function parseMatomoCustomDimensions(entries: readonly RawEntry[], issues: Issues): Located<MatomoCustomColumn>[] {
  return parseMatomo(entries, true, issues);
}

export function parseMatomoCustomVariables(entries: readonly RawEntry[], issues: Issues): Located<MatomoCustomColumn>[] {
  return parseMatomo(entries, false, issues);
}

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;

/** Every custom column of one property becomes a table column, so their names must differ. */
export function checkUniqueColumnNames(lists: CustomColumnLists, issues: Issues, context = ''): void {
  const seen = new Map<string, string>();
  const all = [...lists.ga4Params, ...lists.matomoCustomDimensions, ...lists.matomoCustomVariables];
  for (const { column, path } of all) {
    // Warehouses (BigQuery above all) accept letters, digits and underscores in column names.
    if (!COLUMN_NAME.test(column.columnName) || column.columnName === '__proto__') {
      issues.push(`${context}${path}.column_name: ${show(column.columnName)} is not a valid column name (letters, digits and underscores, not starting with a digit)`);
      continue;
    }
    const first = seen.get(column.columnName);
    if (first !== undefined) {
      issues.push(`${context}${path}.column_name: output column ${show(column.columnName)} is already produced by ${first}`);
    } else {
      seen.set(column.columnName, path);
    }
  }
}
