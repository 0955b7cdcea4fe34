/** A real nats-server with JetStream for tests: loopback port, temporary store, stopped after. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cli.js';

export interface NatsServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its store. */
  stop(): Promise<void>;
  /** Stops the server but keeps the store, for restart tests. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

function waitReady(child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`nats-server did not become ready:\n${log()}`)), timeoutMs);
    const check = (): void => {
      if (/Server is ready/.test(log())) {
        clearTimeout(deadline);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`nats-server exited with ${code}:\n${log()}`));
    });
  });
}

export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'cairn-nats-'));
  let child: ChildProcess | null = null;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    const c = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const spawned = new Promise<void>((resolve, reject) => {
      c.on('error', (err) => reject(new Error(`cannot start nats-server (apt-get install nats-server): ${err.message}`)));
      c.on('spawn', () => resolve());
    });
    await spawned;
    child = c;
    await waitReady(c, () => output, 15_000);
  };
  const halt = async (): Promise<void> => {
    const c = child;
    child = null;
    if (c === null || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.on('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill: halt,
    restart: launch,
    stop: async () => {
      await halt();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
