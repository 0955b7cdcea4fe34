import { DataType, type Field, type Schema } from 'apache-arrow';
import type { Driver, Row } from '../driver.js';
import { NoopDriver } from '../noop/noop-driver.js';
import { formatDateValue, formatTimestampValue, goJson } from '../value-text.js';

export interface ConsoleDriverOptions {
  /** Receives each line, newline included; stdout by default. */
  writeLine?: (line: string) => void;
}

/**
 * Prints every row as one JSON object per line (keys sorted, as d8a prints them) and otherwise
 * behaves like `NoopDriver`. Times are shown as text whatever form the row holds them in, so
 * the output reads the same as a warehouse would show it.
 */
export class ConsoleDriver implements Driver {
  private readonly schemaless = new NoopDriver();
  private readonly writeLine: (line: string) => void;

  constructor(options: ConsoleDriverOptions = {}) {
    this.writeLine = options.writeLine ?? ((line) => process.stdout.write(line));
  }

  createTable(table: string, schema: Schema): Promise<void> {
    return this.schemaless.createTable(table, schema);
  }

  addColumn(table: string, field: Field): Promise<void> {
    return this.schemaless.addColumn(table, field);
  }

  missingColumns(table: string, schema: Schema): Promise<Field[]> {
    return this.schemaless.missingColumns(table, schema);
  }

  async write(_table: string, schema: Schema, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const types = new Map(schema.fields.map((f) => [f.name, f.type as DataType]));
    const lines: string[] = [];
    for (const row of rows) lines.push(goJson(displayRow(row, types)) + '\n');
    this.writeLine(lines.join(''));
  }

  close(): Promise<void> {
    return this.schemaless.close();
  }
}

function displayRow(row: Row, types: ReadonlyMap<string, DataType>): Row {
  const shown: Row = {};
  for (const [name, value] of Object.entries(row)) {
    const type = types.get(name);
    let display: unknown = value;
    if (type !== undefined && value !== null && value !== undefined) {
      if (DataType.isTimestamp(type)) display = formatTimestampValue(value, type.unit) ?? value;
      else if (DataType.isDate(type)) display = formatDateValue(value) ?? value;
    }
    shown[name] = display;
  }
  return shown;
}
