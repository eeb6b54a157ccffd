import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the Redis-backed tests find a server: `SWITCHYARD_REDIS_URL` (set by .ci/run, which starts
 * redis-server on a loopback port), else a `redis-server` spawned here on a free loopback port when
 * the binary exists, else none (the tests skip, except in CI where they fail).
 */
export const REDIS_ENV = 'SWITCHYARD_REDIS_URL';

export function hasRedisBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface SpawnedRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a throwaway redis-server (no persistence) on a free loopback port and waits until it answers. */
export async function spawnRedis(port?: number): Promise<SpawnedRedis> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${p}`;
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = await answers(p);
    if (!up) await new Promise((r) => setTimeout(r, 25));
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!up) {
    await stop();
    throw new Error(`redis-server did not answer on 127.0.0.1:${p}`);
  }
  return { url, port: p, process: child, stop };
}

async function answers(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(200);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, '127.0.0.1');
  });
}

let shared: Promise<{ url: string; stop?: () => Promise<void> } | undefined> | undefined;

/** The URL of a Redis for this test file (from the environment, or spawned once per file), or undefined. */
export function redisForTests(): Promise<{ url: string; stop?: () => Promise<void> } | undefined> {
  shared ??= (async () => {
    const fromEnv = process.env[REDIS_ENV];
    if (fromEnv) return { url: fromEnv };
    if (!hasRedisBinary()) {
      if (process.env.CI === 'true') throw new Error(`CI needs a Redis: set ${REDIS_ENV} (.ci/run starts one) or install redis-server`);
      return undefined;
    }
    const server = await spawnRedis();
    return { url: server.url, stop: () => server.stop() };
  })();
  return shared;
}

/** True when Redis tests must run (a URL in the environment, a binary here, or CI). */
export const redisAvailable = Boolean(process.env[REDIS_ENV]) || process.env.CI === 'true' || hasRedisBinary();

/** True when this Node has the built-in node:sqlite. */
export const sqliteAvailable = Boolean((process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite'));
