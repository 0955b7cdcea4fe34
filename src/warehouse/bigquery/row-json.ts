/**
 * Rows as the JSON objects BigQuery takes, in load-job NDJSON lines and in insertAll requests
 * alike. Each column's value is checked against the column's BigQuery type here, so a value
 * BigQuery would refuse fails the write that carries it, with the column named, instead of
 * failing a load job of many writes later.
 */
import { DataType, TimeUnit, type Schema } from 'apache-arrow';
import type { Row } from '../driver.js';
import { formatTimestampValue } from '../value-text.js';
import { bigQueryFieldOf, type BigQueryField } from './schema-mapping.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value that its BigQuery column cannot hold. */
export class BigQueryValueError extends Error {
  override readonly name = 'BigQueryValueError';
}

type Formatter = (value: unknown, path: string) => JsonValue;

interface ColumnFormatter {
  name: string;
  format: Formatter;
}

/** Formats rows of one Arrow schema; build once per schema and reuse. */
export class RowJsonFormatter {
  private readonly columns: ColumnFormatter[];

  constructor(schema: Schema) {
    this.columns = schema.fields.map((f) => {
      const field = bigQueryFieldOf(f);
      return { name: field.name, format: formatterOf(field, f.type as DataType) };
    });
  }

  /** The row's JSON object: every schema column, nothing else (BigQuery rejects unknown keys). */
  toJson(row: Row): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    for (const { name, format } of this.columns) out[name] = format(Object.hasOwn(row, name) ? row[name] : undefined, name);
    return out;
  }

  /** Newline-delimited JSON of the rows, as a load job reads it. */
  toNdjson(rows: readonly Row[]): Buffer {
    let text = '';
    for (const row of rows) text += JSON.stringify(this.toJson(row)) + '\n';
    return Buffer.from(text, 'utf8');
  }
}

const formatters = new WeakMap<Schema, RowJsonFormatter>();

/** The formatter of a schema object, built on first use. */
export function rowJsonFormatter(schema: Schema): RowJsonFormatter {
  let formatter = formatters.get(schema);
  if (formatter === undefined) {
    formatter = new RowJsonFormatter(schema);
    formatters.set(schema, formatter);
  }
  return formatter;
}

/** `arrow` is the column's Arrow type: its width adds range checks INTEGER and FLOAT lack. */
function formatterOf(field: BigQueryField, arrow: DataType): Formatter {
  const element = field.mode === 'REPEATED' && DataType.isList(arrow) ? (arrow.children[0]?.type as DataType | undefined) ?? arrow : arrow;
  const scalar = withNarrowCheck(scalarFormatter(field, element), element);
  if (field.mode === 'REPEATED') {
    return (value, path) => {
      if (value === null || value === undefined) return [];
      if (!Array.isArray(value)) throw new BigQueryValueError(`${path}: a REPEATED column needs an array, not ${kindOf(value)}`);
      const out: JsonValue[] = [];
      // BigQuery has no NULL element in an array; such elements are left out.
      value.forEach((item, i) => {
        if (item !== null && item !== undefined) out.push(scalar(item, `${path}[${i}]`));
      });
      return out;
    };
  }
  if (field.mode === 'REQUIRED') {
    return (value, path) => {
      if (value === null || value === undefined) throw new BigQueryValueError(`${path}: column is REQUIRED but the row has no value`);
      return scalar(value, path);
    };
  }
  return (value, path) => (value === null || value === undefined ? null : scalar(value, path));
}

const INT32_MIN = -2_147_483_648n;
const INT32_MAX = 2_147_483_647n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The formatter of one non-null value of the field's type (modes are handled by the caller). */
function scalarFormatter(field: BigQueryField, arrow: DataType): Formatter {
  switch (field.type) {
    case 'STRING':
      return (v, path) => {
        if (typeof v === 'string') return v;
        throw mismatch(path, 'STRING', v);
      };
    case 'BOOLEAN':
      return (v, path) => {
        if (typeof v === 'boolean') return v;
        throw mismatch(path, 'BOOLEAN', v);
      };
    case 'INTEGER':
      return (v, path) => {
        const big = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
        if (big === null) throw mismatch(path, 'INTEGER', v);
        if (big < INT64_MIN || big > INT64_MAX) throw new BigQueryValueError(`${path}: ${big} is outside the INTEGER range`);
        // Beyond 2^53 a JSON number would lose digits; BigQuery reads integers from strings too.
        return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
      };
    case 'FLOAT':
      return (v, path) => {
        if (typeof v !== 'number' && typeof v !== 'bigint') throw mismatch(path, 'FLOAT', v);
        const x = Number(v);
        if (Number.isNaN(x)) return 'NaN';
        if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
        return x;
      };
    case 'TIMESTAMP':
      return (v, path) => {
        if (typeof v === 'string') {
          if (Number.isNaN(Date.parse(v))) throw new BigQueryValueError(`${path}: ${JSON.stringify(v)} is not a timestamp`);
          return v;
        }
        const text = v instanceof Date || typeof v === 'number' || typeof v === 'bigint' ? formatTimestampValue(v, TimeUnit.SECOND) : null;
        if (text === null) throw mismatch(path, 'TIMESTAMP', v);
        return text;
      };
    case 'DATE':
      return (v, path) => {
        if (typeof v === 'string') {
          if (!DATE_ONLY.test(v)) throw new BigQueryValueError(`${path}: ${JSON.stringify(v)} is not a YYYY-MM-DD date`);
          return v;
        }
        if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
        throw mismatch(path, 'DATE', v);
      };
    case 'RECORD': {
      const children = DataType.isStruct(arrow) ? arrow.children : [];
      const subs = (field.fields ?? []).map((f, i) => ({ name: f.name, format: formatterOf(f, (children[i]?.type as DataType | undefined) ?? arrow) }));
      return (v, path) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) throw mismatch(path, 'RECORD', v);
        const record = v as Record<string, unknown>;
        const out: { [key: string]: JsonValue } = {};
        for (const sub of subs) out[sub.name] = sub.format(Object.hasOwn(record, sub.name) ? record[sub.name] : undefined, `${path}.${sub.name}`);
        return out;
      };
    }
  }
}

/** int32 and float32 columns are INTEGER and FLOAT in BigQuery; their narrower range is checked here. */
function withNarrowCheck(format: Formatter, arrow: DataType): Formatter {
  if (DataType.isInt(arrow) && arrow.bitWidth === 32) {
    return (v, path) => {
      const big = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
      if (big !== null && (big < INT32_MIN || big > INT32_MAX)) throw new BigQueryValueError(`${path}: ${big} overflows int32`);
      return format(v, path);
    };
  }
  if (DataType.isFloat(arrow) && arrow.precision === 1) {
    return (v, path) => {
      if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) throw new BigQueryValueError(`${path}: ${v} overflows float32`);
      return format(v, path);
    };
  }
  return format;
}

function mismatch(path: string, type: string, value: unknown): BigQueryValueError {
  return new BigQueryValueError(`${path}: a ${type} column cannot hold ${kindOf(value)}`);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
