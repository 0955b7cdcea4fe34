/**
 * Object keys of uploaded segments from a Go-template-style pattern such as
 * `table={{.Table}}/y={{.Year}}/{{.SegmentID}}.{{.Extension}}`. Only `{{.Name}}` actions are
 * understood (d8a configs use nothing else); anything richer is refused at start-up rather than
 * rendered wrongly.
 */

/** The values a template can use, by the names d8a documents. */
export interface SegmentPathValues {
  /** The table name with every character outside `A-Z a-z 0-9 _ -` replaced by `_`. */
  Table: string;
  /** The schema fingerprint (16 hex digits). */
  Schema: string;
  SegmentID: string;
  /** `csv`, `csv.gz` or `parquet`. */
  Extension: string;
  Year: string;
  Month: string;
  MonthPadded: string;
  Day: string;
  DayPadded: string;
}

export type SegmentPathVariable = keyof SegmentPathValues;

const VARIABLES: readonly SegmentPathVariable[] = [
  'Table',
  'Schema',
  'SegmentID',
  'Extension',
  'Year',
  'Month',
  'MonthPadded',
  'Day',
  'DayPadded',
];

export const DEFAULT_PATH_TEMPLATE =
  'table={{.Table}}/schema={{.Schema}}/y={{.Year}}/m={{.MonthPadded}}/d={{.DayPadded}}/{{.SegmentID}}.{{.Extension}}';

type TemplatePart = { literal: string } | { variable: SegmentPathVariable };

export class PathTemplateError extends Error {
  override readonly name = 'PathTemplateError';
}

function isVariable(name: string): name is SegmentPathVariable {
  return (VARIABLES as readonly string[]).includes(name);
}

/** A parsed, validated path template. */
export class PathTemplate {
  private constructor(
    readonly source: string,
    private readonly parts: readonly TemplatePart[],
  ) {}

  /**
   * Parses and checks a template: it must be non-empty, use known variables only, and its
   * output for sample values must be a relative path that stays inside the destination.
   */
  static parse(source: string): PathTemplate {
    if (source.trim() === '') throw new PathTemplateError('path template must not be empty');
    const parts: TemplatePart[] = [];
    let rest = source;
    while (rest.length > 0) {
      const open = rest.indexOf('{{');
      if (open < 0) {
        if (rest.includes('}}')) throw new PathTemplateError(`path template has "}}" without "{{": ${source}`);
        parts.push({ literal: rest });
        break;
      }
      const literal = rest.slice(0, open);
      if (literal.includes('}}')) throw new PathTemplateError(`path template has "}}" without "{{": ${source}`);
      if (open > 0) parts.push({ literal });
      const close = rest.indexOf('}}', open + 2);
      if (close < 0) throw new PathTemplateError(`path template has an unclosed "{{": ${source}`);
      const action = rest.slice(open + 2, close).trim();
      const match = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
      if (match === null) {
        throw new PathTemplateError(`path template action {{${action}}} is not supported; only {{.Name}} with ${VARIABLES.join(', ')}`);
      }
      const name = match[1] ?? '';
      if (!isVariable(name)) {
        throw new PathTemplateError(`path template uses unknown variable .${name}; known: ${VARIABLES.join(', ')}`);
      }
      parts.push({ variable: name });
      rest = rest.slice(close + 2);
    }
    const template = new PathTemplate(source, parts);
    const sample = template.render(sampleValues());
    if (sample.trim() === '') throw new PathTemplateError('path template renders to an empty path');
    if (sample.includes('..')) throw new PathTemplateError(`path template output must not contain "..": ${sample}`);
    if (sample.startsWith('/') || sample.startsWith('\\')) {
      throw new PathTemplateError(`path template must render a relative path: ${sample}`);
    }
    return template;
  }

  render(values: SegmentPathValues): string {
    let out = '';
    for (const part of this.parts) out += 'literal' in part ? part.literal : values[part.variable];
    return out;
  }

  /** Variables the template uses; a template without SegmentID would make uploads overwrite each other. */
  get variables(): SegmentPathVariable[] {
    const used: SegmentPathVariable[] = [];
    for (const part of this.parts) if ('variable' in part && !used.includes(part.variable)) used.push(part.variable);
    return used;
  }
}

/** The values of one segment, with the date parts taken from `at` in UTC. */
export function segmentPathValues(
  segment: { table: string; schema: string; segmentId: string; extension: string },
  at: Date,
): SegmentPathValues {
  const month = at.getUTCMonth() + 1;
  const day = at.getUTCDate();
  return {
    Table: segment.table,
    Schema: segment.schema,
    SegmentID: segment.segmentId,
    Extension: segment.extension,
    Year: String(at.getUTCFullYear()),
    Month: String(month),
    MonthPadded: String(month).padStart(2, '0'),
    Day: String(day),
    DayPadded: String(day).padStart(2, '0'),
  };
}

function sampleValues(): SegmentPathValues {
  return segmentPathValues(
    { table: 'events', schema: '0123456789abcdef', segmentId: '1700000000_0123456789abcdef0123', extension: 'csv' },
    new Date(Date.UTC(2024, 0, 2)),
  );
}
