import { type ChildProcess, spawnSync } from 'node:child_process';
import { spawnRedis } from '../../test/state/helpers/redis-server.js';

/** A throwaway redis-server on a free loopback port (no persistence), started as the state tests start one. */
export interface BenchRedis {
  url: string;
  version: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The redis-server version, or undefined when there is no `redis-server` binary. */
export function redisServerVersion(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /v=(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
}

/** Starts one, or undefined when redis-server is not installed (throws when it does not answer). */
export async function startRedis(): Promise<BenchRedis | undefined> {
  const version = redisServerVersion();
  if (version === undefined) return undefined;
  const { url, process, stop } = await spawnRedis();
  return { url, version, process, stop };
}
