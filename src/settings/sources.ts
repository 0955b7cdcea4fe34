/** What each configuration source hands the resolver, and the environment source itself. */
import { KEYS, type KeySpec } from './keys.js';
import { toBool } from './values.js';

export type SourceKind = 'file' | 'env' | 'flag';

export interface RawValue {
  /**
   * As found: a YAML value, env text, or for flags the text of the last occurrence (scalars),
   * a boolean (bool flags) or every occurrence in order (list and json-list flags).
   */
  value: unknown;
  kind: SourceKind;
  /** Where it came from, for messages: `--server-port`, `SERVER_PORT`, `/etc/cairn.yaml`. */
  origin: string;
  /** For YAML lists: the position of each item, so entry messages point at the entry. */
  itemOrigins?: string[];
}

export type RawValues = Map<string, RawValue>;

/**
 * Reads every known key from the environment. An empty variable counts as set for text and
 * list keys (so `TELEMETRY_URL=` clears the URL, as in d8a) but is ignored for numbers,
 * booleans and durations, where it can only be a leftover `FOO=` line in a compose file.
 */
export function readEnv(env: Record<string, string | undefined>): RawValues {
  const out: RawValues = new Map();
  for (const spec of KEYS) {
    const text = env[spec.env];
    if (text === undefined) continue;
    if (text.trim() === '' && !acceptsEmptyText(spec)) continue;
    // DEBUG is also the switch of the popular `debug` package (DEBUG=express:*); only a
    // boolean value is meant for Cairn.
    if ((spec.env === 'DEBUG' || spec.env === 'TRACE') && !toBool(text).ok) continue;
    out.set(spec.key, { value: text, kind: 'env', origin: spec.env });
  }
  return out;
}

function acceptsEmptyText(spec: KeySpec): boolean {
  return spec.type === 'string' || spec.type === 'string-list';
}
