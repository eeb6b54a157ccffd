/**
 * Rate limits on a shared store, seen by routers of one process: waiting honours the deadline and
 * the abort and asks the store once per `retryAfterMs` (never in a loop), `maxQueue: 0` refuses at
 * once, two routers on one store share a limit, a Redis outage follows `onStoreError`, and the
 * memory store keeps its limits per router as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  AllAttemptsFailedError,
  createRouter,
  RateLimitError,
  memoryStore,
  type RateLimitOptions,
  type RouterEvents,
  type SharedStore,
  StoreUnavailableError,
  SwitchyardError,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { redisStore } from '../../src/state/redis/index.js';
import { SharedLimiter } from '../../src/resilience/shared-limiter.js';
import { closeAll, KITS } from './helpers/stores.js';
import { hasRedisBinary, spawnRedis, type SpawnedRedis } from './helpers/redis-server.js';

const servers: SpawnedRedis[] = [];
afterAll(async () => {
  await closeAll();
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
}, 30_000);

const ask = (extra: { timeoutMs?: number; signal?: AbortSignal } = {}) => ({
  messages: [{ role: 'user' as const, content: 'hi' }],
  ...extra,
});
const codeOf = (e: unknown) => (SwitchyardError.isInstance(e) ? e.code : String(e));
/** The local RateLimitError of a refused request (the router wraps its only attempt in AllAttemptsFailedError). */
const localRefusal = (e: unknown) => {
  const last = AllAttemptsFailedError.isInstance(e) ? e.lastError : e;
  return RateLimitError.isInstance(last) && last.local === true;
};

/** The store, counting the admissions it is asked for. */
function counting(store: SharedStore) {
  const calls = { admitRate: 0, acquireSlot: 0, admitLimits: 0 };
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name === 'admitRate' || name === 'acquireSlot' || name === 'admitLimits') calls[name]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

function routerOn(store: SharedStore, limits: RateLimitOptions, usage?: { inputTokens: number; outputTokens: number }) {
  const provider = mockProvider({ reply: { text: 'ok', ...(usage && { usage }) } });
  const router = createRouter({
    providers: { m: provider },
    models: { gpt: { provider: 'm', model: 'x' } },
    rateLimits: { m: limits },
    retry: { retries: 0 },
    store,
  });
  return { router, provider };
}

for (const kit of KITS.filter((k) => k.name !== 'memory')) {
  describe.skipIf(!kit.available)(`rate limits on a ${kit.name} store`, () => {
    it('a waiting request ends at its deadline or abort; the store is asked once, not polled', async () => {
      const { store, calls } = counting(await kit.make());
      const { router, provider } = routerOn(store, { rpm: 1, overflow: 'queue' });
      await router.chat(ask());
      const timedOut = await router.chat(ask({ timeoutMs: 500 })).catch(codeOf);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const aborted = await router.chat(ask({ signal: controller.signal })).catch(codeOf);
      await router.close();
      expect([timedOut, aborted]).toEqual(['timeout', 'abort']);
      expect(provider.calls.length).toBe(1);
      // The first request's admission and one refusal (retry in ~60 s); the third waited on that answer.
      expect(calls.admitLimits).toBe(2);
    }, 60_000);

    it('rpm + tpm + maxConcurrent: one store call per admission, and a refusal by the slot takes nothing from the windows', async () => {
      const { store, calls } = counting(await kit.make());
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      const provider = mockProvider({ reply: async () => (await held, { text: 'ok' }) });
      const router = createRouter({
        providers: { m: provider },
        models: { gpt: { provider: 'm', model: 'x' } },
        rateLimits: { m: { rpm: 2, tpm: 10_000, maxConcurrent: 1, overflow: 'next', maxQueue: 0 } },
        retry: { retries: 0 },
        store,
      });
      const first = router.chat(ask());
      while (provider.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      // The slot is taken: three more requests are refused by it, each with one store call, none counted in rpm.
      // (Each after the process's hint from the last refusal has passed, so that each one asks the store.)
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 80));
        expect(localRefusal(await router.chat(ask()).catch((e: unknown) => e))).toBe(true);
      }
      release();
      await first;
      // rpm 2 still has room for one more call: the refusals above took nothing from it. (The first call's slot
      // is given back in the background: until then a request is refused by the slot, which takes nothing either.)
      let second: unknown;
      for (let i = 0; i < 100 && (second === undefined || localRefusal(second)); i++) {
        await new Promise((r) => setTimeout(r, 20));
        second = await router.chat(ask()).catch((e: unknown) => e);
      }
      expect(localRefusal(second)).toBe(false);
      const afterRpm = await router.chat(ask()).catch((e: unknown) => e);
      await router.close();
      expect(localRefusal(afterRpm)).toBe(true);
      expect(provider.calls.length).toBe(2);
      // Admissions are admitLimits only (the admitRate calls are the token corrections sent after a call that used more than its estimate).
      expect(calls.acquireSlot).toBe(0);
      expect(calls.admitLimits).toBeGreaterThanOrEqual(6);
      expect(calls.admitRate).toBeLessThanOrEqual(2);
    }, 60_000);

    it('maxQueue 0: a request the store refuses fails at once with a local RateLimitError', async () => {
      const { router } = routerOn(await kit.make(), { rpm: 1, maxQueue: 0, overflow: 'queue' });
      await router.chat(ask());
      const error = await router.chat(ask()).catch((e: unknown) => e);
      await router.close();
      expect(localRefusal(error)).toBe(true);
    }, 60_000);

    it('tpm: a call that used more tokens than its estimate counts the difference in the shared window', async () => {
      const store = await kit.make();
      // The estimate of "hi" is a few tokens; the vendor reports 300: the window then holds more than the 100 allowed.
      const { router, provider } = routerOn(store, { tpm: 100, maxQueue: 0, overflow: 'queue' }, { inputTokens: 10, outputTokens: 290 });
      await router.chat(ask());
      const next = await router.chat(ask()).catch((e: unknown) => e);
      await router.close();
      expect(localRefusal(next)).toBe(true);
      expect(provider.calls.length).toBe(1);
    }, 60_000);

    it('a concurrency slot held longer than its lease is renewed while its call runs, and freed when it ends', async () => {
      const store = await kit.make();
      // Two processes' limiters on one store (a 300 ms lease instead of the router's 30 s).
      const here = new SharedLimiter('m', { maxConcurrent: 1 }, store, Date.now, 300);
      const there = new SharedLimiter('m', { maxConcurrent: 1 }, store, Date.now, 300);
      const slot = await here.acquire(1, undefined);
      await new Promise((r) => setTimeout(r, 1_000));
      const whileHeld = await there.tryAcquire(1);
      slot.release();
      const afterRelease = await there.acquire(1, AbortSignal.timeout(10_000));
      afterRelease.release();
      expect(whileHeld).toBeUndefined();
      here.stop();
      there.stop();
    }, 60_000);

    it('two routers on one store share rpm 2: the third request, in either router, waits for the window', async () => {
      const store = await kit.make();
      const one = routerOn(store, { rpm: 2, overflow: 'queue' });
      const two = routerOn(store, { rpm: 2, overflow: 'queue' });
      await one.router.chat(ask());
      await two.router.chat(ask());
      const third = await Promise.all(
        [one.router.chat(ask({ timeoutMs: 300 })), two.router.chat(ask({ timeoutMs: 300 }))].map((p) => p.catch(codeOf)),
      );
      await Promise.all([one.router.close(), two.router.close()]);
      expect(third).toEqual(['timeout', 'timeout']);
      expect(one.provider.calls.length + two.provider.calls.length).toBe(2);
    }, 60_000);
  });
}

describe('rate limits on the memory store', () => {
  it('stay per router, decided in process as before: two routers on one memoryStore() each admit their own rpm 1', async () => {
    const store = memoryStore();
    const one = routerOn(store, { rpm: 1, maxQueue: 0, overflow: 'queue' });
    const two = routerOn(store, { rpm: 1, maxQueue: 0, overflow: 'queue' });
    const served = [await one.router.chat(ask()), await two.router.chat(ask())].map((r) => r.route.model);
    const refused = await one.router.chat(ask()).catch((e: unknown) => e);
    await Promise.all([one.router.close(), two.router.close()]);
    expect(served).toEqual(['gpt', 'gpt']);
    expect(localRefusal(refused)).toBe(true);
  });
});

// These tests stop their own redis-server, so they need the binary (CI installs it).
const canStopRedis = hasRedisBinary() || process.env.CI === 'true';

describe.skipIf(!canStopRedis)('a Redis outage under shared rate limits follows onStoreError', () => {
  async function outage(rateLimit: 'fail-open' | 'fail-closed') {
    const redis = await spawnRedis();
    servers.push(redis);
    const store = redisStore({ url: redis.url, prefix: `rl-${rateLimit}:`, commandTimeoutMs: 300, onStoreError: { rateLimit } });
    const { router, provider } = routerOn(store, { rpm: 100, maxConcurrent: 4, overflow: 'queue' });
    const seen: Array<RouterEvents['store']> = [];
    router.on('store', (e) => seen.push(e));
    await router.chat(ask());
    await redis.stop();
    const after = await router.chat(ask({ timeoutMs: 10_000 })).then(
      (r) => r.route.model,
      (e: unknown) => e,
    );
    await router.close().catch(() => undefined);
    await store.close();
    return { after, seen, calls: provider.calls.length };
  }

  it('fail-closed: the request is refused with StoreUnavailableError, before any vendor call, without waiting for its deadline', async () => {
    const { after, seen, calls } = await outage('fail-closed');
    expect(StoreUnavailableError.isInstance(after)).toBe(true);
    expect(calls).toBe(1);
    expect(seen[0]).toMatchObject({ type: 'unavailable', store: 'redis' });
  }, 60_000);

  it('fail-open: the request is served, and store events say the admissions were degraded', async () => {
    const { after, seen, calls } = await outage('fail-open');
    expect(after).toBe('gpt');
    expect(calls).toBe(2);
    expect(seen.filter((e) => e.type === 'degraded').map((e) => e.type === 'degraded' && e.operation)).toEqual(
      expect.arrayContaining(['admitLimits']),
    );
  }, 60_000);
});
