/**
 * Command-line options: `--key value`, `--key=value`, `--flag`, `--flag=false`, `--no-flag`,
 * repeated or comma-separated list flags, and `--config` / `-c`. Anything else is reported, never
 * silently ignored, so a typo cannot leave a setting at its default unnoticed.
 */
import { KEYS, KEY_BY_FLAG } from './keys.js';
import type { RawValues } from './sources.js';
import { didYouMean } from './suggest.js';
import { show, splitList, toBool } from './values.js';

export interface ParsedArgs {
  values: RawValues;
  /** The `--config` / `-c` value when given. */
  configFile: string | undefined;
  issues: string[];
}

const CONFIG_FLAGS = new Set(['config', 'c']);

/** Every spelling the parser accepts, used for suggestions. */
function knownFlagNames(): string[] {
  const names = ['config'];
  for (const spec of KEYS) {
    names.push(spec.flag);
    if (spec.type === 'bool') names.push(`no-${spec.flag}`);
  }
  return names;
}

export function parseArgs(args: readonly string[]): ParsedArgs {
  const values: RawValues = new Map();
  const issues: string[] = [];
  let configFile: string | undefined;

  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? '';
    if (token === '--') {
      for (const rest of args.slice(i + 1)) issues.push(`unexpected argument ${show(rest)}`);
      break;
    }
    const m = /^(--?)([^=]*)(?:=([\s\S]*))?$/.exec(token);
    if (!m || token === '-' || (m[1] === '-' && !CONFIG_FLAGS.has(m[2] ?? ''))) {
      if (token.startsWith('-') && token !== '-') {
        issues.push(`unknown flag ${token}${didYouMean(token.replace(/^-+/, ''), knownFlagNames(), (s) => `--${s}`)}`);
      } else {
        issues.push(`unexpected argument ${show(token)}`);
      }
      continue;
    }
    const name = m[2] ?? '';
    const inline = m[3];
    const flagText = `${m[1]}${name}`;

    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) {
        issues.push(`flag ${flagText} needs a value`);
        return undefined;
      }
      i++;
      return next;
    };

    if (CONFIG_FLAGS.has(name)) {
      const v = takeValue();
      if (v !== undefined) configFile = v;
      continue;
    }

    let spec = KEY_BY_FLAG.get(name);
    let negated = false;
    if (!spec && name.startsWith('no-')) {
      const positive = KEY_BY_FLAG.get(name.slice(3));
      if (positive?.type === 'bool') {
        spec = positive;
        negated = true;
      }
    }
    if (!spec) {
      issues.push(`unknown flag ${flagText}${didYouMean(name, knownFlagNames(), (s) => `--${s}`)}`);
      // Most likely `--typo value`: drop the value too rather than report it as a second problem.
      const next = args[i + 1];
      if (inline === undefined && next !== undefined && !next.startsWith('-')) i++;
      continue;
    }
    const origin = `--${spec.flag}`;

    if (spec.type === 'bool') {
      // A bare boolean flag never swallows the next token, as with d8a's flag library.
      if (inline === undefined) {
        values.set(spec.key, { value: !negated, kind: 'flag', origin: flagText });
        continue;
      }
      const b = toBool(inline);
      if (!b.ok) {
        issues.push(`${spec.key}: expected true or false, got ${show(inline)} (from ${flagText})`);
        continue;
      }
      values.set(spec.key, { value: negated ? !b.value : b.value, kind: 'flag', origin: flagText });
      continue;
    }

    const v = takeValue();
    if (v === undefined) continue;
    if (spec.type === 'string-list' || spec.type === 'json-list') {
      const prev = values.get(spec.key);
      const list = Array.isArray(prev?.value) ? (prev.value as string[]) : [];
      // JSON entries contain commas of their own, so only plain lists are split.
      if (spec.type === 'string-list') list.push(...splitList(v));
      else list.push(v);
      values.set(spec.key, { value: list, kind: 'flag', origin });
    } else {
      values.set(spec.key, { value: v, kind: 'flag', origin });
    }
  }
  return { values, configFile, issues };
}
