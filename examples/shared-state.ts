/**
 * Shared state (docs/state.md): the store primitives that let several router processes share one
 * budget, one rate limit and one breaker. The memory store runs here; `sqliteStore` (switchyard/sqlite,
 * Node 22.13+) and `redisStore` (switchyard/redis, with ioredis) answer the same calls across processes.
 * Offline: no server is needed (a Redis is used only when SWITCHYARD_REDIS_URL names one).
 */
import { ConfigError, createRouter, memoryStore, StoreUnavailableError, type SharedStore } from '../src/index.js';
import { mockProvider } from '../src/testing.js';
import { redisStore } from '../src/state/redis/index.js';
import { sqliteStore } from '../src/state/sqlite/index.js';

async function tour(store: SharedStore): Promise<void> {
  // A budget of $0.01 a day (10,000 micro-dollars), reserved with a 30 s lease before each vendor call.
  const run = Date.now();
  const budget = { key: `acme:day:${run}`, amount: 6_000, limit: 10_000, ttlMs: 86_400_000 };
  // Ids are request ids: unique, and the key that makes settle and release idempotent.
  const first = await store.reserveHold({ id: `req-1-${run}`, owner: 'web-1', leaseMs: 30_000, items: [budget] });
  const second = await store.reserveHold({ id: `req-2-${run}`, owner: 'web-2', leaseMs: 30_000, items: [budget] });
  const refusal = second.ok ? 'held' : second.reason === 'limit' ? `refused (spent ${second.spent}, held ${second.held})` : 'refused';
  console.log(`[${store.kind}] reserve 1: ${first.ok ? 'held' : 'refused'}; reserve 2: ${refusal}`);
  if (first.ok) {
    const settled = await store.settleHold(first.hold, [2_345]);
    const again = await store.settleHold(first.hold, [2_345]);
    console.log(`[${store.kind}] settled at 2,345 micro-dollars (${settled.status}); a retry is a ${again.status}`);
  }
  const [usage] = await store.budgetUsage([budget.key]);
  console.log(`[${store.kind}] budget: spent ${usage!.spent}, held ${usage!.held}`);

  // 3 requests per second, shared by every process on the store.
  const rateKey = `gpt:rps:${Date.now()}`;
  const admitted = [];
  for (let i = 0; i < 5; i++) admitted.push((await store.admitRate({ key: rateKey, id: `c${i}`, limit: 3, windowMs: 1_000 })).ok);
  console.log(`[${store.kind}] rate limit 3/s: ${admitted.map((ok) => (ok ? 'admit' : 'wait')).join(' ')}`);
  // A whole admission in one step, as the router makes it: requests and tokens per minute and a concurrency slot.
  const limits = (id: string, tokens: number) => ({
    id,
    windows: [
      { key: `${rateKey}:rpm`, limit: 10, windowMs: 60_000 },
      { key: `${rateKey}:tpm`, limit: 1_000, windowMs: 60_000, weight: tokens },
    ],
    slot: { key: `${rateKey}:slots`, limit: 2, leaseMs: 30_000 },
  });
  const big = await store.admitLimits(limits('big', 1_200));
  const fits = await store.admitLimits(limits('small', 200));
  console.log(
    `[${store.kind}] 1,200 tokens: ${big.ok ? 'admitted' : `refused by ${big.by}`}; 200 tokens: ${fits.ok ? `admitted, rpm used ${fits.used[0]}` : 'refused'}`,
  );
  await store.releaseSlot(`${rateKey}:slots`, 'small');

  // A breaker opened by one process, heard by every process (here: by this one).
  let hear: (message: string) => void = () => {};
  const heard = new Promise<string>((resolve) => (hear = resolve));
  const stop = await store.subscribe('breakers', (change) => change.type === 'message' && hear(change.message));
  const key = `breaker:gpt-4o:${Date.now()}`;
  const opened = await store.compareAndSet(key, 0, JSON.stringify({ state: 'open' }), { notify: 'breakers' });
  const late = await store.compareAndSet(key, 0, JSON.stringify({ state: 'closed' }));
  const version = opened.ok ? opened.version : '-';
  console.log(`[${store.kind}] breaker: opened at version ${version}; a stale writer ${late.ok ? 'won' : 'lost'}; heard ${await heard}`);
  await stop();
  await store.close();
}

/**
 * Latency and error statistics through the store: router A serves traffic, then router B (a process
 * started afterwards, which has served nothing) routes with what A measured. On a shared store B starts
 * warm; on the memory store each router learns alone, so B starts with the configured order.
 */
async function fleetStats(store: SharedStore): Promise<void> {
  const make = () =>
    createRouter({
      providers: {
        slowP: mockProvider({ latencyMs: 60, reply: { text: 'slow' } }),
        // Fails the calls that ask it to, like an overloaded vendor.
        fastP: mockProvider({
          latencyMs: 1,
          reply: (r) => (JSON.stringify(r.messages).includes('fail') ? { fail: 'provider-unavailable' } : { text: 'fast' }),
        }),
      },
      models: { slow: { provider: 'slowP', model: 'x-slow' }, fast: { provider: 'fastP', model: 'x-fast' } },
      strategy: 'latency',
      retry: { retries: 0 },
      circuitBreaker: false,
      store,
      // Sends this router's counts to the store and reads the fleet's back every 500 ms (default 2,000).
      statsSyncMs: 500,
    });
  const a = make();
  const traffic = [
    ['slow', 'hi'],
    ['slow', 'hi'],
    ['fast', 'fail'],
    ['fast', 'hi'],
    ['fast', 'hi'],
    ['fast', 'hi'],
  ] as const;
  for (const [model, content] of traffic) await a.chat({ messages: [{ role: 'user', content }], model }).catch(() => 'failed');
  await a.close(); // sends the last counts
  const b = make();
  const first = await b.chat({ messages: [{ role: 'user', content: 'hi' }] });
  const fast = b.health().models.fast!;
  const rate = fast.fleet
    ? `the fleet's error rate of fast: ${fast.fleet.errorRate * 100}% of ${fast.fleet.requests} calls`
    : 'no fleet figures';
  console.log(`[${store.kind}] statistics: router B's first request went to ${first.route.model}; ${rate}`);
  await b.close();
}

const local = memoryStore();
await fleetStats(local);
await tour(local);

try {
  const host = sqliteStore({ path: ':memory:' });
  await fleetStats(host);
  await tour(host);
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.log(`[sqlite] ${error.issues[0]!.message}`);
}

const url = process.env.SWITCHYARD_REDIS_URL;
if (url) {
  const store = redisStore({ url, prefix: 'example:', commandTimeoutMs: 2_000, onStoreError: { rateLimit: 'fail-open' } });
  store.onStatus((event) => console.log(`[redis] status: ${event.type}`));
  try {
    await tour(store);
  } catch (error) {
    if (!StoreUnavailableError.isInstance(error)) throw error;
    console.log(`[redis] ${error.message}`);
    await store.close();
  }
} else {
  console.log('[redis] set SWITCHYARD_REDIS_URL to run the same tour on Redis');
}
