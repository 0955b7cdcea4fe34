/**
 * Identifier quoting for the SQL the driver generates. ClickHouse backtick identifiers escape an
 * embedded backtick by doubling it (as d8a does) and a backslash by doubling it, so any column
 * name Cairn is given ends up as exactly one identifier.
 */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '``') + '`';
}

/** `` `db`.`table` ``: every statement names its table with the database, never relying on a default. */
export function qualifiedTable(database: string, table: string): string {
  return `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
}

/** The `database.table` form errors use, as the reference prints it. */
export function displayTable(database: string, table: string): string {
  return `${database}.${table}`;
}

