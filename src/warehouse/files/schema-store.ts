/**
 * The files driver's own catalogue, kept in one small JSON file beside its spool:
 *
 * - table → schema, so `createTable` / `addColumn` / `missingColumns` behave as they do on a
 *   SQL warehouse and `cairn migrate` reports real differences;
 * - schema fingerprint → schema, so a segment spooled before a restart can still be written
 *   with the header it was spooled for.
 *
 * Schemas are stored as Arrow IPC streams (base64), which keep every type detail. The file is
 * replaced atomically (temp file, fsync, rename), so a crash leaves the old or the new version.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { syncDirectory } from './durable-fs.js';

const FORMAT_VERSION = 1;

interface StoredSegmentSchema {
  table: string;
  schema: Schema;
}

export class SchemaStoreError extends Error {
  override readonly name = 'SchemaStoreError';
}

export class FilesSchemaStore {
  private readonly tables = new Map<string, Schema>();
  private readonly segments = new Map<string, StoredSegmentSchema>();
  /** Saves run one after another, each writing the whole catalogue as it is then. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  /** Loads the catalogue at `path`, or starts an empty one when the file does not exist. */
  static async open(path: string): Promise<FilesSchemaStore> {
    const store = new FilesSchemaStore(path);
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    let text: string | null = null;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== null) store.load(text);
    return store;
  }

  tableSchema(table: string): Schema | undefined {
    return this.tables.get(table);
  }

  async setTableSchema(table: string, schema: Schema): Promise<void> {
    this.tables.set(table, schema);
    await this.save();
  }

  segmentSchema(fingerprint: string): StoredSegmentSchema | undefined {
    return this.segments.get(fingerprint);
  }

  /** Records the schema of a fingerprint once; later calls with a known fingerprint do nothing. */
  async rememberSegmentSchema(fingerprint: string, table: string, schema: Schema): Promise<void> {
    if (this.segments.has(fingerprint)) return;
    this.segments.set(fingerprint, { table, schema });
    await this.save();
  }

  /** Waits for pending saves; the store holds no open files. */
  async close(): Promise<void> {
    await this.saving;
  }

  private load(text: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new SchemaStoreError(`${this.path} is not valid JSON: ${(err as Error).message}`);
    }
    if (!isRecord(doc) || doc['version'] !== FORMAT_VERSION || !isRecord(doc['tables']) || !isRecord(doc['schemas'])) {
      throw new SchemaStoreError(`${this.path} is not a files-driver catalogue of version ${FORMAT_VERSION}`);
    }
    for (const [table, encoded] of Object.entries(doc['tables'])) {
      if (typeof encoded !== 'string') throw new SchemaStoreError(`${this.path}: schema of table ${table} is not a string`);
      this.tables.set(table, decodeSchema(encoded));
    }
    for (const [fingerprint, entry] of Object.entries(doc['schemas'])) {
      if (!isRecord(entry) || typeof entry['table'] !== 'string' || typeof entry['schema'] !== 'string') {
        throw new SchemaStoreError(`${this.path}: entry for schema ${fingerprint} is malformed`);
      }
      this.segments.set(fingerprint, { table: entry['table'], schema: decodeSchema(entry['schema']) });
    }
  }

  private save(): Promise<void> {
    const next = this.saving.catch(() => undefined).then(() => this.writeFile());
    this.saving = next;
    return next;
  }

  private async writeFile(): Promise<void> {
    const tables: Record<string, string> = {};
    for (const [table, schema] of this.tables) tables[table] = encodeSchema(schema);
    const schemas: Record<string, { table: string; schema: string }> = {};
    for (const [fingerprint, entry] of this.segments) schemas[fingerprint] = { table: entry.table, schema: encodeSchema(entry.schema) };
    const text = JSON.stringify({ version: FORMAT_VERSION, tables, schemas }, null, 1) + '\n';
    const temp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(temp, 'wx', 0o640);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(temp, this.path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await syncDirectory(dirname(this.path));
  }
}

function encodeSchema(schema: Schema): string {
  return Buffer.from(tableToIPC(new Table(schema), 'stream')).toString('base64');
}

function decodeSchema(encoded: string): Schema {
  return tableFromIPC(Buffer.from(encoded, 'base64')).schema;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
