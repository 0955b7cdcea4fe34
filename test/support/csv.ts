import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Paths of the CSV files (`.csv`, `.csv.gz`) under a folder, in name order. Files and folders
 * that vanish while it looks (a writer renaming into place) are left out.
 */
export function csvFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let isDirectory: boolean;
      try {
        isDirectory = statSync(p).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) walk(p);
      else if (n.endsWith('.csv') || n.endsWith('.csv.gz')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** One CSV file's rows as objects keyed by its header row. */
export function csvFileRows(path: string): Record<string, string>[] {
  const raw = readFileSync(path);
  const [header, ...rows] = parseCsv((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/** Every CSV file under a folder, as objects keyed by the header row. */
export function readCsvRows(dir: string): Record<string, string>[] {
  return csvFilesUnder(dir).flatMap(csvFileRows);
}
