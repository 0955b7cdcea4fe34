import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedRequest } from './recorded-request.js';

/** Keeps every accepted request so that an archive can be replayed later. */
export interface RawLog {
  store(request: RecordedRequest): void;
  close(): Promise<void>;
}

/** Appends one JSON line per request to a file (created with its folder if missing). */
export class FileRawLog implements RawLog {
  private readonly stream: WriteStream;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  }

  store(request: RecordedRequest): void {
    this.stream.write(JSON.stringify(request) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
