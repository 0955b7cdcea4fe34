/**
 * The configuration key reference, rendered from the key registry so the help output and
 * docs/configuration.md can never drift from what the loader accepts.
 */
import { KEYS, type KeySpec } from './keys.js';

export type ReferenceFormat = 'text' | 'markdown';

export const KEYS_START_MARKER = '<!-- keys:start -->';
export const KEYS_END_MARKER = '<!-- keys:end -->';

const NOT_USED = 'not used yet';

function formatDefault(spec: KeySpec): string {
  const d = spec.default;
  if (d === null) return '(none)';
  if (typeof d === 'string') return d === '' ? '""' : d;
  if (Array.isArray(d)) return d.length === 0 ? '[]' : d.join(', ');
  return String(d);
}

function formatType(spec: KeySpec): string {
  const allowed = spec.allowed?.filter((a) => a !== '');
  if (allowed && allowed.length > 0) return `${spec.type}: ${allowed.join(', ')}`;
  if (spec.min !== undefined && spec.max !== undefined) return `${spec.type}, ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return `${spec.type}, ${spec.min} or more`;
  return spec.type;
}

function groups(): Map<string, KeySpec[]> {
  const out = new Map<string, KeySpec[]>();
  for (const spec of KEYS) {
    const list = out.get(spec.group) ?? [];
    list.push(spec);
    out.set(spec.group, list);
  }
  return out;
}

function text(): string {
  const lines: string[] = [
    'Cairn configuration keys',
    '',
    'Set a key in the YAML file (--config / -c, default config.yaml), as an environment variable or as a',
    'flag. A flag beats the environment, which beats the file, which beats the default. Durations use Go',
    'syntax (300ms, 10s, 1h30m); lists are YAML lists, or comma-separated in env and flags.',
    `Keys marked "${NOT_USED}" are accepted for d8a compatibility; setting one logs a warning.`,
  ];
  for (const [name, specs] of groups()) {
    lines.push('', name);
    for (const spec of specs) {
      const marker = spec.used ? '' : `  [${NOT_USED}]`;
      lines.push(`  ${spec.key}  (${formatType(spec)}; default ${formatDefault(spec)})${marker}`);
      lines.push(`      --${spec.flag}  ${spec.env}`);
      lines.push(`      ${spec.description}`);
    }
  }
  return lines.join('\n') + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  return `\`${s}\``;
}

function markdown(): string {
  const lines: string[] = [];
  for (const [name, specs] of groups()) {
    if (lines.length > 0) lines.push('');
    lines.push(`### ${name}`, '', '| YAML key | Flag | Env | Type | Default | Description |', '|---|---|---|---|---|---|');
    for (const spec of specs) {
      const description = spec.used ? spec.description : `*${NOT_USED[0]?.toUpperCase()}${NOT_USED.slice(1)}.* ${spec.description}`;
      lines.push(
        `| ${[
          code(spec.key),
          code(`--${spec.flag}`),
          code(spec.env),
          formatType(spec),
          spec.default === null ? '(none)' : code(formatDefault(spec)),
          description,
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Every configuration key with flag, env name, type, default, description and whether Cairn uses it. */
export function formatConfigReference(format: ReferenceFormat): string {
  return format === 'markdown' ? markdown() : text();
}

/**
 * Puts `generated` between the key markers of a Markdown document, leaving the rest as it is.
 * Throws when the markers are missing, so a broken document is noticed rather than rewritten.
 */
export function replaceGeneratedSection(doc: string, generated: string): string {
  const start = doc.indexOf(KEYS_START_MARKER);
  const end = doc.indexOf(KEYS_END_MARKER);
  if (start < 0 || end < start) throw new Error(`document lacks the ${KEYS_START_MARKER} / ${KEYS_END_MARKER} markers`);
  return `${doc.slice(0, start + KEYS_START_MARKER.length)}\n${generated}${doc.slice(end)}`;
}

/** The text between the key markers, as `replaceGeneratedSection` wrote it. */
export function generatedSection(doc: string): string | undefined {
  const start = doc.indexOf(KEYS_START_MARKER);
  const end = doc.indexOf(KEYS_END_MARKER);
  if (start < 0 || end < start) return undefined;
  return doc.slice(start + KEYS_START_MARKER.length + 1, end);
}
