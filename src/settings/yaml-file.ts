/**
 * Reads the YAML config file into dotted keys. The document tree is walked (rather than turned
 * into a plain object first) so every message can point at a line and column.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { KEYS, KEY_BY_PATH, SECTION_PATHS } from './keys.js';
import type { RawValue, RawValues } from './sources.js';
import { didYouMean } from './suggest.js';
import { show } from './values.js';

export interface YamlConfig {
  values: RawValues;
  /** The `properties:` value as plain data, when the file has that key. */
  properties: unknown;
  hasProperties: boolean;
  /** Whether the file existed and was read. */
  found: boolean;
  issues: string[];
}

/** Guards against alias bombs (a few lines expanding into gigabytes). */
const MAX_ALIAS_COUNT = 1000;

const empty = (issues: string[] = [], found = true): YamlConfig => ({
  values: new Map(),
  properties: undefined,
  hasProperties: false,
  found,
  issues,
});

/** Converts parsed YAML (Maps from `mapAsMap`) into plain objects and arrays. */
export function plain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      const key = k !== null && typeof k === 'object' ? JSON.stringify(plain(k)) : String(k);
      out[key] = plain(v);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Map) return 'a mapping';
  if (typeof value === 'string') return `the text ${show(value)}`;
  return show(value);
}

/** A key as typed, with control characters escaped and length bounded (junk files have odd keys). */
function printable(key: string): string {
  const escaped = JSON.stringify(key).slice(1, -1);
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}

const KNOWN_PATHS = ['properties', ...KEYS.map((k) => k.key), ...SECTION_PATHS];

/**
 * @param path the file to read
 * @param display how the file is named in messages
 * @param required whether a missing file is an error (it is when named explicitly)
 */
export function readYamlConfig(path: string, display: string, required: boolean): YamlConfig {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) return empty([`config file ${display} is a directory`]);
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return empty([], false);
    if (code === 'ENOENT') return empty([`config file ${display} does not exist`], false);
    return empty([`config file ${display} cannot be read: ${(err as Error).message}`], false);
  }
  if (bytes.length > MAX_FILE_BYTES) return empty([`config file ${display} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`]);
  if (bytes.includes(0)) return empty([`config file ${display} is not a YAML text file (it contains NUL bytes)`]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return empty([`config file ${display} is not valid UTF-8 text`]);
  }
  return parseYamlConfig(text, display);
}

/** A real config is a few KiB; these bounds only stop junk from exhausting the parser. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_FLOW_DEPTH = 256;

/**
 * Deepest nesting of flow brackets. Brackets inside quoted text are counted too, which can only
 * overestimate; no sensible config gets near the limit either way. This matters because the
 * YAML parser aborts the whole process (out of memory) on extremely deep nesting, which no
 * try/catch can intercept.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return max;
}

export function parseYamlConfig(text: string, display: string): YamlConfig {
  if (text.length > MAX_FILE_BYTES) return empty([`config file ${display} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`]);
  if (flowDepth(text) > MAX_FLOW_DEPTH) {
    return empty([`config file ${display} nests brackets more than ${MAX_FLOW_DEPTH} levels deep`]);
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    // The parser can exhaust the stack on absurdly deep nesting.
    return empty([`config file ${display} cannot be parsed: ${(err as Error).message}`]);
  }
  if (doc.errors.length > 0) {
    return empty(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const firstLine = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        return at ? `${display}:${at.line}:${at.col}: YAML syntax error: ${firstLine}` : `${display}: YAML syntax error: ${firstLine}`;
      }),
    );
  }

  const out = empty();
  const where = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return display;
    const pos = lineCounter.linePos(offset);
    return `${display}:${pos.line}:${pos.col}`;
  };
  const toValue = (node: Node): unknown => plain(node.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT }));
  const deref = (node: unknown): Node | null => {
    if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  };

  const walk = (map: Node, prefix: string): void => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const keyNode = deref(pair.key);
      const valueNode = deref(pair.value);
      if (!isScalar(keyNode)) {
        out.issues.push(`${where(keyNode)}: a key must be plain text, found ${describeKind(keyNode ? toValue(keyNode) : null)}`);
        continue;
      }
      const path = prefix === '' ? String(keyNode.value) : `${prefix}.${String(keyNode.value)}`;
      if (path === 'properties') {
        out.hasProperties = true;
        out.properties = valueNode ? toValue(valueNode) : null;
        continue;
      }
      if (KEY_BY_PATH.has(path)) {
        // `key:` with nothing after it (or `~`) leaves the key unset.
        if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) continue;
        const raw: RawValue = { value: toValue(valueNode), kind: 'file', origin: where(valueNode) };
        if (isSeq(valueNode)) raw.itemOrigins = valueNode.items.map((item) => where(deref(item)));
        out.values.set(path, raw);
        continue;
      }
      if (SECTION_PATHS.has(path)) {
        if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) continue;
        if (!isMap(valueNode)) {
          const below = KEYS.filter((k) => k.key.startsWith(`${path}.`)).map((k) => k.key.slice(path.length + 1));
          out.issues.push(
            `${where(valueNode)}: ${path} must be a section with keys such as ${below.slice(0, 3).join(', ')}, found ${describeKind(toValue(valueNode))}`,
          );
          continue;
        }
        walk(valueNode, path);
        continue;
      }
      out.issues.push(`${where(keyNode)}: unknown key ${printable(path)}${didYouMean(path, KNOWN_PATHS)}`);
    }
  };

  try {
    const root = deref(doc.contents);
    if (root === null || (isScalar(root) && root.value === null)) return out;
    if (!isMap(root)) {
      out.issues.push(`config file ${display} must hold a mapping of keys at the top level, found ${describeKind(toValue(root))}`);
      return out;
    }
    walk(root, '');
  } catch (err) {
    // Alias bombs and similar pathological documents end up here.
    out.issues.push(`config file ${display} cannot be read: ${(err as Error).message}`);
  }
  return out;
}
