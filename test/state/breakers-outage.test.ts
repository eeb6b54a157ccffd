import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Router, type RouterEvents } from '../../src/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { mockProvider, type MockProvider } from '../../src/testing.js';
import { hasRedisBinary, spawnRedis, type SpawnedRedis } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';

// These tests stop and restart their own redis-server, so they need the binary (CI installs it).
const canRun = hasRedisBinary() || process.env.CI === 'true';
const servers: SpawnedRedis[] = [];
const routers: Router[] = [];
afterAll(async () => {
  await Promise.all(routers.map((r) => r.close()));
  await Promise.all(servers.map((s) => s.stop()));
}, 30_000);

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

function member(url: string, flaky: MockProvider) {
  const store = redisStore({ url, prefix: 'outage:', commandTimeoutMs: 300 });
  const router = createRouter({
    providers: { flaky, good: mockProvider({ name: 'good' }) },
    models: { primary: { provider: 'flaky', model: 'x' }, backup: { provider: 'good', model: 'y' } },
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
    store,
  });
  routers.push(router);
  const stores: Array<RouterEvents['store']> = [];
  router.on('store', (e) => stores.push(e));
  return { router, store, stores };
}

describe.skipIf(!canRun)('shared breakers and controls while Redis is away', () => {
  it('requests keep being served on the local view; what changed meanwhile reaches the store when it is back', async () => {
    const redis = await spawnRedis();
    servers.push(redis);
    const a = member(redis.url, mockProvider({ name: 'flaky', reply: { fail: 503 } }));
    const flakyB = mockProvider({ name: 'flaky', reply: { fail: 503 } });
    const b = member(redis.url, flakyB);
    await a.router.chat(ask);
    await b.router.chat(ask);
    await redis.stop();
    // The store is gone: A's breaker opens here all the same, A's disable applies here, requests are served.
    for (let i = 0; i < 2; i++) expect((await a.router.chat(ask)).route.model).toBe('backup');
    a.router.disable('good');
    expect(a.router.health().models.primary?.state).toBe('open');
    expect(a.router.health().providers.good?.disabled).toBe(true);
    expect(await waitFor(() => a.stores.some((e) => e.type === 'unavailable'), 10_000)).toBe(true);
    // B never heard of it.
    expect(b.router.health().models.primary?.state).toBe('closed');
    // Redis comes back on the same port (empty: nothing persisted): A writes what it decided meanwhile.
    servers.push(await spawnRedis(redis.port));
    expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 20_000)).toBe(true);
    expect(await waitFor(() => b.router.health().providers.good?.disabled === true, 20_000)).toBe(true);
    const calls = flakyB.calls.length;
    await b.router.chat(ask).catch(() => undefined);
    expect(flakyB.calls).toHaveLength(calls);
  }, 90_000);

  it('Redis restarted empty (its data lost): versions count again from 1, and a new open still reaches every router', async () => {
    const redis = await spawnRedis();
    servers.push(redis);
    const a = member(redis.url, mockProvider({ name: 'flaky', reply: { fail: 503 } }));
    const b = member(redis.url, mockProvider({ name: 'flaky', reply: { fail: 503 } }));
    for (let i = 0; i < 2; i++) await a.router.chat(ask);
    expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 10_000)).toBe(true);
    b.router.resetBreaker('primary');
    expect(await waitFor(() => a.router.health().models.primary?.state === 'closed', 10_000)).toBe(true);
    await redis.stop();
    servers.push(await spawnRedis(redis.port));
    expect(await waitFor(() => a.stores.some((e) => e.type === 'available') && b.stores.some((e) => e.type === 'available'), 20_000)).toBe(
      true,
    );
    for (let i = 0; i < 2; i++) await a.router.chat(ask);
    expect(a.router.health().models.primary?.state).toBe('open');
    expect(await waitFor(() => b.router.health().models.primary?.state === 'open', 20_000)).toBe(true);
  }, 90_000);

  it('a router created while the store is down serves at once after the first read times out (never a hang)', async () => {
    const redis = await spawnRedis();
    servers.push(redis);
    await redis.stop();
    const c = member(redis.url, mockProvider({ name: 'flaky' }));
    const started = Date.now();
    expect((await c.router.chat(ask)).route.model).toBe('primary');
    console.log(`store down at creation: first request served after ${Date.now() - started} ms (commandTimeoutMs 300)`);
  }, 60_000);
});
