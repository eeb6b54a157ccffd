import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore, type SharedStore } from '../../../src/state/index.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './redis-server.js';

export interface StoreKit {
  name: 'memory' | 'sqlite' | 'redis';
  /** False: this kind cannot run here (no node:sqlite; no Redis outside CI). */
  available: boolean;
  /** A new, empty store (its own prefix or file); closed by `closeAll`. */
  make(): Promise<SharedStore>;
  /** Runs of each fast-check property (a remote store costs a round trip per step). */
  runs: number;
}

const opened: SharedStore[] = [];
const dirs: string[] = [];

export const KITS: StoreKit[] = [
  {
    name: 'memory',
    available: true,
    runs: 100,
    async make() {
      const s = memoryStore();
      opened.push(s);
      return s;
    },
  },
  {
    name: 'sqlite',
    available: sqliteAvailable,
    runs: 25,
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-'));
      dirs.push(dir);
      const s = sqliteStore({ path: join(dir, 'state.db') });
      opened.push(s);
      return s;
    },
  },
  {
    name: 'redis',
    available: redisAvailable,
    runs: 25,
    async make() {
      const server = await redisForTests();
      if (!server) throw new Error('no redis-server');
      const s = redisStore({ url: server.url, prefix: `t:${randomUUID().slice(0, 8)}:` });
      opened.push(s);
      return s;
    },
  },
];

export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  const server = await redisForTests().catch(() => undefined);
  await server?.stop?.();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` pass; resolves with whether it became true. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(10);
  }
  return check();
}
