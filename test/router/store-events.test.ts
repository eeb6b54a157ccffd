import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, StoreUnavailableError, type RouterEvents } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { redisStore } from '../../src/state/redis/index.js';
import { hasRedisBinary, spawnRedis, type SpawnedRedis } from '../state/helpers/redis-server.js';

// These tests stop their own redis-server, so they need the binary (CI installs it).
const canRun = hasRedisBinary() || process.env.CI === 'true';
const servers: SpawnedRedis[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
}, 30_000);

const ask = { messages: [{ role: 'user' as const, content: 'hi' }], tenant: 'acme', params: { maxTokens: 50 } };

function routerOn(url: string, budget: 'fail-open' | 'fail-closed') {
  const store = redisStore({ url, prefix: `ev-${budget}:`, commandTimeoutMs: 300, onStoreError: { budget } });
  const router = createRouter({
    providers: { m: mockProvider() },
    models: { gpt: { provider: 'm', model: 'x', pricing: { input: 1, output: 1 }, maxOutputTokens: 100 } },
    tenants: { acme: { budgets: [{ period: 'day', limitUsd: 1, onExceed: 'block' }] } },
    store,
  });
  const seen: Array<RouterEvents['store']> = [];
  router.on('store', (e) => seen.push(e));
  return { router, store, seen };
}

describe.skipIf(!canRun)("the store's outages as router events", () => {
  it('fail-open: Redis stops, the request is still served (degraded budget hold), and store events say unavailable then degraded', async () => {
    const redis = await spawnRedis();
    servers.push(redis);
    const { router, store, seen } = routerOn(redis.url, 'fail-open');
    expect((await router.chat(ask)).route.model).toBe('gpt');
    expect(seen).toEqual([]);
    await redis.stop();
    expect((await router.chat(ask)).route.model).toBe('gpt');
    expect(seen[0]).toMatchObject({ type: 'unavailable', store: 'redis' });
    expect(seen.some((e) => e.type === 'degraded' && e.operation === 'reserveHold')).toBe(true);
    await router.close().catch(() => undefined);
    await store.close();
  }, 60_000);

  it('fail-closed: Redis stops, the request is refused with StoreUnavailableError (an error event) and a store event says unavailable', async () => {
    const redis = await spawnRedis();
    servers.push(redis);
    const { router, store, seen } = routerOn(redis.url, 'fail-closed');
    const errors: Array<RouterEvents['error']> = [];
    router.on('error', (e) => errors.push(e));
    expect((await router.chat(ask)).route.model).toBe('gpt');
    await redis.stop();
    const error = await router.chat(ask).catch((e: unknown) => e);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect(errors.map((e) => e.error.code)).toEqual(['store-unavailable']);
    expect(seen[0]).toMatchObject({ type: 'unavailable', store: 'redis' });
    await router.close().catch(() => undefined);
    await store.close();
  }, 60_000);
});
