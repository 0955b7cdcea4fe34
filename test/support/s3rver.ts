/**
 * s3rver (an S3 look-alike) on a loopback port, storing in a temporary folder.
 *
 * It runs in a child process started with OpenSSL's legacy provider: s3rver seals its listing
 * continuation tokens with DES, which Node's default OpenSSL 3 refuses, so truncated listings
 * would fail. And it is restarted when it dies: deleting the last object of a "folder" removes
 * the folder on disk, and a PUT into that folder at the same moment crashes the process (an
 * s3rver bug). Objects live on disk, so a restart keeps them; the clients see a short outage
 * and retry, as they would with a real store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cli.js';

export const S3_ACCESS_KEY = 'S3RVER';
export const S3_SECRET_KEY = 'S3RVER';

export interface FakeS3 {
  host: string;
  port: number;
  endpoint: string;
  bucket: string;
  /** How often the store died and was started again. */
  restarts: () => number;
  stop(): Promise<void>;
}

const S3RVER_MAIN = createRequire(import.meta.url).resolve('s3rver');

const RUNNER = `
const S3rver = require(process.env.S3RVER_MAIN);
const server = new S3rver({
  port: Number(process.env.S3RVER_PORT), address: '127.0.0.1', silent: true,
  directory: process.env.S3RVER_DIR, configureBuckets: [{ name: process.env.S3RVER_BUCKET, configs: [] }],
});
server.run().then(() => process.stdout.write('S3RVER READY\\n'), (err) => { console.error(err); process.exit(1); });
process.on('SIGTERM', () => server.close().then(() => process.exit(0), () => process.exit(1)));
`;

function launch(port: number, directory: string, bucket: string): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', RUNNER], {
    env: { ...process.env, S3RVER_MAIN, S3RVER_PORT: String(port), S3RVER_DIR: directory, S3RVER_BUCKET: bucket },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start:\n${output}`)), 15_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('S3RVER READY')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}:\n${output}`));
    });
  });
  return { child, ready, output: () => output };
}

export async function startS3rver(bucket = 'cairn-queue'): Promise<FakeS3> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'cairn-s3rver-'));
  let stopping = false;
  let restarts = 0;
  let current = launch(port, directory, bucket);
  await current.ready;
  const supervise = (): void => {
    const mine = current;
    mine.child.on('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      process.stderr.write(`s3rver on port ${port} died (code ${code}, signal ${signal}); starting it again:\n${mine.output().slice(-1500)}\n`);
      current = launch(port, directory, bucket);
      current.ready.then(supervise, (err: unknown) => process.stderr.write(`s3rver could not be restarted: ${String(err)}\n`));
    });
  };
  supervise();
  return {
    host: '127.0.0.1',
    port,
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      const child = current.child;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
