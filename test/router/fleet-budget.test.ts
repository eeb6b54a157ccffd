import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type SharedStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { redisAvailable, redisForTests, sqliteAvailable } from '../state/helpers/redis-server.js';
import { FLEET_LIMIT_MICROS, fleetOptions, type FleetConfig, type FleetStoreConfig } from './helpers/fleet.js';

const here = dirname(fileURLToPath(import.meta.url));
const workerPath = join(here, 'helpers', 'fleet-worker.ts');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-fleet-'));
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

type Message = { type: string; [k: string]: unknown };

function worker(config: FleetConfig) {
  const child = fork(workerPath, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const messages: Message[] = [];
  const waiters = new Map<string, (m: Message) => void>();
  let failed: Error | undefined;
  child.on('message', (raw) => {
    const m = raw as Message;
    messages.push(m);
    if (m.type === 'error') failed = new Error(`${config.name}: ${String(m.message)}`);
    for (const [type, resolve] of waiters) if (m.type === type || m.type === 'error') resolve(m);
  });
  const next = (type: string, ms = 150_000) =>
    new Promise<Message>((resolve, reject) => {
      const done = (m: Message) => (m.type === 'error' ? reject(failed) : resolve(m));
      const found = messages.find((m) => m.type === type || m.type === 'error');
      if (found) return done(found);
      const timer = setTimeout(() => reject(new Error(`${config.name}: no ${type} within ${ms} ms`)), ms);
      waiters.set(type, (m) => {
        clearTimeout(timer);
        waiters.delete(type);
        done(m);
      });
    });
  return { child, next, go: () => child.send('go') };
}

const BACKENDS: Array<{
  name: 'redis' | 'sqlite';
  available: boolean;
  config(): Promise<FleetStoreConfig>;
  open(c: FleetStoreConfig): SharedStore;
}> = [
  {
    name: 'redis',
    available: redisAvailable,
    config: async () => ({ kind: 'redis', url: (await redisForTests())!.url, prefix: `fleet:${randomUUID().slice(0, 8)}:` }),
    open: (c) => (c.kind === 'redis' ? redisStore({ url: c.url, prefix: c.prefix, commandTimeoutMs: 10_000 }) : fail()),
  },
  {
    name: 'sqlite',
    available: sqliteAvailable,
    config: async () => ({ kind: 'sqlite', path: join(dir, `${randomUUID()}.db`) }),
    open: (c) => (c.kind === 'sqlite' ? sqliteStore({ path: c.path, busyTimeoutMs: 10_000 }) : fail()),
  },
];

function fail(): never {
  throw new Error('unreachable');
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`4 router processes on one ${backend.name} store`, () => {
    it('4 x 50 concurrent requests against one $0.10 budget: the fleet never overspends it, and nothing stays held', async () => {
      const store = await backend.config();
      const ws = [0, 1, 2, 3].map((i) => worker({ store, name: `p${i}`, requests: 50 }));
      await Promise.all(ws.map((w) => w.next('ready')));
      for (const w of ws) w.go();
      const results = await Promise.all(ws.map((w) => w.next('done')));
      const served = results.reduce((n, r) => n + Number(r.served), 0);
      const refused = results.reduce((n, r) => n + Number(r.refused), 0);
      const spent = results.reduce((n, r) => n + Number(r.costMicros), 0);
      const calls = results.reduce((n, r) => n + Number(r.calls), 0);
      for (const r of results) expect(r.other).toEqual([]);
      // A router on the same store reads the fleet's ledger and budget.
      const shared = backend.open(store);
      const router = createRouter(fleetOptions(mockProvider(), shared));
      const summary = await router.costs.summary({ tenant: 'acme', by: ['tenant'] });
      const [status] = await router.budgets.status({ tenant: 'acme' });
      await router.close();
      await shared.close();
      console.log(`${backend.name}: ${served} served, ${refused} refused of 200; spent ${spent} of ${FLEET_LIMIT_MICROS} micro-dollars`);
      expect(served + refused).toBe(200);
      expect(calls).toBe(served);
      expect(spent).toBeLessThanOrEqual(FLEET_LIMIT_MICROS);
      expect(served).toBeGreaterThan(50);
      expect(summary.rows[0]?.requests).toBe(200);
      expect(summary.rows[0]?.costMicros).toBe(spent);
      expect(status).toMatchObject({ budgetId: 'fleet', spentMicros: spent, heldMicros: 0, remainingMicros: FLEET_LIMIT_MICROS - spent });
    }, 300_000);
  });
}
