import type { Hit } from '../../src/hits/hit.js';
import { newEvent, newSession, type Event, type Session } from '../../src/schema/session.js';
import type { ColumnSet } from '../../src/schema/column.js';
import { errorMessage } from '../../src/schema/errors.js';
import type { Driver, Row } from '../../src/warehouse/driver.js';
import type { Field, Schema } from 'apache-arrow';
import type { SessionModifier, SessionModifierRegistry } from '../../src/splitter/modifier.js';

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export interface HitSpec {
  id?: string;
  name?: string;
  clientId?: string;
  userId?: string | null;
  propertyId?: string;
  /** Seconds after T0 (fractions allowed). */
  at?: number;
  /** Query parameters in order; a string is parsed as a query string. */
  query?: string | [string, string][];
  headers?: Record<string, string>;
}

let counter = 0;

/** A GA4-shaped hit: `v`, `tid`, `cid` and `en` are always present unless the query overrides them. */
export function hit(spec: HitSpec = {}): Hit {
  counter++;
  const name = spec.name ?? 'page_view';
  const clientId = spec.clientId ?? 'client-1';
  const params = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = params.get(k);
    if (list === undefined) params.set(k, [v]);
    else list.push(v);
  };
  add('v', '2');
  add('tid', 'G-TEST');
  add('cid', clientId);
  add('en', name);
  const extra = typeof spec.query === 'string' ? [...new URLSearchParams(spec.query)] : (spec.query ?? []);
  for (const [k, v] of extra) {
    if (k === 'en' || k === 'cid' || k === 'tid') params.set(k, [v]);
    else add(k, v);
  }
  const headers = new Map<string, string[]>();
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers.set(k, [v]);
  return {
    id: spec.id ?? `event-${counter}`,
    authoritativeClientId: clientId,
    clientId,
    eventName: name,
    propertyId: spec.propertyId ?? 'default',
    userId: spec.userId ?? null,
    metadata: {},
    request: {
      ip: '192.0.2.1',
      host: 'tracker.example',
      serverReceivedTime: T0 + Math.round((spec.at ?? 0) * 1000),
      queryParams: params,
      body: new Uint8Array(),
      path: '/g/collect',
      method: 'POST',
      headers,
    },
  };
}

export function sessionOf(specs: HitSpec[]): Session {
  return newSession(specs.map((s) => newEvent(hit(s))));
}

/** Runs the three column phases the way the session writer does, without splitting. */
export function computeColumns(columns: ColumnSet, session: Session): Session {
  for (const c of columns.event) {
    for (const e of session.events) {
      try {
        c.write(e);
      } catch (err) {
        e.brokenReason ??= `${c.implements.field.name}: ${errorMessage(err)}`;
      }
    }
  }
  for (const c of columns.sessionScoped) {
    for (let i = 0; i < session.events.length; i++) {
      try {
        c.write(session, i);
      } catch (err) {
        session.brokenReason ??= `${c.implements.field.name}: ${errorMessage(err)}`;
        break;
      }
    }
  }
  for (const c of columns.session) {
    try {
      c.write(session);
    } catch (err) {
      session.brokenReason ??= `${c.implements.field.name}: ${errorMessage(err)}`;
      break;
    }
  }
  return session;
}

export function valuesOf(session: Session, field: string): unknown[] {
  return session.events.map((e: Event) => e.values[field]);
}

export interface RecordedWrite {
  table: string;
  fields: string[];
  schema: Schema;
  rows: Row[];
  batchId: string | undefined;
}

/** A driver that keeps what it is asked to write; `failWith` makes the next writes reject. */
export class RecordingDriver implements Driver {
  readonly writes: RecordedWrite[] = [];
  failWith: Error | null = null;

  async createTable(): Promise<void> {}
  async addColumn(): Promise<void> {}
  async missingColumns(): Promise<Field[]> {
    return [];
  }
  async write(table: string, schema: Schema, rows: Row[], options?: { batchId?: string }): Promise<void> {
    if (this.failWith !== null) throw this.failWith;
    this.writes.push({ table, schema, fields: schema.fields.map((f) => f.name), rows, batchId: options?.batchId });
  }
  async close(): Promise<void> {}
}

export const passThroughModifiers: SessionModifierRegistry = {
  forProperty(): SessionModifier {
    return { modify: (session) => [session] };
  },
};
