import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Router, type RouterEvents, type RouterOptions } from '../../src/index.js';
import { memoryStore, type SharedStore } from '../../src/state/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { mockProvider, type MockProvider } from '../../src/testing.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './helpers/redis-server.js';
import { sleep, waitFor } from './helpers/stores.js';

/**
 * Breakers shared by routers on one store, each with its own connection (as separate processes
 * have): what one learns, the others know; one probes at a time. The 4-process version is in
 * breakers-multiprocess.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'switchyard-breakers-'));
const opened: Array<SharedStore | Router> = [];
afterAll(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

interface Backend {
  name: string;
  available: boolean;
  /** A function that opens a new connection to one new, empty store. */
  place(): Promise<() => SharedStore>;
}

const BACKENDS: Backend[] = [
  {
    name: 'redis',
    available: redisAvailable,
    async place() {
      const server = await redisForTests();
      const prefix = `br:${randomUUID().slice(0, 8)}:`;
      return () => redisStore({ url: server!.url, prefix });
    },
  },
  {
    name: 'sqlite',
    available: sqliteAvailable,
    async place() {
      const path = join(dir, `${randomUUID()}.db`);
      return () => sqliteStore({ path, pollMs: 50 });
    },
  },
];

const ask = (tenant?: string) => ({ messages: [{ role: 'user' as const, content: 'hi' }], ...(tenant !== undefined && { tenant }) });

/** A router of the fleet: its own store connection, and these providers (a process of its own has its own objects). */
function member(open: () => SharedStore, providers: { flaky: MockProvider; good: MockProvider }, extra: Partial<RouterOptions> = {}) {
  const store = open();
  const router = createRouter({
    providers,
    models: { primary: { provider: 'flaky', model: 'x' }, backup: { provider: 'good', model: 'y' } },
    strategy: 'fallback',
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
    store,
    ...extra,
  } as RouterOptions);
  const events: Array<RouterEvents['breaker']> = [];
  router.on('breaker', (e) => events.push(e));
  opened.push(store, router);
  return { router, events, store };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`breakers and controls shared on one ${backend.name} store`, () => {
    it('a breaker opened in one router is open in the other, which stops calling the target; a reset closes both', async () => {
      const open = await backend.place();
      const a = member(open, { flaky: mockProvider({ name: 'flaky', reply: { fail: 503 } }), good: mockProvider({ name: 'good' }) });
      const flakyB = mockProvider({ name: 'flaky', reply: { fail: 503 } });
      const b = member(
        open,
        { flaky: flakyB, good: mockProvider({ name: 'good' }) },
        { circuitBreaker: { failureThreshold: 1000, cooldownMs: 60_000 } },
      );
      await b.router.chat(ask());
      expect(flakyB.calls).toHaveLength(1);
      for (let i = 0; i < 3; i++) await a.router.chat(ask());
      expect(a.router.health().models.primary?.state).toBe('open');
      expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 10_000)).toBe(true);
      const learned = b.events.find((e) => e.to === 'open');
      expect(learned).toMatchObject({ model: 'primary', provider: 'flaky', from: 'closed', to: 'open', remote: true });
      expect(learned?.reason).toContain('3 consecutive failures');
      expect(a.events.find((e) => e.to === 'open')?.remote).toBeUndefined();
      for (let i = 0; i < 10; i++) expect((await b.router.chat(ask())).route.model).toBe('backup');
      expect(flakyB.calls).toHaveLength(1);
      // A manual reset in B closes A's breaker too.
      b.router.resetBreaker('primary');
      expect(await waitFor(() => a.router.health().models.primary?.state === 'closed', 10_000)).toBe(true);
      expect(a.events.at(-1)).toMatchObject({ to: 'closed', remote: true });
    }, 60_000);

    it('after the cooldown one router probes while the other keeps out; the probe closes the breaker in both', async () => {
      const open = await backend.place();
      let healthy = false;
      const script = () => (healthy ? 'ok' : { fail: 503 as const });
      const flakyA = mockProvider({ name: 'flaky', reply: script, latencyMs: 200 });
      const flakyB = mockProvider({ name: 'flaky', reply: script, latencyMs: 200 });
      const cb = { failureThreshold: 2, cooldownMs: 1_000 };
      const a = member(open, { flaky: flakyA, good: mockProvider({ name: 'good' }) }, { circuitBreaker: cb });
      const b = member(open, { flaky: flakyB, good: mockProvider({ name: 'good' }) }, { circuitBreaker: cb });
      for (let i = 0; i < 2; i++) await a.router.chat(ask());
      expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 10_000)).toBe(true);
      healthy = true;
      await sleep(1_100);
      const before = flakyA.calls.length + flakyB.calls.length;
      // Both routers send at once, several times: one probe goes out in all.
      const served = await Promise.all([...Array(4)].flatMap(() => [a.router.chat(ask()), b.router.chat(ask())]));
      const probes = flakyA.calls.length + flakyB.calls.length - before;
      expect(probes).toBe(1);
      expect(served.filter((r) => r.route.model === 'primary')).toHaveLength(1);
      expect(await waitFor(() => a.router.health().models.primary?.state === 'closed', 10_000)).toBe(true);
      expect(await waitFor(() => b.router.health().models.primary?.state === 'closed', 10_000)).toBe(true);
      expect((await a.router.chat(ask())).route.model).toBe('primary');
      expect((await b.router.chat(ask())).route.model).toBe('primary');
    }, 60_000);

    it('a prober that never answers holds the probe only for its lease: then another router probes and closes it', async () => {
      const open = await backend.place();
      const cb = { failureThreshold: 1, cooldownMs: 2_000 };
      // A's target fails, then hangs on the probe (a stuck or killed prober).
      const flakyA = mockProvider({ name: 'flaky', reply: [{ fail: 503 }, { hang: true }] });
      const a = member(open, { flaky: flakyA, good: mockProvider({ name: 'good' }) }, { circuitBreaker: cb });
      const flakyB = mockProvider({ name: 'flaky', reply: 'ok' });
      const b = member(open, { flaky: flakyB, good: mockProvider({ name: 'good' }) }, { circuitBreaker: cb });
      await a.router.chat(ask());
      expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 10_000)).toBe(true);
      await sleep(2_100);
      const stuck = a.router.chat({ ...ask(), timeoutMs: 60_000 });
      stuck.catch(() => undefined);
      expect(await waitFor(() => flakyA.calls.length === 2, 10_000)).toBe(true);
      await sleep(300); // The claim reaches B (Redis: about a millisecond; SQLite: a 50 ms poll here).
      expect(b.router.health().models.primary?.state).toBe('half-open');
      // Within A's lease B sends nothing to the target.
      expect((await b.router.chat(ask())).route.model).toBe('backup');
      expect(flakyB.calls).toHaveLength(0);
      // After the lease (one cooldown) B takes the probe over, and its success closes the breaker for A too.
      expect(await waitFor(async () => (await b.router.chat(ask())).route.model === 'primary', 10_000)).toBe(true);
      expect(flakyB.calls).toHaveLength(1);
      expect(await waitFor(() => a.router.health().models.primary?.state === 'closed', 10_000)).toBe(true);
    }, 60_000);

    it('tenants on the shared provider share its breaker; a tenant with its own key has its own', async () => {
      const open = await backend.place();
      const tenants = { acme: {}, solo: { providers: { flaky: mockProvider({ name: 'flaky', reply: 'own key' }) } } };
      const a = member(
        open,
        { flaky: mockProvider({ name: 'flaky', reply: { fail: 503 } }), good: mockProvider({ name: 'good' }) },
        { tenants },
      );
      const soloB = mockProvider({ name: 'flaky', reply: 'own key' });
      const b = member(
        open,
        { flaky: mockProvider({ name: 'flaky', reply: { fail: 503 } }), good: mockProvider({ name: 'good' }) },
        { tenants: { acme: {}, solo: { providers: { flaky: soloB } } } },
      );
      for (let i = 0; i < 3; i++) await a.router.chat(ask('acme'));
      expect(await waitFor(() => b.router.health({ tenant: 'acme' }).models.primary?.state === 'open', 10_000)).toBe(true);
      expect(b.router.health().models.primary?.state).toBe('open');
      expect(b.router.health({ tenant: 'solo' }).models.primary?.state).toBe('closed');
      expect((await b.router.chat(ask('solo'))).route.model).toBe('primary');
      expect(soloB.calls).toHaveLength(1);
    }, 60_000);

    it('disable, enable, force and unforce in one router apply in the other; a new router on the store starts with them', async () => {
      const open = await backend.place();
      const providers = () => ({ flaky: mockProvider({ name: 'flaky', reply: 'flaky' }), good: mockProvider({ name: 'good' }) });
      const a = member(open, providers());
      const pb = providers();
      const b = member(open, pb);
      a.router.disable('flaky', { actor: 'ops' });
      expect(a.router.health().providers.flaky?.disabled).toBe(true);
      expect(await waitFor(() => b.router.health().providers.flaky?.disabled === true, 10_000)).toBe(true);
      expect((await b.router.chat(ask())).route.model).toBe('backup');
      expect(pb.flaky.calls).toHaveLength(0);
      b.router.force('backup', { tenant: 'acme' });
      expect(await waitFor(() => a.router.explain(ask('acme')).strategy === 'forced', 10_000)).toBe(true);

      // A restarted process: a new router with new objects, on the same store.
      const pc = providers();
      const c = member(open, pc);
      expect(c.router.health().providers.flaky?.disabled).toBe(false); // Not read yet: the first request waits for the read.
      expect((await c.router.chat(ask())).route.model).toBe('backup');
      expect(pc.flaky.calls).toHaveLength(0);
      expect(c.router.health().providers.flaky?.disabled).toBe(true);
      expect(c.router.explain(ask('acme')).strategy).toBe('forced');
      // A stream made at once by another new router: it is iterated after the first read too.
      const pd = providers();
      const d = member(open, pd);
      const events: string[] = [];
      for await (const ev of d.router.stream(ask())) events.push(ev.type === 'finish' ? `finish:${ev.response.route.model}` : ev.type);
      expect(events.at(-1)).toBe('finish:backup');
      expect(pd.flaky.calls).toHaveLength(0);
      expect(() => d.router.stream({ messages: [] })).toThrow();

      c.router.enable('flaky');
      c.router.unforce({ tenant: 'acme' });
      expect(await waitFor(() => a.router.health().providers.flaky?.disabled === false, 10_000)).toBe(true);
      expect(await waitFor(() => b.router.health().providers.flaky?.disabled === false, 10_000)).toBe(true);
      expect(await waitFor(() => a.router.explain(ask('acme')).strategy !== 'forced', 10_000)).toBe(true);
      expect((await b.router.chat(ask())).route.model).toBe('primary');
    }, 60_000);

    it('no store round trip for breakers or controls per request: only transitions and control changes write', async () => {
      const open = await backend.place();
      const counts = { getVersioned: 0, compareAndSet: 0 };
      const counting = () => {
        const store = open();
        return new Proxy(store, {
          get(target, prop, receiver) {
            const value: unknown = Reflect.get(target, prop, receiver);
            if ((prop === 'getVersioned' || prop === 'compareAndSet') && typeof value === 'function') {
              return (...args: unknown[]) => {
                counts[prop]++;
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            }
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
      };
      const flaky = mockProvider({ name: 'flaky', reply: 'fine' });
      const a = member(counting, { flaky, good: mockProvider({ name: 'good' }) });
      await a.router.chat(ask()); // The first request waits for the first read.
      const afterFirstRead = { ...counts };
      for (let i = 0; i < 50; i++) await a.router.chat(ask());
      await Promise.all([...Array(50)].map(() => a.router.chat(ask())));
      expect(counts).toEqual(afterFirstRead);
      expect(flaky.calls).toHaveLength(101);
      a.router.disable('good');
      expect(await waitFor(() => counts.compareAndSet === afterFirstRead.compareAndSet + 1, 10_000)).toBe(true);
    }, 60_000);

    it('changes made at once in two routers all survive (compare-and-set, no lost update)', async () => {
      const open = await backend.place();
      const a = member(open, { flaky: mockProvider({ name: 'flaky' }), good: mockProvider({ name: 'good' }) });
      const b = member(open, { flaky: mockProvider({ name: 'flaky' }), good: mockProvider({ name: 'good' }) });
      a.router.disable('flaky');
      b.router.disable('backup');
      const both = () => [a, b].every((m) => m.router.health().providers.flaky?.disabled && m.router.health().models.backup?.disabled);
      expect(await waitFor(both, 10_000)).toBe(true);
    }, 60_000);
  });
}

describe('with the memory store nothing is shared, as before', () => {
  it('two routers on one memory store: a breaker and a control stay in their router', async () => {
    const store = memoryStore();
    const flakyB = mockProvider({ name: 'flaky', reply: { fail: 503 } });
    const make = (flaky: MockProvider) =>
      createRouter({
        providers: { flaky, good: mockProvider({ name: 'good' }) },
        models: { primary: { provider: 'flaky', model: 'x' }, backup: { provider: 'good', model: 'y' } },
        retry: { retries: 0 },
        circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
        store,
      });
    const a = make(mockProvider({ name: 'flaky', reply: { fail: 503 } }));
    const b = make(flakyB);
    for (let i = 0; i < 3; i++) await a.chat(ask());
    a.disable('good');
    await sleep(300);
    expect(a.health().models.primary?.state).toBe('open');
    expect(b.health().models.primary?.state).toBe('closed');
    expect(b.health().providers.good?.disabled).toBe(false);
    await b.chat(ask());
    expect(flakyB.calls).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });
});
