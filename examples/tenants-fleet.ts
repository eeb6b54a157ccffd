/**
 * Tenants onboarded at runtime in a fleet (docs/tenants.md "Across processes"): with `store:
 * sqliteStore(...)` or `redisStore(...)`, `router.tenants.set()` in one process reaches every process
 * on the store, and a process restarted on it serves the tenant from its first request. The store
 * keeps the tenant's data and its own providers by name only; each process builds them with the
 * `tenantProviders` option (from its secret manager). Two routers stand for two processes here, each
 * with its own store connection. Runs on a SQLite file (Node 22.13+), or on Redis when
 * SWITCHYARD_REDIS_URL names one; on an older Node without Redis it says so and stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter, type SharedStore } from '../src/index.js';
import { redisStore } from '../src/state/redis/index.js';
import { sqliteStore } from '../src/state/sqlite/index.js';
import { mockProvider } from '../src/testing.js';

const hasSqlite = Boolean((process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite'));
const redisUrl = process.env.SWITCHYARD_REDIS_URL;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-tenants-fleet-'));
const prefix = `tenants-example:${Date.now()}:`;
const connect = (): SharedStore | undefined =>
  hasSqlite ? sqliteStore({ path: join(dir, 'state.db') }) : redisUrl ? redisStore({ url: redisUrl, prefix }) : undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stands for a secret manager: a tenant's key by tenant and provider name (never written to the store). */
const secrets: Record<string, string> = { 'acme/own': 'sk-acme-example-key' };

/** One "process": its own store connection and provider objects, the same configuration. */
function member(name: string, store: SharedStore) {
  const router = createRouter({
    providers: { platform: mockProvider({ name: 'platform', reply: 'from the platform model' }) },
    models: { base: { provider: 'platform', model: 'base-1', pricing: { input: 0.15, output: 0.6 } } },
    store,
    // Builds a runtime tenant's own providers in this process, by name, with the tenant's key.
    tenantProviders: (tenant, names) =>
      Object.fromEntries(
        names.map((provider) => [
          provider,
          mockProvider({
            name: `${tenant}-${provider}`,
            reply: `from ${tenant}'s own model`,
            apiKey: () => secrets[`${tenant}/${provider}`] ?? '',
          }),
        ]),
      ),
  });
  router.on('control', (e) =>
    console.log(
      `[${name}] control ${e.action} ${e.target}${e.actor ? ` by ${e.actor}` : ''}${e.remote ? ' (learned from another process)' : ''}`,
    ),
  );
  return { router, store, name };
}

const first = connect();
if (!first) {
  console.log(
    'Shared tenants need a shared store: sqliteStore (Node 22.13+) or redisStore (set SWITCHYARD_REDIS_URL). Nothing to show on this Node.',
  );
} else {
  const web1 = member('web-1', first);
  const web2 = member('web-2', connect()!);
  const ask = (tenant: string) => ({ messages: [{ role: 'user' as const, content: 'Where is my order?' }], tenant, agent: 'support' });
  console.log(`store: ${first.kind}`);
  await Promise.all([web1.router.chat(ask('acme')), web2.router.chat(ask('acme'))]);

  // An operator onboards acme on web-1: its own key, its own model, a route and a budget.
  web1.router.tenants.set(
    'acme',
    {
      providers: { own: mockProvider({ name: 'acme-own', reply: "from acme's own model", apiKey: secrets['acme/own'] }) },
      models: { 'acme-model': { provider: 'own', model: 'acme-1', pricing: { input: 0.5, output: 1.5 } } },
      routes: [{ when: { agent: 'support' }, use: ['acme-model'] }],
      budgets: [{ period: 'day', limitUsd: 20, onExceed: 'block' }],
    },
    { actor: 'ops@web-1' },
  );
  for (let i = 0; i < 200 && !web2.router.tenants.get('acme'); i++) await sleep(20);
  const served = await web2.router.chat(ask('acme'));
  console.log(`[web-2] acme served by ${served.route.model} (${served.route.provider}): "${served.text}"`);

  // A function cannot go through the store: a ConfigError names its path.
  try {
    web1.router.tenants.set('globex', { routes: [{ when: (request) => request.user === 'vip', use: ['base'] }] });
  } catch (error) {
    console.log(`[web-1] ${(error as Error).name}: ${(error as { issues: Array<{ path: string }> }).issues.map((i) => i.path).join(', ')}`);
  }

  // A restarted process on the same store serves acme from its first request.
  await web2.router.close();
  await web2.store.close();
  const web3 = member('web-3', connect()!);
  console.log(`[web-3] after a restart, acme served by ${(await web3.router.chat(ask('acme'))).route.model}`);

  // Removed on web-3: web-1 stops serving acme's route.
  web3.router.tenants.remove('acme', { actor: 'ops@web-3' });
  for (let i = 0; i < 200 && web1.router.tenants.get('acme'); i++) await sleep(20);
  console.log(`[web-1] acme now served by ${(await web1.router.chat(ask('acme'))).route.model}`);

  for (const m of [web1, web3]) {
    await m.router.close();
    await m.store.close();
  }
}
rmSync(dir, { recursive: true, force: true });
