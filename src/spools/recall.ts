import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVE_SUFFIX, INFLIGHT_INFIX, QUARANTINE_SUFFIX } from './spool-files.js';

/**
 * Visits every complete frame of the active and inflight files of a spool folder (not the
 * quarantined ones), synchronously, at start-up: writers use it to learn which idempotency ids
 * are already durable there. A torn tail frame is left out, as the spool itself does.
 */
export function recallSpooledFrames(directory: string, visit: (frame: Uint8Array) => void): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (name.endsWith(QUARANTINE_SUFFIX) || !(name.endsWith(ACTIVE_SUFFIX) || name.includes(INFLIGHT_INFIX))) continue;
    let data: Buffer;
    try {
      data = readFileSync(join(directory, name));
    } catch {
      continue;
    }
    for (let at = 0; at + 4 <= data.length; ) {
      const len = data.readUInt32LE(at);
      if (at + 4 + len > data.length) break;
      visit(data.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
  }
}
