/**
 * Errors every driver speaks, so that schema evolution (`ensureTables`) and callers can react to
 * the condition rather than to a driver's own wording. Table names are given as the driver
 * qualifies them (`dataset.table`, `database.table`, or the bare table for files).
 */

/** `createTable` on a table that is already there; `ensureTables` treats it as "nothing to do". */
export class TableAlreadyExistsError extends Error {
  constructor(readonly table: string) {
    super(`table ${table} already exists`);
    this.name = 'TableAlreadyExistsError';
  }
}

export class ColumnAlreadyExistsError extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
  ) {
    super(`column ${column} already exists in table ${table}`);
    this.name = 'ColumnAlreadyExistsError';
  }
}

export class TableNotFoundError extends Error {
  constructor(readonly table: string) {
    super(`table ${table} not found`);
    this.name = 'TableNotFoundError';
  }
}

/** One column whose type in the warehouse differs from the type Cairn wants to write. */
export class TypeIncompatibleError extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    /** The type the table has now. */
    readonly existingType: string,
    /** The type Cairn's schema asks for. */
    readonly expectedType: string,
    /** The comparer's explanation (which nested part differs). */
    readonly detail: string,
  ) {
    super(`column ${column} of table ${table} has type ${existingType} but ${expectedType} is wanted (${detail})`);
    this.name = 'TypeIncompatibleError';
  }
}

/**
 * Every incompatible column of one table at once, so an operator fixes them in one go. With a
 * single column the message is that column's message unchanged.
 */
export class MultipleTypeIncompatibleError extends Error {
  constructor(
    readonly table: string,
    readonly errors: TypeIncompatibleError[],
  ) {
    super(MultipleTypeIncompatibleError.describe(table, errors));
    this.name = 'MultipleTypeIncompatibleError';
  }

  private static describe(table: string, errors: TypeIncompatibleError[]): string {
    const only = errors.length === 1 ? errors[0] : undefined;
    if (only !== undefined) return only.message;
    const lines = errors.map((e) => `  - ${e.message}`);
    return [`table ${table} has ${errors.length} type incompatibilities:`, ...lines].join('\n');
  }
}

/** A driver's type mapper has no native type for an Arrow type. */
export class UnsupportedMappingError extends Error {
  constructor(
    readonly arrowType: string,
    readonly mapper: string,
  ) {
    super(`type mapper ${JSON.stringify(mapper)} cannot map Arrow type ${JSON.stringify(arrowType)}`);
    this.name = 'UnsupportedMappingError';
  }
}
