import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, FrameFileReader } from '../../src/spools/frame-reader.js';
import { tempDir } from '../queue/helpers.js';

const CHUNK = 64 * 1024;

/** Frames whose sizes sit around the reader's chunk size, each filled with its own byte. */
const payloads = [0, 1, CHUNK - 5, CHUNK - 4, CHUNK, CHUNK + 1, 3, 5 * CHUNK + 17, 2, CHUNK * 2 - 4].map((n, i) => Buffer.alloc(n, i + 1));

async function readAll(path: string): Promise<{ frames: Buffer[]; reader: FrameFileReader }> {
  const reader = await FrameFileReader.open(path);
  const frames: Buffer[] = [];
  try {
    for (let f = await reader.nextFrame(); f !== null; f = await reader.nextFrame()) frames.push(Buffer.from(f));
  } finally {
    await reader.close();
  }
  return { frames, reader };
}

test('frames of every size around the read chunk come back whole and in order', async () => {
  const { dir, cleanup } = tempDir('frames');
  try {
    const path = join(dir, 'f');
    writeFileSync(path, Buffer.concat(payloads.map(encodeFrame)));
    const { frames, reader } = await readAll(path);
    assert.equal(frames, payloads);
    assert.is(reader.truncated, null);
  } finally {
    cleanup();
  }
});

test('a file cut anywhere gives the whole frames before the cut and reports the torn one', async () => {
  const { dir, cleanup } = tempDir('frames');
  try {
    const whole = Buffer.concat(payloads.map(encodeFrame));
    const ends: number[] = [];
    let at = 0;
    for (const p of payloads) ends.push((at += 4 + p.byteLength));
    for (const cut of [1, 3, 4, 10, CHUNK, CHUNK + 3, ends[5]! - 1, ends[5]!, ends[5]! + 2, ends[7]! - 100, whole.byteLength - 1]) {
      const path = join(dir, `cut-${cut}`);
      writeFileSync(path, whole.subarray(0, cut));
      const { frames, reader } = await readAll(path);
      const complete = ends.filter((e) => e <= cut).length;
      assert.equal(frames, payloads.slice(0, complete), `cut at ${cut}`);
      const start = complete === 0 ? 0 : ends[complete - 1]!;
      if (start === cut) assert.is(reader.truncated, null, `cut at ${cut}`);
      else assert.equal({ offset: reader.truncated?.offset, bytesLeft: reader.truncated?.bytesLeft }, { offset: start, bytesLeft: cut - start }, `cut at ${cut}`);
    }
  } finally {
    cleanup();
  }
});

test('garbage lengths never pull the file into memory: a length past the end is a torn tail at once', async () => {
  const { dir, cleanup } = tempDir('frames');
  try {
    const path = join(dir, 'garbage');
    const bad = Buffer.alloc(4);
    bad.writeUInt32LE(0xfffffff0, 0);
    writeFileSync(path, Buffer.concat([encodeFrame(Buffer.from('ok')), bad, Buffer.alloc(100, 7)]));
    const { frames, reader } = await readAll(path);
    assert.equal(frames, [Buffer.from('ok')]);
    assert.equal(reader.truncated, { offset: 6, bytesLeft: 104, bytesNeeded: 4 + 0xfffffff0 });
  } finally {
    cleanup();
  }
});

test.run();
