/**
 * Latency and error statistics counted in a shared store (SQLite, Redis): every router on the store
 * reads the fleet's picture (the latency strategy's order, `health()`), a router created anew starts
 * warm, and the fleet's counts are exact. With the memory store each router learns alone, as before.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, memoryStore, type Router, type StoreStatusEvent } from '../../src/index.js';
import type { SharedStore } from '../../src/state/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { mockProvider } from '../../src/testing.js';
import { hasRedisBinary, redisForTests, spawnRedis, type SpawnedRedis } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';
import { backends, type Backend } from './helpers/workers.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-stats-'));
const opened: SharedStore[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

/** A new place (Redis prefix or SQLite file); each call of the returned function opens its own connection to it, as another process would. */
async function place(backend: Backend): Promise<() => SharedStore> {
  const config = await backend.config();
  return () => {
    const store = backend.open(config);
    opened.push(store);
    return store;
  };
}

const hi = [{ role: 'user' as const, content: 'hi' }];

/** Three models: `slow` (listed first), `fast`, and `flaky` (fails every call whose message says "fail"). */
function fleetRouter(store: SharedStore, statsSyncMs = 100): Router {
  return createRouter({
    providers: {
      slowP: mockProvider({ latencyMs: 120, reply: { text: 'slow' } }),
      fastP: mockProvider({ latencyMs: 1, reply: { text: 'fast' } }),
      flakyP: mockProvider({
        latencyMs: 20,
        reply: (request) => (JSON.stringify(request.messages).includes('fail') ? { fail: 'provider-unavailable' } : { text: 'flaky' }),
      }),
    },
    models: {
      slow: { provider: 'slowP', model: 'x-slow' },
      fast: { provider: 'fastP', model: 'x-fast' },
      flaky: { provider: 'flakyP', model: 'x-flaky' },
    },
    strategy: 'latency',
    retry: { retries: 0 },
    circuitBreaker: false,
    store,
    statsSyncMs,
  });
}

/** A call forced to one model; a failure is expected when `fail`. */
async function serve(router: Router, model: string, fail = false): Promise<void> {
  const call = router.chat({ messages: [{ role: 'user', content: fail ? 'fail' : 'hi' }], model });
  if (fail) await expect(call).rejects.toThrow();
  else await call;
}

async function trafficOnA(a: Router): Promise<void> {
  for (let i = 0; i < 4; i++) await serve(a, 'slow');
  for (let i = 0; i < 4; i++) await serve(a, 'fast');
  for (const fail of [true, false, true, false, false]) await serve(a, 'flaky', fail);
}

for (const kit of backends(dir, 'stats')) {
  describe.skipIf(!kit.available)(`statistics shared through one ${kit.name} store`, () => {
    it('router B, which served nothing, orders the latency strategy as A measured and shows A’s error rate; a new router starts warm', async () => {
      const open = await place(kit);
      const a = fleetRouter(open());
      const b = fleetRouter(open());
      // Nothing measured yet: unmeasured models keep their configured order.
      expect(b.explain({ messages: hi }).candidates).toEqual(['slow', 'fast', 'flaky']);
      await trafficOnA(a);
      const learned = await waitFor(() => {
        const order = b.explain({ messages: hi }).candidates;
        return order.indexOf('fast') < order.indexOf('slow') && b.health().models.flaky?.fleet?.requests === 5;
      }, 20_000);
      expect(learned).toBe(true);
      const seen = b.health().models;
      console.log(
        `${kit.name}: B sees fleet latency fast ${seen.fast?.latencyMs?.toFixed(1)} ms, slow ${seen.slow?.latencyMs?.toFixed(1)} ms, ` +
          `flaky error rate ${seen.flaky?.errorRate}`,
      );
      expect(seen.flaky).toMatchObject({ errorRate: 0.4, requests: 0, fleet: { requests: 5, failures: 2, errorRate: 0.4 } });
      expect(seen.slow?.fleet).toMatchObject({ requests: 4, failures: 0 });
      expect(seen.fast!.latencyMs!).toBeLessThan(seen.slow!.latencyMs!);
      // B's own first request goes to the model the fleet measured faster.
      expect((await b.chat({ messages: hi })).route.model).toBe('fast');

      await Promise.all([a.close(), b.close()]);
      // A router created anew on the store (a restart): its first request already has the fleet's picture.
      const c = fleetRouter(open());
      expect((await c.chat({ messages: hi })).route.model).toBe('fast');
      expect(c.health().models.flaky?.fleet).toMatchObject({ requests: 5, failures: 2 });
      expect(c.health().models.flaky?.errorRate).toBe(0.4);
      await c.close();
    }, 60_000);

    it('time to first token is shared too: B orders streams by the fleet’s ttft and chats by its whole-call latency', async () => {
      const open = await place(kit);
      const make = () =>
        createRouter({
          providers: {
            // Answers soon, then drips 10 chunks 40 ms apart: a short ttft, a long call.
            chunky: mockProvider({ latencyMs: 1, chunkDelayMs: 40, reply: { text: 'a b c d e f g h i j' } }),
            // Thinks 150 ms, then sends everything: a longer ttft, a shorter call.
            steady: mockProvider({ latencyMs: 150, reply: { text: 'a b c d e f g h i j' } }),
          },
          models: { chunky: { provider: 'chunky', model: 'x-chunky' }, steady: { provider: 'steady', model: 'x-steady' } },
          strategy: 'latency',
          retry: { retries: 0 },
          circuitBreaker: false,
          store: open(),
          statsSyncMs: 100,
        });
      const a = make();
      const b = make();
      for (const model of ['chunky', 'steady', 'chunky', 'steady'])
        for await (const event of a.stream({ messages: hi, model })) if (event.type === 'finish') expect(event.route.model).toBe(model);
      const learned = await waitFor(
        () =>
          b.explain({ messages: hi }, 'chat').candidates[0] === 'steady' &&
          b.explain({ messages: hi }, 'stream').candidates[0] === 'chunky',
        20_000,
      );
      const seen = b.health().models;
      console.log(
        `${kit.name}: B sees ttft chunky ${seen.chunky?.ttftMs?.toFixed(1)} ms / steady ${seen.steady?.ttftMs?.toFixed(1)} ms, ` +
          `latency chunky ${seen.chunky?.latencyMs?.toFixed(1)} ms / steady ${seen.steady?.latencyMs?.toFixed(1)} ms`,
      );
      expect(learned).toBe(true);
      expect(seen.chunky?.fleet).toMatchObject({ requests: 2, failures: 0 });
      await Promise.all([a.close(), b.close()]);
    }, 60_000);

    it('tenants are counted apart from the default scope', async () => {
      const open = await place(kit);
      const make = () => {
        const r = fleetRouter(open());
        r.tenants.set('acme', {});
        return r;
      };
      const a = make();
      for (const fail of [true, true, false]) {
        const call = a.chat({ messages: [{ role: 'user', content: fail ? 'fail' : 'hi' }], model: 'flaky', tenant: 'acme' });
        if (fail) await expect(call).rejects.toThrow();
        else await call;
      }
      await a.close();
      const b = make();
      await b.chat({ messages: hi, tenant: 'acme', model: 'fast' });
      expect(b.health({ tenant: 'acme' }).models.flaky?.fleet).toMatchObject({ requests: 3, failures: 2 });
      expect(b.health().models.flaky?.fleet).toBeUndefined();
      await b.close();
    }, 60_000);

    it('counts are exact: the fleet’s calls and failures per model equal the sum of what each router served', async () => {
      const call = fc.record({ model: fc.constantFrom('fast', 'flaky'), fail: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), fc.array(call, { maxLength: 12 }), async (first, second) => {
          const open = await place(kit);
          // A long sync interval: what reaches the store is what close() flushes.
          const [a, b] = [fleetRouter(open(), 60_000), fleetRouter(open(), 150)];
          const run = async (r: Router, calls: typeof first) => {
            for (const c of calls) await serve(r, c.model, c.model === 'flaky' && c.fail);
          };
          await Promise.all([run(a, first), run(b, second)]);
          await Promise.all([a.close(), b.close()]);
          const c = fleetRouter(open());
          await c.chat({ messages: hi, model: 'slow' }); // held until its first read of the store
          for (const model of ['fast', 'flaky'] as const) {
            const all = [...first, ...second].filter((x) => x.model === model);
            const failures = model === 'flaky' ? all.filter((x) => x.fail).length : 0;
            const fleet = c.health().models[model]?.fleet;
            if (all.length === 0) expect(fleet).toBeUndefined();
            else expect(fleet).toMatchObject({ requests: all.length, failures });
          }
          await c.close();
        }),
        { numRuns: 6 },
      );
    }, 120_000);
  });
}

// Restarting a redis-server on the same port needs the binary (CI installs it).
const canRestartRedis = hasRedisBinary() || process.env.CI === 'true';
describe.skipIf(!canRestartRedis)('statistics through a Redis outage', () => {
  const servers: SpawnedRedis[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  }, 30_000);

  it('calls served while Redis is down are kept and sent once it is back; nothing reaches the request path', async () => {
    const first = await spawnRedis();
    servers.push(first);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const store = redisStore({ url: first.url, prefix: 'stats-outage:', commandTimeoutMs: 300 });
    const a = fleetRouter(store);
    const events: StoreStatusEvent[] = [];
    a.on('store', (e) => events.push(e));
    try {
      await a.chat({ messages: hi, model: 'fast' }); // ready: the first read is done
      await first.stop();
      for (const fail of [true, false, true, false, false, false]) await serve(a, 'flaky', fail);
      // This process still counts what it served (not yet in the store).
      expect(a.health().models.flaky?.fleet).toMatchObject({ requests: 6, failures: 2 });
      expect(await waitFor(() => events.some((e) => e.type === 'unavailable'), 10_000)).toBe(true);
      const second = await spawnRedis(first.port); // a new, empty server on the same port
      servers.push(second);
      const otherStore = redisStore({ url: second.url, prefix: 'stats-outage:' });
      const b = fleetRouter(otherStore);
      const sent = await waitFor(() => b.health().models.flaky?.fleet?.requests === 6, 20_000);
      expect(sent).toBe(true);
      expect(b.health().models.flaky?.fleet).toMatchObject({ requests: 6, failures: 2, errorRate: 2 / 6 });
      await b.close();
      await otherStore.close();
    } finally {
      await a.close();
      await store.close();
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  }, 90_000);
});

describe('statistics on the memory store', () => {
  it('stay in each router, as before: two routers on one memoryStore() do not share them', async () => {
    const store = memoryStore();
    const a = fleetRouter(store);
    const b = fleetRouter(store);
    await trafficOnA(a);
    expect(a.explain({ messages: hi }).candidates[0]).toBe('fast');
    expect(a.health().models.flaky).toMatchObject({ errorRate: 0.4, requests: 5 });
    expect(a.health().models.flaky?.fleet).toBeUndefined();
    expect(b.explain({ messages: hi }).candidates).toEqual(['slow', 'fast', 'flaky']);
    expect(b.health().models.flaky).toMatchObject({ errorRate: 0, requests: 0 });
    await Promise.all([a.close(), b.close()]);
  });

  it('statsSyncMs is checked: an integer from 100 to 60,000 ms', () => {
    for (const bad of [50, 250.5, 60_001, -1]) {
      const error = (() => {
        try {
          fleetRouter(memoryStore(), bad);
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['statsSyncMs']);
    }
  });
});
