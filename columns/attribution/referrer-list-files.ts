import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { HostPattern, HostPatternError } from './host-pattern.js';
import { normaliseAttributionValue } from './normalise.js';
import { ReferrerList, type ReferrerListEntry } from './referrer-list.js';

/** The referrer lists Cairn maintains, one YAML file each (format: `README.md` of this folder). */
export interface ReferrerLists {
  searchEngines: ReferrerList;
  socials: ReferrerList;
  aiAssistants: ReferrerList;
  videoSites: ReferrerList;
  emailProviders: ReferrerList;
  referralApps: ReferrerList;
}

export const REFERRER_LIST_FILES: Readonly<Record<keyof ReferrerLists, string>> = {
  searchEngines: 'search-engines.yaml',
  socials: 'socials.yaml',
  aiAssistants: 'ai-assistants.yaml',
  videoSites: 'video-sites.yaml',
  emailProviders: 'email-providers.yaml',
  referralApps: 'referral-apps.yaml',
};

export class ReferrerListError extends Error {
  override readonly name = 'ReferrerListError';
}

export interface ReferrerListShape {
  /** Whether entries may name `term_params` (search engines). */
  withTermParams: boolean;
}

function describeEntry(index: number, name: unknown): string {
  return typeof name === 'string' && name !== '' ? `entry ${index + 1} (${name})` : `entry ${index + 1}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readStringList(value: unknown, what: string, fail: (message: string) => never): string[] {
  if (!Array.isArray(value)) fail(`${what} must be a list`);
  const items: readonly unknown[] = value;
  return items.map((item, i) => {
    if (typeof item !== 'string' || item === '') fail(`${what}[${i}] must be a non-empty string`);
    return item;
  });
}

function readEntry(raw: unknown, index: number, shape: ReferrerListShape, fail: (message: string) => never): ReferrerListEntry {
  if (!isRecord(raw)) fail(`${describeEntry(index, undefined)} must be a mapping with name and hosts`);
  const where = describeEntry(index, raw['name']);
  const allowed = shape.withTermParams ? ['name', 'hosts', 'term_params'] : ['name', 'hosts'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) fail(`${where}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
  }
  const name = raw['name'];
  if (typeof name !== 'string' || name.trim() === '') fail(`${where}: name must be a non-empty string`);
  if (name !== name.trim()) fail(`${where}: name has surrounding white space`);
  if (normaliseAttributionValue(name) === '') fail(`${where}: name leaves nothing once normalised`);
  if (!('hosts' in raw)) fail(`${where}: hosts is missing`);
  const hostTexts = readStringList(raw['hosts'], `${where}: hosts`, fail);
  if (hostTexts.length === 0) fail(`${where}: hosts is empty`);
  const hosts = hostTexts.map((text, i) => {
    try {
      return HostPattern.parse(text);
    } catch (err) {
      if (err instanceof HostPatternError) fail(`${where}: hosts[${i}] "${text}" ${err.message}`);
      throw err;
    }
  });
  const termParams = raw['term_params'] === undefined ? [] : readStringList(raw['term_params'], `${where}: term_params`, fail);
  return { name, hosts, termParams };
}

/**
 * Entries are matched in file order, so a pattern that an earlier entry already covers can
 * never win; such a list is refused rather than silently misattributing.
 */
function checkReachable(entries: readonly ReferrerListEntry[], fail: (message: string) => never): void {
  const sources = new Map<string, string>();
  for (const [j, entry] of entries.entries()) {
    const source = normaliseAttributionValue(entry.name);
    const earlierName = sources.get(source);
    if (earlierName !== undefined) fail(`${describeEntry(j, entry.name)}: source "${source}" is already used by "${earlierName}"`);
    sources.set(source, entry.name);
    for (const pattern of entry.hosts) {
      for (const earlier of entries.slice(0, j)) {
        const covering = earlier.hosts.find((p) => p.covers(pattern));
        if (covering !== undefined) {
          fail(`${describeEntry(j, entry.name)}: host "${pattern.text}" can never match, "${covering.text}" of "${earlier.name}" comes first; move the narrower entry up`);
        }
      }
    }
  }
}

/** Parses and validates one list; throws `ReferrerListError` naming the file, the entry and the fault. */
export function parseReferrerList(text: string, fileName: string, shape: ReferrerListShape): ReferrerList {
  // Annotated so that TypeScript narrows after each call, as it does after a `throw`.
  const fail: (message: string) => never = (message) => {
    throw new ReferrerListError(`${fileName}: ${message}`);
  };
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) fail(`not valid YAML: ${syntaxError.message}`);
  const root: unknown = document.toJS();
  if (!Array.isArray(root)) fail('must be a list of entries (`- name: …` / `hosts: […]`)');
  const items: readonly unknown[] = root;
  const entries = items.map((raw, i) => readEntry(raw, i, shape, fail));
  if (entries.length === 0) fail('holds no entries');
  checkReachable(entries, fail);
  return new ReferrerList(entries);
}

const PROBE_FILE = REFERRER_LIST_FILES.searchEngines;

/**
 * Where the YAML files are: beside this module (in the source tree, or in `dist/` once the
 * build copied them), else in the package's source folder when running compiled code.
 */
export function defaultReferrerListDirectory(): URL {
  const beside = new URL('./', import.meta.url);
  if (existsSync(new URL(PROBE_FILE, beside))) return beside;
  const source = new URL('../../../columns/attribution/', import.meta.url);
  if (existsSync(new URL(PROBE_FILE, source))) return source;
  throw new ReferrerListError(`referrer lists not found: looked for ${PROBE_FILE} in ${fileURLToPath(beside)} and ${fileURLToPath(source)}`);
}

function readListFile(directory: URL, fileName: string): string {
  const url = new URL(fileName, directory);
  try {
    return readFileSync(url, 'utf8');
  } catch (err) {
    throw new ReferrerListError(`${fileURLToPath(url)}: cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads and validates the six lists from `directory` (a folder URL ending in `/`). */
export function loadReferrerLists(directory: URL = defaultReferrerListDirectory()): ReferrerLists {
  const load = (kind: keyof ReferrerLists): ReferrerList => {
    const fileName = REFERRER_LIST_FILES[kind];
    return parseReferrerList(readListFile(directory, fileName), fileName, { withTermParams: kind === 'searchEngines' });
  };
  return {
    searchEngines: load('searchEngines'),
    socials: load('socials'),
    aiAssistants: load('aiAssistants'),
    videoSites: load('videoSites'),
    emailProviders: load('emailProviders'),
    referralApps: load('referralApps'),
  };
}

let shippedLists: ReferrerLists | undefined;

/** The lists shipped with Cairn, read once per process. */
export function shippedReferrerLists(): ReferrerLists {
  shippedLists ??= loadReferrerLists();
  return shippedLists;
}
