/**
 * Recognising ClickHouse's answers by their error codes (with the reference's message checks as
 * a fallback), and the driver's own errors.
 */
import { UnsupportedMappingError } from '../errors.js';

/** Codes of the ClickHouse errors the driver reacts to. */
export const CLICKHOUSE_ERROR_CODES = {
  tableAlreadyExists: 57,
  unknownTable: 60,
  duplicateColumn: 15,
} as const;

/** The numeric code of a ClickHouse server error (`ClickHouseError.code`, or `Code: N.` in the text). */
export function clickHouseErrorCode(err: unknown): number | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  if (typeof code === 'number') return code;
  const match = /\bCode: (\d+)\b/.exec(err.message);
  return match === null ? null : Number(match[1]);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isTableAlreadyExists(err: unknown): boolean {
  if (clickHouseErrorCode(err) === CLICKHOUSE_ERROR_CODES.tableAlreadyExists) return true;
  const text = messageOf(err);
  return /already exists/i.test(text) && /table/i.test(text);
}

export function isUnknownTable(err: unknown): boolean {
  return clickHouseErrorCode(err) === CLICKHOUSE_ERROR_CODES.unknownTable;
}

export function isColumnAlreadyExists(err: unknown): boolean {
  const code = clickHouseErrorCode(err);
  const text = messageOf(err);
  if (code === CLICKHOUSE_ERROR_CODES.duplicateColumn) return true;
  return /already exists|duplicate/i.test(text);
}

/** A request to ClickHouse failed; the message says which step and for which table. */
export class ClickHouseRequestError extends Error {
  override readonly name = 'ClickHouseRequestError';
  constructor(
    message: string,
    /** The ClickHouse error code when the server answered with one. */
    readonly code: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static wrap(step: string, err: unknown): ClickHouseRequestError {
    return new ClickHouseRequestError(`${step}: ${messageOf(err)}`, clickHouseErrorCode(err), { cause: err });
  }
}

/**
 * A row cannot be written as the table stands: a value of the wrong kind, a column the table
 * lacks. Retrying does not help; the rows stay in the spool until the table or the data is fixed.
 */
export class ClickHouseWriteError extends Error {
  override readonly name = 'ClickHouseWriteError';
}

/** A column of a table Cairn writes has a ClickHouse type Cairn does not create (e.g. `Nullable(String)`). */
export class UnsupportedColumnTypeError extends UnsupportedMappingError {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly nativeType: string,
    reason: string,
  ) {
    super(nativeType, 'clickhouse');
    this.name = 'UnsupportedColumnTypeError';
    this.message = `column ${column} of table ${table} has ClickHouse type ${nativeType}, which Cairn cannot write: ${reason}`;
  }
}
