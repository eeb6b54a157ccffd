import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { redisForTests } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';
import { backends } from './helpers/workers.js';

/**
 * Runtime tenants across real processes: forked Node processes, each a router on one store, driven
 * over IPC. One sets a tenant (its own key, model, route, budget); the others serve it, keep its
 * spend through a change, stop after its removal; a process started after a `kill -9` of another
 * serves it from its first request with the spend intact.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-tenants-mp-'));
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

const src = (path: string) => pathToFileURL(join(root, 'src', path)).href;

/** The worker: a router on the store named in its environment, answering commands over IPC. */
const WORKER = `
const { createRouter } = await import(${JSON.stringify(src('index.ts'))});
const { redisStore } = await import(${JSON.stringify(src('state/redis/index.ts'))});
const { sqliteStore } = await import(${JSON.stringify(src('state/sqlite/index.ts'))});
const { mockProvider } = await import(${JSON.stringify(src('testing.ts'))});
const config = JSON.parse(process.env.TENANTS_WORKER_STORE);
const store = config.kind === 'redis' ? redisStore({ url: config.url, prefix: config.prefix }) : sqliteStore({ path: config.path, pollMs: 50 });
const pricing = { input: 1, output: 1 };
const own = {};
const router = createRouter({
  providers: { platform: mockProvider({ name: 'platform' }) },
  models: { base: { provider: 'platform', model: 'base-1', pricing } },
  routes: [{ when: { agent: 'support' }, use: ['base'] }],
  store,
  tenantProviders: (tenant, names) => Object.fromEntries(names.map((n) => [n, (own[tenant + '/' + n] = mockProvider({ name: tenant + '-' + n }))])),
});
const remote = [];
router.on('control', (e) => e.remote && remote.push(e.action + ':' + e.target));
const ask = (tenant) => ({ messages: [{ role: 'user', content: 'hello there' }], tenant, agent: 'support' });
process.on('message', async (m) => {
  try {
    let out;
    if (m.cmd === 'set') {
      const providers = Object.fromEntries(m.providers.map((n) => [n, (own[m.id + '/' + n] = mockProvider({ name: m.id + '-' + n }))]));
      router.tenants.set(m.id, { ...m.config, providers }, { actor: m.actor });
    } else if (m.cmd === 'remove') out = router.tenants.remove(m.id);
    else if (m.cmd === 'chat') {
      const r = await router.chat(ask(m.tenant));
      out = { model: r.route.model, provider: r.route.provider, micros: r.cost.totalMicros };
    } else if (m.cmd === 'state') {
      const status = await router.budgets.status({ tenant: m.tenant });
      out = {
        tenants: router.tenants.list(),
        spent: status.map((s) => s.spentMicros),
        remote,
        ownCalls: Object.fromEntries(Object.entries(own).map(([k, p]) => [k, p.calls.length])),
      };
    }
    process.send({ id: m.seq, ok: true, out });
  } catch (error) {
    process.send({ id: m.seq, ok: false, error: String(error && error.message) });
  }
});
process.send({ ready: true });
`;

type Reply = { id?: number; ok?: boolean; out?: unknown; error?: string; ready?: boolean };

function worker(store: unknown) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WORKER], {
    cwd: root,
    env: { ...process.env, TENANTS_WORKER_STORE: JSON.stringify(store) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  let seq = 0;
  const pending = new Map<number, (r: Reply) => void>();
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  child.on('message', (raw) => {
    const r = raw as Reply;
    if (r.ready) return ready();
    if (r.id !== undefined) pending.get(r.id)?.(r);
  });
  const call = async <T>(m: Record<string, unknown>): Promise<T> => {
    await started;
    const id = ++seq;
    const reply = await new Promise<Reply>((resolve) => {
      pending.set(id, resolve);
      child.send({ ...m, seq: id });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply.out as T;
  };
  return {
    child,
    call,
    state: (tenant: string) =>
      call<{ tenants: string[]; spent: number[]; remote: string[]; ownCalls: Record<string, number> }>({ cmd: 'state', tenant }),
    chat: (tenant: string) => call<{ model: string; provider: string; micros: number }>({ cmd: 'chat', tenant }),
  };
}

const acme = {
  models: { 'acme-model': { provider: 'own', model: 'acme-1', pricing: { input: 1, output: 1 } } },
  routes: [{ when: { agent: 'support' }, use: ['acme-model'] }],
  budgets: [{ period: 'day', limitUsd: 5, onExceed: 'block' }],
};

for (const backend of backends(dir, 'tenants-mp')) {
  const title = `runtime tenants across 3 processes on ${backend.name}${backend.available ? '' : ' (skipped: not available on this machine/Node)'}`;
  describe.skipIf(!backend.available)(title, () => {
    it('set in one process, served by the others with its own key; spend kept through a change and a kill -9; removal stops it', async () => {
      const store = await backend.config();
      const [p1, p2, p3] = [worker(store), worker(store), worker(store)];
      await Promise.all([p1.chat('acme'), p2.chat('acme'), p3.chat('acme')]);

      await p1.call({ cmd: 'set', id: 'acme', config: acme, providers: ['own'], actor: 'ops@p1' });
      for (const p of [p2, p3]) expect(await waitFor(async () => (await p.state('acme')).tenants.includes('acme'), 20_000)).toBe(true);
      const served = [await p2.chat('acme'), await p3.chat('acme'), await p2.chat('acme')];
      for (const s of served) expect(s).toMatchObject({ model: 'acme-model', provider: 'own' });
      // Each process called its own instance, built by tenantProviders: P2 twice, P3 once.
      expect((await p2.state('acme')).ownCalls).toEqual({ 'acme/own': 2 });
      expect((await p3.state('acme')).ownCalls).toEqual({ 'acme/own': 1 });
      const total = served.reduce((sum, s) => sum + s.micros, 0);
      expect(await waitFor(async () => (await p1.state('acme')).spent[0] === total, 20_000)).toBe(true);
      expect((await p3.state('acme')).remote).toEqual(['tenant-set:acme']);
      expect((await p1.state('acme')).remote).toEqual([]);

      // A change made in P3 (a denied model): P1 and P2 rebuild acme; the spend is not reset.
      await p3.call({ cmd: 'set', id: 'acme', config: { ...acme, denyModels: ['base'] }, providers: ['own'], actor: 'ops@p3' });
      expect(await waitFor(async () => (await p2.state('acme')).remote.length === 2, 20_000)).toBe(true);
      expect((await p2.state('acme')).spent).toEqual([total]);
      const fourth = await p1.chat('acme');
      expect(fourth.model).toBe('acme-model');

      // P2 is killed; a new process on the store serves acme from its first request, the spend intact.
      p2.child.kill('SIGKILL');
      const p4 = worker(store);
      expect(await p4.chat('acme')).toMatchObject({ model: 'acme-model', provider: 'own' });
      expect(await waitFor(async () => (await p4.state('acme')).spent[0]! >= total + fourth.micros, 20_000)).toBe(true);

      // Removed in P4: P1 and P3 stop serving acme's route.
      expect(await p4.call({ cmd: 'remove', id: 'acme' })).toBe(true);
      for (const p of [p1, p3]) expect(await waitFor(async () => !(await p.state('acme')).tenants.includes('acme'), 20_000)).toBe(true);
      expect((await p1.chat('acme')).model).toBe('base');
      expect((await p3.chat('acme')).model).toBe('base');
    }, 180_000);
  });
}
