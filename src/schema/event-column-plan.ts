import type { Cast } from './casts.js';
import { eventColumnParts, type EventColumn, type EventColumnParts } from './column.js';
import { errorMessage, isRetryableColumnError } from './errors.js';
import { valueSetter, type Event, type LiteralValue } from './session.js';

/** One step of the event phase: it computes its columns for one event. */
export interface EventColumnStep {
  /** Computes the step's columns for `event`; a failing column marks the event broken, a retryable failure throws. */
  write(event: Event): void;
}

/**
 * The event phase of a column set as steps in evaluation order. Most event columns are steps
 * of their own; columns that hold one request parameter through a cast (115 of the GA4
 * table's) form one step that walks the request's parameters once, and their value for an
 * absent parameter is the starting value of the event's values object (`initialValues`).
 */
export interface EventColumnPlan {
  readonly steps: readonly EventColumnStep[];
  /** Runs every step over `events`, step by step, as writing each step over them in turn does. */
  readonly run: (events: readonly Event[]) => void;
  /** Starting values by column name; every other column starts undefined. */
  readonly initialValues: ReadonlyMap<string, LiteralValue>;
}

function isLiteral(value: unknown): value is LiteralValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** What `cast` gives for an absent parameter (`""`), or undefined when that is not a plain literal. */
function absentValue(cast: Cast): LiteralValue | undefined {
  try {
    const value = cast('');
    return isLiteral(value) ? value : undefined;
  } catch {
    // A cast that refuses "" (a required parameter) keeps its column a step of its own.
    return undefined;
  }
}

class SingleColumnStep implements EventColumnStep {
  constructor(readonly column: EventColumn) {}

  write(event: Event): void {
    try {
      this.column.write(event);
    } catch (err) {
      failColumn(this.column, err, event);
    }
  }
}

/**
 * What a failing column does to its event, wherever it runs: a retryable failure propagates,
 * any other marks the event broken. The first reason is kept: later failures are usually
 * consequences of it.
 */
function failColumn(column: EventColumn, err: unknown, event: Event): void {
  if (isRetryableColumnError(err)) throw err;
  event.brokenReason ??= brokenReason(column, err);
}

function brokenReason(column: EventColumn, err: unknown): string {
  return `failed to write event column ${column.implements.field.name}: ${errorMessage(err)}`;
}

interface Member {
  readonly column: EventColumn;
  readonly cast: Cast;
  readonly set: (values: Record<string, unknown>, value: unknown) => void;
}

/**
 * The parameter columns as one step. Values start as each column's absent value; the step
 * visits the request's parameters (a dozen or two) and overwrites the columns that read one
 * of them. A request without any parameter reads as null rather than `""`, which some casts
 * refuse, so it goes through each column's own `write`.
 */
class QueryParamColumnsStep implements EventColumnStep {
  private readonly byKey = new Map<string, Member[]>();
  private readonly singles: readonly SingleColumnStep[];
  private event: Event | undefined;
  private readonly visit = (values: readonly string[], key: string): void => {
    const members = this.byKey.get(key);
    if (members === undefined) return;
    const event = this.event!;
    for (const member of members) {
      try {
        member.set(event.values, member.cast(values[0]));
      } catch (err) {
        failColumn(member.column, err, event);
      }
    }
  };

  constructor(members: readonly EventColumn[]) {
    this.singles = members.map((column) => new SingleColumnStep(column));
    for (const column of members) {
      const source = column.queryParam!;
      const member: Member = { column, cast: source.cast, set: valueSetter(column.implements.field.name) };
      const list = this.byKey.get(source.key);
      if (list === undefined) this.byKey.set(source.key, [member]);
      else list.push(member);
    }
  }

  write(event: Event): void {
    const params = event.hit.request.queryParams;
    if (params.size === 0) {
      for (const single of this.singles) single.write(event);
      return;
    }
    this.event = event;
    try {
      params.forEach(this.visit);
    } finally {
      this.event = undefined;
    }
  }
}

/** The plan for event columns given in evaluation order. */
export function eventColumnPlan(columns: readonly EventColumn[]): EventColumnPlan {
  const initialValues = new Map<string, LiteralValue>();
  const grouped: EventColumn[] = [];
  const steps: EventColumnStep[] = [];
  let groupAt = -1;
  for (const column of columns) {
    const source = column.queryParam;
    // Without dependencies a column can run at any point of the phase, so it can join the
    // step placed where the first of them stood.
    const absent = source !== undefined && column.dependsOn.length === 0 ? absentValue(source.cast) : undefined;
    if (absent === undefined) {
      steps.push(new SingleColumnStep(column));
      continue;
    }
    initialValues.set(column.implements.field.name, absent);
    grouped.push(column);
    if (groupAt === -1) {
      groupAt = steps.length;
      steps.push(new SingleColumnStep(column));
    }
  }
  if (groupAt !== -1) steps[groupAt] = new QueryParamColumnsStep(grouped);
  return { steps, initialValues, run: stepRunner(steps) };
}


/**
 * The steps as one function generated for them: a loop per step over the events, in step order.
 * A column given as parts has its read, cast and store called from the loop itself, each call
 * with a single target, so V8 can call it directly or inline it; a shared `write` sees every
 * column's functions at the same call sites and can do neither.
 */
function stepRunner(steps: readonly EventColumnStep[]): (events: readonly Event[]) => void {
  const lines: string[] = [];
  const loops: string[] = [];
  const columns: (EventColumn | undefined)[] = [];
  const partsOf: (EventColumnParts | undefined)[] = [];
  steps.forEach((step, i) => {
    const column = step instanceof SingleColumnStep ? step.column : undefined;
    const parts = column === undefined ? undefined : eventColumnParts(column);
    columns.push(column);
    partsOf.push(parts);
    if (parts === undefined) {
      lines.push(`const s${i} = steps[${i}];`);
      loops.push(`for (let j = 0; j < n; j++) s${i}.write(events[j]);`);
      return;
    }
    lines.push(`const r${i} = parts[${i}].read, c${i} = parts[${i}].cast, w${i} = parts[${i}].set, k${i} = columns[${i}];`);
    loops.push(`for (let j = 0; j < n; j++) { const e = events[j]; try { w${i}(e.values, c${i}(r${i}(e))); } catch (err) { fail(k${i}, err, e); } }`);
  });
  const source = `${lines.join('\n')}\nreturn function runEventSteps(events) {\nconst n = events.length;\n${loops.join('\n')}\n};`;
  const make = new Function('steps', 'columns', 'parts', 'fail', source) as (
    s: readonly EventColumnStep[],
    c: readonly (EventColumn | undefined)[],
    p: readonly (EventColumnParts | undefined)[],
    f: typeof failColumn,
  ) => (events: readonly Event[]) => void;
  return make(steps, columns, partsOf, failColumn);
}
