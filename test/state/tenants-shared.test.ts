import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, openai, type Router, type RouterEvents, type RouterOptions } from '../../src/index.js';
import { memoryStore, type SharedStore } from '../../src/state/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { mockProvider, type MockProvider } from '../../src/testing.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';
import { applyControl, Controls, controlChanges, type ControlsSnapshot } from '../../src/routing/scope/controls.js';

/**
 * Tenants set at runtime, shared by every router on one store (each router with its own store
 * connection and its own provider objects, as separate processes have): what one sets, the others
 * serve; a removal stops them; a new router (a restart) reads them before its first request; the
 * store holds data and provider names only, never a key.
 */
const dir = mkdtempSync(join(tmpdir(), 'switchyard-tenants-'));
const opened: Array<SharedStore | Router> = [];
afterAll(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

interface Place {
  /** A new connection to the one store of this test. */
  open(): SharedStore;
  /** Every byte the store keeps, as text (Redis: every value under the prefix; SQLite: the database and WAL files). */
  contents(): Promise<string>;
}

interface Backend {
  name: string;
  available: boolean;
  skipReason: string;
  place(): Promise<Place>;
}

const BACKENDS: Backend[] = [
  {
    name: 'redis',
    available: redisAvailable,
    skipReason: 'no redis-server here (set SWITCHYARD_REDIS_URL or install redis-server)',
    async place() {
      const server = await redisForTests();
      const prefix = `tn:${randomUUID().slice(0, 8)}:`;
      return {
        open: () => redisStore({ url: server!.url, prefix }),
        async contents() {
          const client = new Redis(server!.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
          try {
            const parts: string[] = [];
            for (const key of await client.keys(`${prefix}*`)) {
              parts.push(key);
              const type = await client.type(key);
              if (type === 'string') parts.push((await client.get(key)) ?? '');
              else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
              else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
              else if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES')));
              else if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
              else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
              else parts.push(`(unread type ${type})`);
            }
            return parts.join('\n');
          } finally {
            client.disconnect();
          }
        },
      };
    },
  },
  {
    name: 'sqlite',
    available: sqliteAvailable,
    skipReason: 'node:sqlite needs Node 22.13 or newer',
    async place() {
      const path = join(dir, `${randomUUID()}.db`);
      return {
        open: () => sqliteStore({ path, pollMs: 50 }),
        async contents() {
          return [path, `${path}-wal`, `${path}-shm`]
            .filter((p) => existsSync(p))
            .map((p) => readFileSync(p).toString('latin1'))
            .join('\n');
        },
      };
    },
  },
];

const ask = (tenant?: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user' as const, content: 'hello there' }],
  ...(tenant !== undefined && { tenant }),
  ...extra,
});

const pricing = { input: 1, output: 1 };

/** A router of the fleet: its own store connection and its own provider objects. */
function member(place: Place, extra: Partial<RouterOptions> = {}) {
  const store = place.open();
  const platform = mockProvider({ name: 'platform' });
  const router = createRouter({
    providers: { platform },
    models: { base: { provider: 'platform', model: 'base-1', pricing }, special: { provider: 'platform', model: 'special-1', pricing } },
    routes: [{ when: { agent: 'support' }, use: ['base'] }],
    store,
    ...extra,
  } as RouterOptions);
  const controls: Array<RouterEvents['control']> = [];
  const errors: Array<RouterEvents['error']> = [];
  router.on('control', (e) => controls.push(e));
  router.on('error', (e) => errors.push(e));
  opened.push(store, router);
  return { router, controls, errors, platform, store };
}

/** acme at runtime: its own model, a route to it for support agents, a daily budget. */
const acme = {
  models: { 'acme-model': { provider: 'platform', model: 'acme-1', pricing } },
  routes: [{ when: { agent: 'support' }, use: ['acme-model'] }],
  budgets: [{ period: 'day' as const, limitUsd: 5, onExceed: 'block' as const }],
};

for (const backend of BACKENDS) {
  const title = `runtime tenants shared on one ${backend.name} store${backend.available ? '' : ` (skipped: ${backend.skipReason})`}`;
  describe.skipIf(!backend.available)(title, () => {
    it('A sets a tenant with its model, route and budget; B serves it so; a change keeps the spend; A removes it and B stops', async () => {
      const place = await backend.place();
      const a = member(place);
      const b = member(place);
      // Both routers have read the store (nothing there yet).
      await Promise.all([a.router.chat(ask()), b.router.chat(ask())]);

      a.router.tenants.set('acme', acme, { actor: 'ops@a' });
      expect(a.controls.at(-1)).toMatchObject({ action: 'tenant-set', target: 'acme', actor: 'ops@a' });
      expect(a.controls.at(-1)?.remote).toBeUndefined();
      expect(await waitFor(() => b.router.tenants.get('acme') !== undefined, 10_000)).toBe(true);
      expect(b.controls.at(-1)).toMatchObject({ action: 'tenant-set', target: 'acme', tenant: 'acme', actor: 'ops@a', remote: true });
      expect(b.router.tenants.get('acme')).toEqual(acme);

      const served = await b.router.chat(ask('acme', { agent: 'support' }));
      expect(served.route.model).toBe('acme-model');
      expect(b.platform.calls.at(-1)?.model).toBe('acme-1');
      // Another tenant (and no tenant) keeps the default route.
      expect((await b.router.chat(ask('globex', { agent: 'support' }))).route.model).toBe('base');
      // The tenant's budget counts in B, and A reads the same spend from the store.
      // (The settle is sent after the response, not waited for.)
      const spentIn = async (r: Router) => (await r.budgets.status({ tenant: 'acme' }))[0]?.spentMicros;
      expect(await waitFor(async () => (await spentIn(b.router)) === served.cost.totalMicros, 10_000)).toBe(true);
      const [inB] = await b.router.budgets.status({ tenant: 'acme' });
      expect(inB).toMatchObject({ period: 'day', limitMicros: 5_000_000 });
      expect(inB!.spentMicros).toBe(served.cost.totalMicros);
      expect(inB!.spentMicros).toBeGreaterThan(0);
      const [inA] = await a.router.budgets.status({ tenant: 'acme' });
      expect(inA!.spentMicros).toBe(inB!.spentMicros);

      // A changes acme (denies a model): B rebuilds its scope; the spend is not reset.
      a.router.tenants.set('acme', { ...acme, denyModels: ['special'] });
      expect(await waitFor(() => b.router.tenants.get('acme')?.denyModels !== undefined, 10_000)).toBe(true);
      const [afterChange] = await b.router.budgets.status({ tenant: 'acme' });
      expect(afterChange!.spentMicros).toBe(inB!.spentMicros);
      expect(b.router.explain(ask('acme')).candidates).not.toContain('special');

      a.router.tenants.remove('acme', { actor: 'ops@a' });
      expect(await waitFor(() => b.router.tenants.get('acme') === undefined, 10_000)).toBe(true);
      expect(b.controls.at(-1)).toMatchObject({ action: 'tenant-remove', target: 'acme', actor: 'ops@a', remote: true });
      expect((await b.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('base');
      expect(b.router.tenants.list()).toEqual([]);
      // A's actions were audited and announced once, in A: B saw two sets and one removal, all remote.
      expect(b.controls.filter((e) => e.action.startsWith('tenant')).every((e) => e.remote === true)).toBe(true);
      expect(a.controls.filter((e) => e.remote)).toEqual([]);
    }, 60_000);

    it('a request in flight when another process removes its tenant finishes in the scope it started in', async () => {
      const place = await backend.place();
      const a = member(place);
      const slow = mockProvider({ name: 'platform', latencyMs: 4_000 });
      const b = member(place, { providers: { platform: slow } });
      await a.router.chat(ask());
      a.router.tenants.set('acme', acme);
      expect(await waitFor(() => b.router.tenants.get('acme') !== undefined, 10_000)).toBe(true);
      const inFlight = b.router.chat(ask('acme', { agent: 'support' }));
      expect(await waitFor(() => slow.inFlight === 1, 10_000)).toBe(true);
      a.router.tenants.remove('acme');
      expect(await waitFor(() => b.router.tenants.get('acme') === undefined, 10_000)).toBe(true);
      expect(slow.inFlight).toBe(1);
      expect((await inFlight).route.model).toBe('acme-model');
      expect((await b.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('base');
    }, 60_000);

    it('a new router on the store (a restart) serves a runtime tenant from its first request; a removal stays removed', async () => {
      const place = await backend.place();
      const a = member(place);
      a.router.tenants.set('acme', acme);
      a.router.tenants.set('initech', { denyModels: ['special'] });
      a.router.tenants.remove('initech');
      await a.router.close();
      // Nothing awaited before the first request: it waits for the first read of the store.
      const c = member(place);
      const first = await c.router.chat(ask('acme', { agent: 'support' }));
      expect(first.route.model).toBe('acme-model');
      expect(c.router.tenants.list()).toEqual(['acme']);
      // The state found at start is not a change: no control event for it.
      expect(c.controls).toEqual([]);
      // A stream made before the first read is routed with the tenant too.
      const d = member(place);
      const stream = d.router.stream(ask('acme', { agent: 'support' }));
      expect((await stream.collect()).route.model).toBe('acme-model');
    }, 60_000);

    it("BYOK: a tenant's own provider reaches the store by name only; each process builds it with tenantProviders; without it, a typed error", async () => {
      const place = await backend.place();
      const built: Array<{ tenant: string; names: string[] }> = [];
      const ownA = mockProvider({ name: 'own-a' });
      const ownB = mockProvider({ name: 'own-b' });
      const byok = (own: MockProvider) => (tenant: string, names: string[]) => {
        built.push({ tenant, names });
        return { own };
      };
      const a = member(place, { tenantProviders: byok(ownA) });
      const b = member(place, { tenantProviders: byok(ownB) });
      const c = member(place);
      await Promise.all([a.router.chat(ask()), b.router.chat(ask()), c.router.chat(ask())]);

      const globex = { providers: { own: ownA }, models: { mine: { provider: 'own', model: 'mine-1', pricing } }, allowModels: ['mine'] };
      a.router.tenants.set('globex', globex);
      expect((await a.router.chat(ask('globex'))).route.provider).toBe('own');
      expect(ownA.calls).toHaveLength(1);
      // A used the instance it was given; B built its own from the name.
      expect(await waitFor(() => b.router.tenants.get('globex') !== undefined, 10_000)).toBe(true);
      expect(built).toEqual([{ tenant: 'globex', names: ['own'] }]);
      const inB = await b.router.chat(ask('globex'));
      expect(inB.route).toMatchObject({ model: 'mine', provider: 'own' });
      expect(ownB.calls).toHaveLength(1);
      expect(b.platform.calls.filter((x) => x.model === 'mine-1')).toEqual([]);

      // C has no tenantProviders: globex's requests are refused with a ConfigError naming the path, never sent with the platform's key.
      expect(await waitFor(() => c.controls.some((e) => e.target === 'globex' && e.remote), 10_000)).toBe(true);
      const platformCalls = c.platform.calls.length;
      const refused = await c.router.chat(ask('globex')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).issues.map((i) => i.path)).toEqual(['tenants.globex.providers.own']);
      expect(() => c.router.stream(ask('globex'))).toThrow(ConfigError);
      expect(c.platform.calls).toHaveLength(platformCalls);
      expect(c.errors.map((e) => [e.error.code, e.context.tenant, e.kind])).toEqual([
        ['config', 'globex', 'chat'],
        ['config', 'globex', 'stream'],
      ]);
      // The other tenants and the defaults are served as usual in C.
      expect((await c.router.chat(ask('acme'))).route.model).toBe('base');
      // Once removed, globex is an unknown tenant in C too (the default scope).
      a.router.tenants.remove('globex');
      expect(await waitFor(() => c.controls.some((e) => e.action === 'tenant-remove' && e.target === 'globex'), 10_000)).toBe(true);
      expect((await c.router.chat(ask('globex'))).route.model).toBe('base');
    }, 60_000);

    it('what cannot be shared fails at set() with a ConfigError naming the path; the memory store takes it as before', async () => {
      const place = await backend.place();
      const noBuilder = member(place);
      const own = mockProvider({ name: 'own' });
      const withOwn = { providers: { own }, models: { mine: { provider: 'own', model: 'm', pricing } } };
      const paths = (f: () => void) => {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          return (e as ConfigError).issues.map((i) => i.path);
        }
        throw new Error('no ConfigError');
      };
      expect(paths(() => noBuilder.router.tenants.set('t1', withOwn))).toEqual(['tenants.t1.providers.own']);
      const builder = member(place, { tenantProviders: () => ({ own }) });
      expect(paths(() => builder.router.tenants.set('t2', { routes: [{ when: () => true, use: ['base'] }] }))).toEqual([
        'tenants.t2.routes[0].when',
      ]);
      expect(paths(() => builder.router.tenants.set('t3', { strategy: (c) => [...c] }))).toEqual(['tenants.t3.strategy']);
      expect(noBuilder.router.tenants.list()).toEqual([]);
      expect(builder.router.tenants.list()).toEqual([]);

      // With the memory store nothing goes through a store: both are taken, as before.
      const local = createRouter({
        providers: { platform: mockProvider({ name: 'platform' }) },
        models: { base: { provider: 'platform', model: 'b' } },
        store: memoryStore(),
      } as RouterOptions);
      opened.push(local);
      local.tenants.set('t1', withOwn);
      local.tenants.set('t2', { routes: [{ when: () => true, use: ['mine'] }], ...withOwn });
      expect((await local.chat(ask('t2'))).route.model).toBe('mine');
    }, 60_000);

    it('the store holds no key: a BYOK tenant set with a real adapter leaves its key out of every stored byte', async () => {
      const place = await backend.place();
      const SECRET = `sk-tenant-secret-${randomUUID()}`;
      const build = () => ({ gpt: openai({ apiKey: SECRET, baseURL: 'http://127.0.0.1:9/v1' }) });
      const a = member(place, { tenantProviders: build });
      const b = member(place, { tenantProviders: build });
      a.router.tenants.set(
        'acme',
        { providers: build(), models: { own: { provider: 'gpt', model: 'gpt-4o-mini', pricing } } },
        { actor: 'ops' },
      );
      expect(await waitFor(() => b.router.tenants.get('acme') !== undefined, 10_000)).toBe(true);
      await a.router.chat(ask());
      const contents = await place.contents();
      expect(contents).toContain('gpt-4o-mini');
      expect(contents).not.toContain(SECRET);
      expect(contents).not.toContain(SECRET.slice(0, 24));
    }, 60_000);

    it('static tenants (options.tenants) are the default; a register written at runtime wins over them, a tombstone too', async () => {
      const place = await backend.place();
      const deploy = { tenants: { acme: { routes: [{ when: { agent: 'support' }, use: ['special'] }] } } } as Partial<RouterOptions>;
      const a = member(place, deploy);
      const b = member(place, deploy);
      expect((await a.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('special');
      expect((await b.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('special');
      b.router.tenants.set('acme', acme);
      expect(await waitFor(() => a.router.tenants.get('acme')?.models !== undefined, 10_000)).toBe(true);
      expect((await a.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('acme-model');
      // A restart with the same deploy config: the runtime register wins.
      const c = member(place, deploy);
      expect((await c.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('acme-model');
      // Removed at runtime: stays removed after a restart, although the deploy config names it.
      c.router.tenants.remove('acme');
      expect(await waitFor(() => a.router.tenants.get('acme') === undefined, 10_000)).toBe(true);
      const d = member(place, deploy);
      expect((await d.router.chat(ask('acme', { agent: 'support' }))).route.model).toBe('base');
      expect(d.router.tenants.list()).toEqual([]);
    }, 60_000);

    it('emergency controls used in one router reach the others with a control event marked remote', async () => {
      const place = await backend.place();
      const a = member(place);
      const b = member(place);
      await Promise.all([a.router.chat(ask()), b.router.chat(ask())]);
      a.router.disable('special', { actor: 'oncall' });
      expect(await waitFor(() => b.controls.some((e) => e.action === 'disable'), 10_000)).toBe(true);
      expect(b.controls).toEqual([expect.objectContaining({ action: 'disable', target: 'special', remote: true })]);
      expect(a.controls).toEqual([expect.objectContaining({ action: 'disable', target: 'special', actor: 'oncall' })]);
      expect(a.controls[0]?.remote).toBeUndefined();
      a.router.force('base', { tenant: 'acme' });
      expect(await waitFor(() => b.controls.some((e) => e.action === 'force'), 10_000)).toBe(true);
      a.router.unforce({ tenant: 'acme' });
      expect(await waitFor(() => b.controls.some((e) => e.action === 'unforce'), 10_000)).toBe(true);
      a.router.enable('special');
      expect(await waitFor(() => b.controls.some((e) => e.action === 'enable'), 10_000)).toBe(true);
      expect(b.controls.map((e) => [e.action, e.target, e.tenant, e.remote])).toEqual([
        ['disable', 'special', undefined, true],
        ['force', 'base', 'acme', true],
        ['unforce', 'acme', 'acme', true],
        ['enable', 'special', undefined, true],
      ]);
      // Each action was announced once in A, none of them as remote.
      expect(a.controls.map((e) => [e.action, e.remote])).toEqual([
        ['disable', undefined],
        ['force', undefined],
        ['unforce', undefined],
        ['enable', undefined],
      ]);
    }, 60_000);
  });
}

describe('the remote control events of a controls change', () => {
  const snapshot = fc.record({
    disabled: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'gpt', 'claude')).map((d) => d.sort()),
    forced: fc.dictionary(fc.constantFrom('', 'acme', 'globex'), fc.constantFrom('a', 'b', 'c')),
  });
  it('replayed on the controls in force, they give the new controls exactly (and none when nothing changed)', () => {
    fc.assert(
      fc.property(snapshot, snapshot, (from: ControlsSnapshot, to: ControlsSnapshot) => {
        const controls = new Controls();
        controls.replace(from);
        const changes = controlChanges(from, to);
        for (const c of changes) applyControl(controls, c);
        const expected = new Controls();
        expected.replace(to);
        expect(controls.snapshot()).toEqual(expected.snapshot());
        expect(controlChanges(to, to)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
