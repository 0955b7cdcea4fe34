/**
 * Length-prefixed hit frames, the content of the file batching backend's files:
 * a 4-byte big-endian length, then that many bytes of `encodeHit` CBOR, repeated.
 */
import { decodeHit, encodeHit } from '../../hits/hit-codec.js';
import type { Hit } from '../../hits/hit.js';

export function encodeFrames(hits: readonly Hit[]): Buffer {
  const payloads = hits.map(encodeHit);
  let total = 0;
  for (const p of payloads) total += 4 + p.byteLength;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32BE(p.byteLength, at);
    out.set(p, at + 4);
    at += 4 + p.byteLength;
  }
  return out;
}

export interface FrameProblem {
  /** Byte offset of the frame's length prefix. */
  offset: number;
  kind: 'truncated-tail' | 'undecodable';
  detail: string;
}

export interface DecodedFrames {
  hits: Hit[];
  problems: FrameProblem[];
}

/**
 * Reads every frame it can. A torn last frame (the process died mid-write) ends the read; a
 * complete frame that does not decode is skipped, so one bad frame cannot hold back the rest.
 */
export function decodeFrames(data: Uint8Array): DecodedFrames {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const hits: Hit[] = [];
  const problems: FrameProblem[] = [];
  let at = 0;
  while (at < data.byteLength) {
    const left = data.byteLength - at;
    if (left < 4) {
      problems.push({ offset: at, kind: 'truncated-tail', detail: `${left} bytes left, too few for a frame length` });
      break;
    }
    const len = view.getUint32(at);
    if (len > left - 4) {
      problems.push({ offset: at, kind: 'truncated-tail', detail: `frame of ${len} bytes but only ${left - 4} left` });
      break;
    }
    try {
      if (len === 0) throw new Error('empty frame');
      hits.push(decodeHit(data.subarray(at + 4, at + 4 + len)));
    } catch (err) {
      problems.push({ offset: at, kind: 'undecodable', detail: err instanceof Error ? err.message : String(err) });
    }
    at += 4 + len;
  }
  return { hits, problems };
}
