/**
 * Names of the files in a spool folder and the key each belongs to.
 *
 *   active      `<encoded key>.spool`
 *   inflight    `<encoded key>.spool.inflight.<20-digit sequence>`
 *   quarantined `<inflight name>.quarantine`   (never read again by the spool)
 *
 * Keys are percent-encoded byte by byte (UTF-8) except `A–Z a–z 0–9 _ -`. The encoded form
 * therefore holds no `/`, `\`, `.` or NUL, so no key can climb out of the folder or be
 * confused with the name suffixes, and the mapping is one-to-one: the flush handler gets
 * back exactly the key that was appended. (The reference replaced `/` and `\` with `_`,
 * which merges distinct keys and cannot be undone.)
 */
import { SpoolKeyError } from './errors.js';

export const ACTIVE_SUFFIX = '.spool';
export const INFLIGHT_INFIX = '.spool.inflight.';
export const QUARANTINE_SUFFIX = '.quarantine';

const SEQUENCE_DIGITS = 20;

/**
 * Longest encoded key we accept: leaves room for the longest suffix within the 255-byte name
 * limit of common filesystems.
 */
export const MAX_ENCODED_KEY_LENGTH = 255 - INFLIGHT_INFIX.length - SEQUENCE_DIGITS - QUARANTINE_SUFFIX.length;

const HEX = '0123456789ABCDEF';

function isPlainByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d;
}

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += isPlainByte(b) ? String.fromCharCode(b) : '%' + HEX[b >> 4] + HEX[b & 15];
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The file-name form of a key; throws `SpoolKeyError` for keys no file can carry. */
export function encodeSpoolKey(key: string): string {
  if (key.length === 0) throw new SpoolKeyError('spool key must not be empty');
  const bytes = Buffer.from(key, 'utf8');
  // A lone surrogate becomes U+FFFD in UTF-8, and the handler would get a different key back.
  if (bytes.toString('utf8') !== key) throw new SpoolKeyError('spool key is not well-formed Unicode text');
  const encoded = encodeBytes(bytes);
  if (encoded.length > MAX_ENCODED_KEY_LENGTH) {
    throw new SpoolKeyError(`spool key is too long for a file name (${encoded.length} characters encoded, at most ${MAX_ENCODED_KEY_LENGTH})`);
  }
  return encoded;
}

/** The key an encoded name stands for, or null when the text is not a name this module made. */
export function decodeSpoolKey(encoded: string): string | null {
  if (encoded.length === 0) return null;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25) {
      const hi = HEX.indexOf(encoded[i + 1] ?? '');
      const lo = HEX.indexOf(encoded[i + 2] ?? '');
      if (hi < 0 || lo < 0) return null;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80 && isPlainByte(c)) {
      bytes.push(c);
    } else {
      return null;
    }
  }
  let key: string;
  try {
    key = strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  // Only the canonical spelling maps back (e.g. `%41` for `A` is refused), keeping names and keys one-to-one.
  return encodeBytes(Buffer.from(key, 'utf8')) === encoded ? key : null;
}

export function activeFileName(encodedKey: string): string {
  return encodedKey + ACTIVE_SUFFIX;
}

export function inflightFileName(encodedKey: string, sequence: bigint): string {
  return encodedKey + INFLIGHT_INFIX + sequence.toString().padStart(SEQUENCE_DIGITS, '0');
}

export type SpoolFileName =
  | { kind: 'active'; key: string }
  | { kind: 'inflight'; key: string; sequence: bigint }
  | { kind: 'quarantined' };

const INFLIGHT_PATTERN = /^([A-Za-z0-9_%-]+)\.spool\.inflight\.(\d{1,20})$/;
const ACTIVE_PATTERN = /^([A-Za-z0-9_%-]+)\.spool$/;

/** What a file in the spool folder is; null for files the spool does not own. */
export function parseSpoolFileName(name: string): SpoolFileName | null {
  if (name.endsWith(QUARANTINE_SUFFIX)) {
    return INFLIGHT_PATTERN.test(name.slice(0, -QUARANTINE_SUFFIX.length)) ? { kind: 'quarantined' } : null;
  }
  let m = INFLIGHT_PATTERN.exec(name);
  if (m !== null) {
    const key = decodeSpoolKey(m[1] as string);
    return key === null ? null : { kind: 'inflight', key, sequence: BigInt(m[2] as string) };
  }
  m = ACTIVE_PATTERN.exec(name);
  if (m !== null) {
    const key = decodeSpoolKey(m[1] as string);
    return key === null ? null : { kind: 'active', key };
  }
  return null;
}

/**
 * Sequence numbers for inflight names: nanoseconds of a monotonic clock anchored to wall time,
 * strictly increasing, and never below a number already seen in the folder. Names of one key
 * therefore sort oldest first, even across a restart with a clock that stepped back.
 */
export class InflightSequence {
  private last = 0n;
  private readonly nowNs: () => bigint;

  constructor(nowNs?: () => bigint) {
    if (nowNs !== undefined) {
      this.nowNs = nowNs;
    } else {
      const wallNs = BigInt(Date.now()) * 1_000_000n;
      const hr = process.hrtime.bigint();
      this.nowNs = () => wallNs + (process.hrtime.bigint() - hr);
    }
  }

  /** Makes every later number exceed `sequence`. */
  observe(sequence: bigint): void {
    if (sequence > this.last) this.last = sequence;
  }

  next(): bigint {
    let n = this.nowNs();
    if (n <= this.last) n = this.last + 1n;
    this.last = n;
    return n;
  }
}
